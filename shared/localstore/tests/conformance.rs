//! The embedded store against the behaviour suite every backend runs
//! (`layerwatch_pipeline::conformance`), plus what only a file can show: the data survives
//! reopening, and two connections to one file agree on conditional writes.

use std::sync::Arc;

use layerwatch_localstore::{DirObjects, LocalStore};
use layerwatch_pipeline::conformance;
use layerwatch_pipeline::{CreateOutcome, JobStore, ObjectStore, ResultQuery, ResultStore};

fn store() -> (tempfile::TempDir, LocalStore) {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = LocalStore::open(&dir.path().join("sub/store.db")).expect("open");
    (dir, store)
}

#[test]
fn layer_cache_rules() {
    let (_dir, store) = store();
    conformance::layer_cache(&store);
}

#[test]
fn job_rules() {
    let (_dir, store) = store();
    conformance::jobs(&store);
}

#[test]
fn results_rules() {
    let (_dir, store) = store();
    conformance::results(&store);
}

#[test]
fn object_rules() {
    let dir = tempfile::tempdir().expect("tempdir");
    let objects = DirObjects::open(&dir.path().join("objects")).expect("open");
    conformance::objects(&objects);
    // Nothing staged is left behind, and the staging folder is never listed.
    let staged = std::fs::read_dir(dir.path().join("objects/.tmp"))
        .expect("tmp")
        .count();
    assert_eq!(staged, 0, "no temporary file is left");
    assert!(
        objects
            .list("")
            .expect("list")
            .iter()
            .all(|k| !k.starts_with(".tmp"))
    );
}

#[test]
fn hostile_keys_are_refused() {
    let dir = tempfile::tempdir().expect("tempdir");
    let objects = DirObjects::open(&dir.path().join("objects")).expect("open");
    for key in ["../escape", "a/../../b", "/abs", "a//b", ".tmp/x", ""] {
        assert!(
            objects.put(key, b"x", "text/plain").is_err(),
            "{key:?} must be refused"
        );
    }
    assert!(!dir.path().join("escape").exists());
}

#[test]
fn two_connections_to_one_file_agree() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("store.db");
    let a = Arc::new(LocalStore::open(&path).expect("open a"));
    let b = Arc::new(LocalStore::open(&path).expect("open b"));
    // The same job created through both connections at once: exactly one creates it.
    let job = conformance_job();
    let created = std::thread::scope(|s| {
        let ha = s.spawn(|| a.create(&job).expect("create a"));
        let hb = s.spawn(|| b.create(&job).expect("create b"));
        [ha.join().expect("a"), hb.join().expect("b")]
            .into_iter()
            .filter(|o| *o == CreateOutcome::Created)
            .count()
    });
    assert_eq!(created, 1);
    // Reopened, the job and its claim state are still there.
    assert!(a.claim_assembly(&job.key).expect("claim"));
    drop((a, b));
    let again = LocalStore::open(&path).expect("reopen");
    assert!(!again.claim_assembly(&job.key).expect("claim after reopen"));
    assert!(again.query(&ResultQuery::All).expect("all").is_empty());
}

fn conformance_job() -> layerwatch_pipeline::Job {
    let digest = conformance::unique_digest("job");
    layerwatch_pipeline::Job {
        key: layerwatch_pipeline::JobKey {
            image: layerwatch_pipeline::ImageLocation {
                registry: "r.example".into(),
                repository: "team/app".into(),
            },
            digest: digest.clone(),
            platform: "linux/amd64".into(),
            analyzer: "1".into(),
        },
        index_digest: None,
        platform: None,
        tags: Default::default(),
        config_digest: digest.clone(),
        layers: vec![digest],
        finished: Default::default(),
        state: layerwatch_pipeline::JobState::Pending,
        event_id: "e".into(),
        created_at: "2026-12-03T10:00:00Z".into(),
    }
}
