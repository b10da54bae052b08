//! The behaviour every storage backend must show, as a suite each backend's tests run
//! against their own stores (feature `conformance`): the embedded store, DynamoDB + S3
//! against moto, Azure Blob against Azurite.
//!
//! ```ignore
//! layerwatch_pipeline::conformance::layer_cache(&my_cache);
//! layerwatch_pipeline::conformance::jobs(&my_jobs);
//! layerwatch_pipeline::conformance::results(&my_results);
//! layerwatch_pipeline::conformance::objects(&my_objects);
//! ```
//!
//! Each function panics with a message naming the broken rule. Every key it writes is new
//! (a unique repository, digest or prefix per call), so it may run against shared stand-ins,
//! in parallel, any number of times, without resetting them.

mod cache_jobs;
mod results;

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

use layerwatch_oci::Digest;

pub use cache_jobs::{jobs, layer_cache};
pub use results::results;

use crate::store::{ObjectStore, PutOutcome};

/// A string no other call (in this process or another) returns: time, process and a counter.
pub fn unique(label: &str) -> String {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    format!(
        "{label}-{nanos}-{}-{}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    )
}

/// A digest no other call returns.
pub fn unique_digest(label: &str) -> Digest {
    Digest::sha256_of(unique(label).as_bytes())
}

/// Object store rules: `put_once` writes once (also under a race), `put` replaces, `get` of a
/// missing key is `None`, `list` gives the keys under a prefix in lexical order.
pub fn objects(store: &dyn ObjectStore) {
    let prefix = format!("conformance/{}/", unique("objects"));
    let key = format!("{prefix}reports/a.json");
    assert_eq!(store.get(&key).expect("get"), None, "a missing key is None");
    assert_eq!(
        store
            .put_once(&key, b"first", "application/json")
            .expect("put_once"),
        PutOutcome::Created
    );
    assert_eq!(
        store
            .put_once(&key, b"second", "application/json")
            .expect("put_once again"),
        PutOutcome::AlreadyPresent,
        "put_once must not replace"
    );
    assert_eq!(
        store.get(&key).expect("get").as_deref(),
        Some(&b"first"[..])
    );
    store.put(&key, b"third", "application/json").expect("put");
    assert_eq!(
        store.get(&key).expect("get").as_deref(),
        Some(&b"third"[..]),
        "put replaces"
    );

    let raced = format!("{prefix}raced");
    let created = std::thread::scope(|s| {
        let handles: Vec<_> = (0..6)
            .map(|i| {
                let raced = &raced;
                s.spawn(move || {
                    store
                        .put_once(raced, format!("writer {i}").as_bytes(), "text/plain")
                        .expect("put_once under race")
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("thread"))
            .filter(|o| *o == PutOutcome::Created)
            .count()
    });
    assert_eq!(
        created, 1,
        "exactly one of six racing put_once calls creates"
    );

    for k in ["b/2", "b/1", "a"] {
        store
            .put(&format!("{prefix}list/{k}"), b"x", "text/plain")
            .expect("put");
    }
    let listed = store.list(&format!("{prefix}list/")).expect("list");
    assert_eq!(
        listed,
        vec![
            format!("{prefix}list/a"),
            format!("{prefix}list/b/1"),
            format!("{prefix}list/b/2")
        ],
        "list gives the keys under the prefix, sorted"
    );
    assert!(
        store
            .list(&format!("{prefix}nothing/"))
            .expect("list")
            .is_empty(),
        "an unused prefix lists nothing"
    );
    let big = vec![7u8; 3 * 1024 * 1024];
    store
        .put_once(&format!("{prefix}big"), &big, "application/octet-stream")
        .expect("big object");
    assert_eq!(
        store
            .get(&format!("{prefix}big"))
            .expect("get big")
            .map(|b| b.len()),
        Some(big.len())
    );
}
