//! The Azure stores against Azurite: the conditional writes each store relies on, paging,
//! queue round trips, results indexes, and Shared Key rejection of a wrong key.

mod common;

use std::collections::BTreeSet;

use layerwatch_azure::blob::{Condition, Put};
use layerwatch_azure::{AzureConfig, AzureStorage};
use layerwatch_inventory::{Compression, LayerInventory};
use layerwatch_oci::Digest;
use layerwatch_pipeline::{
    CreateOutcome, ImageLocation, IndexEntry, Job, JobKey, JobState, JobStore, LayerCacheStore,
    LayerJob, ObjectStore, PutOutcome, ResultQuery, ResultRow, ResultStore, SeverityCounts,
    StoreError, WorkQueue,
};
use layerwatch_report::Severity;

fn image() -> ImageLocation {
    ImageLocation {
        registry: "layerwatch.azurecr.io".into(),
        repository: "team/app".into(),
    }
}

fn job(tag: &str) -> Job {
    let layers = vec![Digest::sha256_of(b"l1"), Digest::sha256_of(b"l2")];
    Job {
        key: JobKey {
            image: image(),
            digest: Digest::sha256_of(tag.as_bytes()),
            platform: "linux/amd64".into(),
            analyzer: "1".into(),
        },
        index_digest: None,
        platform: None,
        tags: BTreeSet::from([tag.to_string()]),
        config_digest: Digest::sha256_of(b"config"),
        layers,
        finished: BTreeSet::new(),
        state: JobState::Pending,
        event_id: "ev-1".into(),
        created_at: "2026-12-03T00:00:00Z".into(),
    }
}

#[test]
fn if_none_match_creates_once_and_if_match_refuses_a_stale_etag() {
    let f = common::fixture("blob");
    let c = f.storage.container();
    let Put::Written(etag) = c
        .put("a/b.json", b"1", "application/json", Condition::Absent)
        .expect("put")
    else {
        panic!("first create must write");
    };
    assert_eq!(
        c.put("a/b.json", b"2", "application/json", Condition::Absent)
            .expect("put"),
        Put::Conflict
    );
    assert_eq!(c.get("a/b.json").expect("get").expect("exists").bytes, b"1");
    let Put::Written(_) = c
        .put(
            "a/b.json",
            b"3",
            "application/json",
            Condition::Matches(&etag),
        )
        .expect("put")
    else {
        panic!("matching etag must write");
    };
    assert_eq!(
        c.put(
            "a/b.json",
            b"4",
            "application/json",
            Condition::Matches(&etag)
        )
        .expect("put"),
        Put::Conflict
    );
    assert_eq!(c.get("a/b.json").expect("get").expect("exists").bytes, b"3");
    assert!(c.get("a/missing").expect("get").is_none());
}

#[test]
fn listing_follows_pages_and_keeps_to_the_prefix() {
    let f = common::fixture("list");
    // Pages of 10 names, so NextMarker is followed several times.
    let c = f.storage.container().clone().with_page_size(10);
    let names: Vec<String> = (0..35).map(|i| format!("p/{i:05}")).collect();
    std::thread::scope(|s| {
        for chunk in names.chunks(9) {
            let st = &f.storage;
            s.spawn(move || {
                for n in chunk {
                    ObjectStore::put(st, n, b"x", "text/plain").expect("put");
                }
            });
        }
    });
    ObjectStore::put(&f.storage, "q/other", b"x", "text/plain").expect("put");
    assert_eq!(c.list("p/").expect("list"), names);
    assert_eq!(
        f.storage.list("p/").expect("list"),
        names,
        "one default page"
    );
}

#[test]
fn the_layer_cache_keeps_the_first_inventory() {
    let f = common::fixture("cache");
    let digest = Digest::sha256_of(b"layer");
    let mut first = LayerInventory::empty(digest.clone(), Compression::Gzip);
    first.whiteouts.push("etc/first".into());
    let mut second = first.clone();
    second.whiteouts = vec!["etc/second".into()];
    assert_eq!(
        LayerCacheStore::put(&f.storage, &first).expect("put"),
        PutOutcome::Created
    );
    assert_eq!(
        LayerCacheStore::put(&f.storage, &second).expect("put"),
        PutOutcome::AlreadyPresent
    );
    let other = Digest::sha256_of(b"not cached");
    let got = f
        .storage
        .get_many(&[digest.clone(), other], &first.analyzer_version)
        .expect("get");
    assert_eq!(got.len(), 1);
    assert_eq!(got[&digest], first);
    assert!(
        f.storage
            .get_many(std::slice::from_ref(&digest), "another-analyzer")
            .expect("get")
            .is_empty()
    );
}

#[test]
fn a_duplicate_job_is_returned_and_concurrent_layers_all_count() {
    let f = common::fixture("jobs");
    let js: &dyn JobStore = &f.storage;
    let j = job("v1");
    assert_eq!(js.create(&j).expect("create"), CreateOutcome::Created);
    let CreateOutcome::Exists(again) = js.create(&job("v1")).expect("create") else {
        panic!("a second create must find the job");
    };
    assert_eq!(*again, j);
    // Both layers finish at once on different threads: compare-and-swap keeps both.
    std::thread::scope(|s| {
        for l in &j.layers {
            let (st, key) = (js, &j.key);
            s.spawn(move || {
                for _ in 0..3 {
                    st.finish_layer(key, l).expect("finish layer");
                }
            });
        }
    });
    let stored = js.get(&j.key).expect("get").expect("exists");
    assert!(stored.all_layers_finished(), "{:?}", stored.finished);
    let claims: Vec<bool> = std::thread::scope(|s| {
        let hs: Vec<_> = (0..4)
            .map(|_| s.spawn(|| js.claim_assembly(&j.key).expect("claim")))
            .collect();
        hs.into_iter().map(|h| h.join().expect("thread")).collect()
    });
    assert_eq!(claims.iter().filter(|c| **c).count(), 1, "{claims:?}");
    js.finish(
        &j.key,
        JobState::Failed {
            reason: "layer 1: gone".into(),
        },
    )
    .expect("finish");
    // A failed job is replaced by a new push.
    assert_eq!(js.create(&j).expect("create"), CreateOutcome::Created);
    let missing = job("never-created");
    let err = f
        .storage
        .finish_layer(&missing.key, &missing.layers[0])
        .expect_err("no such job");
    assert!(
        !err.is_retryable() && err.to_string().contains("does not exist"),
        "{err}"
    );
}

fn row(digest: &Digest, platform: &str) -> ResultRow {
    ResultRow {
        image: image(),
        digest: digest.clone(),
        index_digest: Some(Digest::sha256_of(b"index")),
        platform: platform.into(),
        tags: BTreeSet::from(["v1".to_string()]),
        counts: SeverityCounts::default(),
        report_key: "reports/v1/x.json".into(),
        sbom_key: "reports/v1/x.cdx.json".into(),
        advisory_revision: "r1".into(),
        analyzer: "1".into(),
        scanned_at: "2026-12-03T00:00:00Z".into(),
        os: Some("alpine 3.20.3".into()),
        deleted: false,
    }
}

fn vuln(id: &str, pkg: &str) -> IndexEntry {
    IndexEntry::Vulnerability {
        id: id.into(),
        package: pkg.into(),
        version: "3.3.1-r0".into(),
        severity: Severity::High,
    }
}

#[test]
fn results_are_found_by_digest_index_cve_and_package_and_a_rematch_drops_stale_entries() {
    let f = common::fixture("results");
    let rs: &dyn ResultStore = &f.storage;
    let d = Digest::sha256_of(b"amd64");
    let openssl = "pkg:apk/alpine/openssl";
    let pkg = IndexEntry::Package {
        package: openssl.into(),
        version: "3.3.1-r0".into(),
    };
    let r = row(&d, "linux/amd64");
    rs.put(&r, &[vuln("CVE-2024-6119", openssl), pkg.clone()])
        .expect("put");
    rs.put(&row(&Digest::sha256_of(b"arm64"), "linux/arm64"), &[])
        .expect("put");

    assert_eq!(
        rs.query(&ResultQuery::Digest(d.clone())).expect("q").len(),
        1
    );
    assert_eq!(
        rs.query(&ResultQuery::Digest(Digest::sha256_of(b"index")))
            .expect("q")
            .len(),
        2
    );
    let by_cve = f
        .storage
        .query(&ResultQuery::Vulnerability("cve-2024-6119".into()))
        .expect("q");
    assert_eq!(by_cve.len(), 1);
    assert_eq!(by_cve[0].1, vec![vuln("CVE-2024-6119", openssl)]);
    let by_pkg = f
        .storage
        .query(&ResultQuery::Package {
            package: openssl.into(),
            version: None,
        })
        .expect("q");
    assert_eq!(by_pkg.len(), 1);
    assert_eq!(by_pkg[0].1, vec![pkg.clone()]);
    let wrong_version = ResultQuery::Package {
        package: openssl.into(),
        version: Some("1.0".into()),
    };
    assert!(rs.query(&wrong_version).expect("q").is_empty());
    // "openssl" must not match "openssl-dev" by prefix.
    let dev = ResultQuery::Package {
        package: format!("{openssl}-dev"),
        version: None,
    };
    assert!(rs.query(&dev).expect("q").is_empty());

    rs.add_tag(&image(), &d, "latest").expect("tag");
    let tagged = ResultQuery::Repository {
        image: image(),
        tag: Some("latest".into()),
    };
    let rows = rs.query(&tagged).expect("q");
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].0.digest, d);

    // The re-match no longer finds the CVE: the index must forget it.
    rs.put(&r, &[pkg]).expect("put");
    assert!(
        rs.query(&ResultQuery::Vulnerability("CVE-2024-6119".into()))
            .expect("q")
            .is_empty()
    );
    rs.mark_deleted(&image(), &d).expect("delete");
    let rows = rs.query(&ResultQuery::Digest(d)).expect("q");
    assert!(rows[0].0.deleted);
}

#[test]
fn queue_messages_round_trip_base64_and_oversize_is_permanent() {
    let f = common::fixture("queue");
    let j = job("q");
    let layer = LayerJob {
        job: j.key.clone(),
        layer: j.layers[0].clone(),
        index: 0,
        size: Some(3),
        media_type: None,
    };
    f.storage
        .send_layer_jobs(std::slice::from_ref(&layer))
        .expect("send");
    let got = f.storage.layer_queue().receive(32, 30).expect("receive");
    assert_eq!(got.len(), 1);
    let back: LayerJob = serde_json::from_slice(&got[0].body).expect("json");
    assert_eq!(back, layer);
    f.storage.layer_queue().delete(&got[0]).expect("delete");
    assert!(
        f.storage
            .layer_queue()
            .receive(32, 1)
            .expect("receive")
            .is_empty()
    );
    let err = f
        .storage
        .layer_queue()
        .send(&vec![b'x'; 50 * 1024])
        .expect_err("too big");
    assert!(matches!(err, StoreError::Permanent(_)), "{err}");
}

#[test]
fn a_wrong_account_key_is_a_permanent_error() {
    let f = common::fixture("auth");
    let mut config = f.config.clone();
    config.credential = AzureConfig::shared_key("devstoreaccount1", "d3Jvbmcga2V5").expect("key");
    let bad = AzureStorage::new(&config, f.runtime.handle().clone()).expect("storage");
    let err = ObjectStore::get(&bad, "x").expect_err("403");
    assert!(
        matches!(err, StoreError::Permanent(_)) && err.to_string().contains("403"),
        "{err}"
    );
}
