//! The store's file format: old layouts are refused with a way out, shared lookups hit the
//! cache, misses cost no query, and lookups by id gather every entry of an advisory.

// Test helpers outside #[test] functions unwrap too: a failure there is a test failure.
#![allow(clippy::unwrap_used)]

mod common;

use std::sync::Arc;

use layerwatch_advisory::{Namespace, Store, StoreError};
use layerwatch_inventory::Ecosystem;

#[test]
fn a_store_of_the_old_schema_says_to_run_db_update() {
    let out = tempfile::tempdir().unwrap();
    let db = out.path().join("old.db");
    // What schema 1 wrote: a meta table saying so, JSON rows elsewhere.
    let conn = rusqlite::Connection::open(&db).unwrap();
    conn.execute_batch(
        "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
         INSERT INTO meta VALUES ('schema_version', '1'), ('revision', 'abc');",
    )
    .unwrap();
    drop(conn);
    let err = Store::open(&db).unwrap_err();
    assert!(matches!(err, StoreError::Schema { .. }), "{err}");
    let text = err.to_string();
    assert!(text.contains("schema 1"), "{text}");
    assert!(text.contains("run `layerwatch db update`"), "{text}");
    assert!(text.contains("old.db"), "{text}");

    // An update over it replaces it with a readable store.
    let feed = tempfile::tempdir().unwrap();
    common::copy_feed(feed.path(), "go/vulndb-osv/GO-2022-0956.json");
    let summary = Store::update_from_dir(&db, feed.path()).unwrap();
    assert_eq!(summary.previous_revision, None);
    assert_eq!(Store::open(&db).unwrap().revision(), summary.revision);
}

#[test]
fn shared_lookups_are_cached_and_equal_plain_lookups() {
    let feed = tempfile::tempdir().unwrap();
    for rel in [
        "alpine/secdb-json/v3.10/main.json",
        "debian/security-tracker/DSA/list",
        "pypi/pypa-vulns/flask/PYSEC-2018-66.yaml",
    ] {
        common::copy_feed(feed.path(), rel);
    }
    let out = tempfile::tempdir().unwrap();
    let db = out.path().join("advisories.db");
    Store::update_from_dir(&db, feed.path()).unwrap();
    let store = Store::open(&db).unwrap();

    let ns = Namespace::os("alpine", "3.10");
    let first = store.lookup_shared(&ns, "openssl").unwrap();
    let again = store.lookup_shared(&ns, "openssl").unwrap();
    assert!(
        Arc::ptr_eq(&first, &again),
        "second lookup is served from the cache"
    );
    assert_eq!(&store.lookup(&ns, "openssl").unwrap()[..], &first[..]);
    // The secdb lists these fixes for openssl in v3.10 main.
    assert!(first.iter().any(|a| a.id == "CVE-2019-1549"));
    assert!(
        first
            .iter()
            .flat_map(|a| &a.affected)
            .all(|e| e.package == "openssl" && e.namespace == ns)
    );
    // Ordered by (source, id) as the plain lookup always was.
    let ids: Vec<&str> = first.iter().map(|a| a.id.as_str()).collect();
    let mut sorted = ids.clone();
    sorted.sort_unstable();
    assert_eq!(ids, sorted);

    // PEP 503 names meet in one group whatever their spelling.
    let pypi = Namespace::Language(Ecosystem::Pypi);
    let a = store.lookup_shared(&pypi, "Flask").unwrap();
    let b = store.lookup_shared(&pypi, "flask").unwrap();
    assert!(Arc::ptr_eq(&a, &b));
    assert!(a.iter().any(|x| x.id == "PYSEC-2018-66"));
    assert!(
        store
            .lookup_shared(&pypi, "no-such-package")
            .unwrap()
            .is_empty()
    );
    assert!(
        store
            .lookup_shared(&Namespace::os("alpine", "3.99"), "openssl")
            .unwrap()
            .is_empty()
    );
}

#[test]
fn by_id_gathers_the_entries_of_every_release() {
    let feed = tempfile::tempdir().unwrap();
    common::copy_feed(feed.path(), "debian/security-tracker/DSA/list");
    let out = tempfile::tempdir().unwrap();
    let db = out.path().join("advisories.db");
    Store::update_from_dir(&db, feed.path()).unwrap();
    let store = Store::open(&db).unwrap();
    // The list's own block for this advisory says how many releases got a fix
    // (stretch and buster for DSA-4539-1 openssl).
    let list =
        std::fs::read_to_string(common::advisories_dir().join("debian/security-tracker/DSA/list"))
            .unwrap();
    let block: Vec<&str> = list
        .split("\n[")
        .find(|b| b.contains("] DSA-4539-1 "))
        .unwrap()
        .lines()
        .filter(|l| l.trim_start().starts_with('[') && l.contains(" - "))
        .collect();
    let found = store.by_id("DSA-4539-1").unwrap();
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].affected.len(), block.len(), "{block:?}");
    assert!(store.by_id("DSA-0000-0").unwrap().is_empty());
}
