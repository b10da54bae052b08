//! Layer cache and job table rules.

use std::collections::BTreeSet;

use layerwatch_inventory::{ANALYZER_VERSION, Compression, LayerInventory};
use layerwatch_oci::{Digest, Platform};

use super::{unique, unique_digest};
use crate::model::{ImageLocation, Job, JobKey, JobState};
use crate::store::{CreateOutcome, JobStore, LayerCacheStore, PutOutcome};

fn inventory(label: &str, whiteouts: usize) -> LayerInventory {
    let mut inv = LayerInventory::empty(unique_digest(label), Compression::Gzip);
    inv.size = 1234;
    // Hashes compress badly, so a large count makes an item over any table's item limit.
    inv.whiteouts = (0..whiteouts)
        .map(|i| {
            Digest::sha256_of(format!("{label}{i}").as_bytes())
                .hex()
                .to_string()
        })
        .collect();
    inv
}

/// Layer cache rules: a put is conditional (the first inventory stays), a batch get returns
/// exactly the cached digests of the asked analyzer version, and an inventory too large for
/// a table item (several MB of JSON) survives the round trip.
pub fn layer_cache(store: &dyn LayerCacheStore) {
    let a = inventory("cache-a", 3);
    let b = inventory("cache-b", 0);
    let missing = unique_digest("cache-missing");
    assert!(
        store
            .get_many(&[a.digest.clone(), missing.clone()], ANALYZER_VERSION)
            .expect("get_many")
            .is_empty(),
        "nothing is cached yet"
    );
    assert_eq!(store.put(&a).expect("put a"), PutOutcome::Created);
    assert_eq!(store.put(&b).expect("put b"), PutOutcome::Created);
    let mut changed = a.clone();
    changed.whiteouts.push("etc/other".into());
    assert_eq!(
        store.put(&changed).expect("put a again"),
        PutOutcome::AlreadyPresent,
        "a second put of the same digest is refused"
    );
    let got = store
        .get_many(
            &[a.digest.clone(), b.digest.clone(), missing.clone()],
            ANALYZER_VERSION,
        )
        .expect("get_many");
    assert_eq!(got.len(), 2, "exactly the cached digests come back");
    assert_eq!(got.get(&a.digest), Some(&a), "the first inventory stays");
    assert_eq!(got.get(&b.digest), Some(&b));
    assert!(
        store
            .get_many(std::slice::from_ref(&a.digest), "another-analyzer")
            .expect("get_many other analyzer")
            .is_empty(),
        "entries are keyed by analyzer version too"
    );
    let many: Vec<LayerInventory> = (0..30)
        .map(|i| inventory(&format!("batch{i}"), 0))
        .collect();
    for inv in &many {
        store.put(inv).expect("put batch");
    }
    let digests: Vec<Digest> = many.iter().map(|i| i.digest.clone()).collect();
    assert_eq!(
        store
            .get_many(&digests, ANALYZER_VERSION)
            .expect("batch")
            .len(),
        30,
        "a batch larger than one request's limit is read whole"
    );

    let big = inventory("cache-big", 60_000);
    assert_eq!(store.put(&big).expect("put big"), PutOutcome::Created);
    let got = store
        .get_many(std::slice::from_ref(&big.digest), ANALYZER_VERSION)
        .expect("get big");
    assert_eq!(
        got.get(&big.digest),
        Some(&big),
        "a large inventory round-trips"
    );
}

/// A new pending job of three layers in a unique repository.
pub(crate) fn new_job(label: &str) -> Job {
    let image = ImageLocation {
        registry: "conformance.example".into(),
        repository: format!("conformance/{}", unique(label)),
    };
    let platform = Platform::new("linux", "arm64", Some("v8"));
    Job {
        key: JobKey {
            image,
            digest: unique_digest(label),
            platform: platform.to_string(),
            analyzer: ANALYZER_VERSION.to_string(),
        },
        index_digest: Some(unique_digest("index")),
        platform: Some(platform),
        tags: BTreeSet::from(["v1".to_string()]),
        config_digest: unique_digest("config"),
        layers: (0..3)
            .map(|i| unique_digest(&format!("layer{i}")))
            .collect(),
        finished: BTreeSet::new(),
        state: JobState::Pending,
        event_id: unique("event"),
        created_at: "2026-12-03T10:00:00Z".into(),
    }
}

/// Job table rules: create is conditional (a duplicate gets the stored job back unchanged; a
/// failed job is replaced), finish_layer is idempotent and loses nothing under concurrency,
/// exactly one claim_assembly wins, finish and add_tag stick.
pub fn jobs(store: &dyn JobStore) {
    let job = new_job("job");
    let key = &job.key;
    assert_eq!(store.get(key).expect("get"), None, "a new key has no job");
    assert_eq!(store.create(&job).expect("create"), CreateOutcome::Created);
    assert_eq!(
        store.get(key).expect("get").as_ref(),
        Some(&job),
        "stored as given"
    );
    let mut duplicate = job.clone();
    duplicate.event_id = unique("replayed");
    duplicate.tags.insert("v2".into());
    match store.create(&duplicate).expect("create again") {
        CreateOutcome::Exists(existing) => assert_eq!(*existing, job, "the stored job comes back"),
        CreateOutcome::Created => panic!("a duplicate create must not create"),
    }
    assert_eq!(
        store.get(key).expect("get").as_ref(),
        Some(&job),
        "unchanged by the duplicate"
    );

    let after = store
        .finish_layer(key, &job.layers[0])
        .expect("finish_layer");
    let again = store
        .finish_layer(key, &job.layers[0])
        .expect("finish_layer again");
    assert_eq!(after.finished.len(), 1);
    assert_eq!(
        again.finished, after.finished,
        "finishing a layer twice counts once"
    );
    assert!(!again.all_layers_finished());

    std::thread::scope(|s| {
        for layer in &job.layers[1..] {
            for _ in 0..3 {
                s.spawn(move || {
                    store
                        .finish_layer(key, layer)
                        .expect("concurrent finish_layer")
                });
            }
        }
    });
    let done = store.get(key).expect("get").expect("job");
    assert_eq!(
        done.finished,
        job.layers.iter().cloned().collect::<BTreeSet<_>>(),
        "concurrent finish_layer calls lose no layer"
    );
    assert!(done.all_layers_finished());

    let wins = std::thread::scope(|s| {
        let handles: Vec<_> = (0..6)
            .map(|_| s.spawn(move || store.claim_assembly(key).expect("claim")))
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("thread"))
            .filter(|won| *won)
            .count()
    });
    assert_eq!(wins, 1, "exactly one of six racing claims wins");
    assert_eq!(
        store.get(key).expect("get").expect("job").state,
        JobState::Assembling
    );
    assert!(
        !store.claim_assembly(key).expect("claim again"),
        "a claimed job cannot be claimed"
    );

    store.add_tag(key, "v2").expect("add_tag");
    store.add_tag(key, "v2").expect("add_tag twice");
    let tagged = store.get(key).expect("get").expect("job");
    assert_eq!(
        tagged.tags,
        BTreeSet::from(["v1".to_string(), "v2".to_string()]),
        "add_tag adds once"
    );
    assert_eq!(tagged.finished.len(), 3, "add_tag keeps the finished set");

    store.finish(key, JobState::Done).expect("finish");
    assert_eq!(
        store.get(key).expect("get").expect("job").state,
        JobState::Done
    );
    assert!(
        !store.claim_assembly(key).expect("claim done"),
        "a done job cannot be claimed"
    );
    match store.create(&job).expect("create over done") {
        CreateOutcome::Exists(existing) => assert_eq!(existing.state, JobState::Done),
        CreateOutcome::Created => panic!("a done job must not be replaced"),
    }

    let failed = new_job("failed");
    store.create(&failed).expect("create");
    let reason = "layer 1 (sha256:...) of r/x@sha256:...: not found".to_string();
    store
        .finish(
            &failed.key,
            JobState::Failed {
                reason: reason.clone(),
            },
        )
        .expect("fail");
    assert_eq!(
        store.get(&failed.key).expect("get").expect("job").state,
        JobState::Failed { reason }
    );
    let mut retry = failed.clone();
    retry.event_id = unique("re-push");
    assert_eq!(
        store.create(&retry).expect("create over failed"),
        CreateOutcome::Created,
        "a failed job is replaced by a new push"
    );
    assert_eq!(store.get(&failed.key).expect("get").as_ref(), Some(&retry));
}
