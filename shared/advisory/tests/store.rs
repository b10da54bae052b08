//! The store: build, idempotence, broken files, failed updates, lookups and timings.

// Test helpers outside #[test] functions unwrap too: a failure there is a test failure.
#![allow(clippy::unwrap_used)]

mod common;

use std::path::Path;
use std::time::Instant;

use layerwatch_advisory::{Namespace, Store, StoreError};
use layerwatch_inventory::Ecosystem;

fn small_feed(dir: &Path) {
    for rel in [
        "alpine/secdb-json/v3.10/main.json",
        "alpine/alpine-secdb-yaml/v3.10/main.yaml",
        "go/vulndb-osv/GO-2022-0956.json",
        "pypi/pypa-vulns/flask/PYSEC-2018-66.yaml",
        "npm/nodejs-security-wg/npm/1.json",
    ] {
        common::copy_feed(dir, rel);
    }
}

#[test]
fn update_is_idempotent_and_supersedes_old_alpine_yaml() {
    let feed = tempfile::tempdir().unwrap();
    small_feed(feed.path());
    let out = tempfile::tempdir().unwrap();
    let db = out.path().join("advisories.db");

    let first = Store::update_from_dir(&db, feed.path()).unwrap();
    let second = Store::update_from_dir(&db, feed.path()).unwrap();
    assert_eq!(first.revision.len(), 64);
    assert_eq!(first.revision, second.revision);
    assert_eq!(
        second.previous_revision.as_deref(),
        Some(first.revision.as_str())
    );
    assert!(first.broken.is_empty(), "{:?}", first.broken);
    // The JSON secdb covers alpine 3.10 main; the old YAML for the same repository is left out.
    assert_eq!(
        first.superseded,
        vec!["alpine/alpine-secdb-yaml/v3.10/main.yaml"]
    );
    assert_eq!(first.files_ingested, 4);

    let store = Store::open(&db).unwrap();
    assert_eq!(store.revision(), first.revision);
    let names: Vec<_> = store
        .sources()
        .iter()
        .map(|s| (s.name.as_str(), s.files))
        .collect();
    assert_eq!(
        names,
        vec![
            ("alpine/secdb-json", 1),
            ("go/vulndb-osv", 1),
            ("npm/nodejs-security-wg", 1),
            ("pypi/pypa-vulns", 1)
        ]
    );
    // Changing one input byte changes the revision.
    let go = feed.path().join("go/vulndb-osv/GO-2022-0956.json");
    let text = std::fs::read_to_string(&go)
        .unwrap()
        .replace("Excessive", "Excessive ");
    std::fs::write(&go, text).unwrap();
    let third = Store::update_from_dir(&db, feed.path()).unwrap();
    assert_ne!(third.revision, first.revision);
}

#[test]
fn broken_file_is_named_and_skipped() {
    let feed = tempfile::tempdir().unwrap();
    small_feed(feed.path());
    let real =
        std::fs::read(common::advisories_dir().join("go/vulndb-osv/GO-2022-0956.json")).unwrap();
    let broken = feed.path().join("go/vulndb-osv/GO-2099-0001.json");
    std::fs::write(&broken, &real[..real.len() / 2]).unwrap();
    let out = tempfile::tempdir().unwrap();
    let db = out.path().join("advisories.db");

    let summary = Store::update_from_dir(&db, feed.path()).unwrap();
    assert_eq!(summary.broken.len(), 1);
    assert_eq!(summary.broken[0].path, "go/vulndb-osv/GO-2099-0001.json");
    assert!(
        summary.broken[0].error.contains("GO-2099-0001.json"),
        "{:?}",
        summary.broken
    );
    let store = Store::open(&db).unwrap();
    let go = store
        .lookup(&Namespace::Language(Ecosystem::Golang), "gopkg.in/yaml.v2")
        .unwrap();
    assert_eq!(go.len(), 1);
    assert_eq!(go[0].id, "GO-2022-0956");
}

#[test]
fn failed_update_leaves_the_old_store_readable() {
    let feed = tempfile::tempdir().unwrap();
    small_feed(feed.path());
    let out = tempfile::tempdir().unwrap();
    let db = out.path().join("advisories.db");
    let built = Store::update_from_dir(&db, feed.path()).unwrap();

    let missing = feed.path().join("no-such-dir");
    let err = Store::update_from_dir(&db, &missing).unwrap_err();
    assert!(matches!(err, StoreError::SourceDir { .. }), "{err}");
    assert!(err.to_string().contains("no-such-dir"));
    let empty = tempfile::tempdir().unwrap();
    let err = Store::update_from_dir(&db, empty.path()).unwrap_err();
    assert!(matches!(err, StoreError::NoFeeds { .. }), "{err}");

    let store = Store::open(&db).unwrap();
    assert_eq!(store.revision(), built.revision);
    let hits = store
        .lookup(&Namespace::os("alpine", "3.10"), "openssl")
        .unwrap();
    assert!(hits.iter().any(|a| a.id == "CVE-2019-1549"));
    // No temporary files are left beside the store.
    let names: Vec<_> = std::fs::read_dir(out.path()).unwrap().flatten().collect();
    assert_eq!(names.len(), 1, "{names:?}");
}

#[test]
fn store_paths_with_uri_characters_open() {
    let feed = tempfile::tempdir().unwrap();
    common::copy_feed(feed.path(), "go/vulndb-osv/GO-2022-0956.json");
    let out = tempfile::tempdir().unwrap();
    let dir = out.path().join("a dir?#%");
    std::fs::create_dir(&dir).unwrap();
    let db = dir.join("store 1.db");
    let built = Store::update_from_dir(&db, feed.path()).unwrap();
    let store = Store::open(&db).unwrap();
    assert_eq!(store.revision(), built.revision);
    assert_eq!(store.by_id("GO-2022-0956").unwrap().len(), 1);
}

#[test]
fn open_rejects_a_file_that_is_not_a_store() {
    let out = tempfile::tempdir().unwrap();
    let db = out.path().join("not-a-store.db");
    std::fs::write(&db, b"hello").unwrap();
    assert!(Store::open(&db).is_err());
    assert!(Store::open(&out.path().join("missing.db")).is_err());
}

/// Builds the store from every real feed, then checks known entries and prints timings.
#[test]
fn full_store_lookups_and_timings() {
    let out = tempfile::tempdir().unwrap();
    let db = out.path().join("advisories.db");
    let summary = Store::update_from_dir(&db, &common::advisories_dir()).unwrap();
    println!(
        "update: {} files, {} advisories, {} affected entries, {} skipped, {:?}; {} bytes",
        summary.files_ingested,
        summary.advisories,
        summary.affected_entries,
        summary.skipped_entries,
        summary.elapsed,
        std::fs::metadata(&db).unwrap().len()
    );
    assert!(summary.broken.is_empty(), "{:?}", summary.broken);
    assert_eq!(
        summary.superseded.len(),
        18,
        "every YAML secdb has a JSON successor"
    );

    let started = Instant::now();
    let store = Store::open(&db).unwrap();
    let open_time = started.elapsed();
    println!("open: {open_time:?}");
    assert!(open_time.as_millis() < 250, "open took {open_time:?}");

    // Alpine 3.10 openssl: CVE-2019-1549 fixed in 1.1.1d-r0 (Trivy fixture DB agrees).
    let alpine = store
        .lookup(&Namespace::os("alpine", "3.10"), "openssl")
        .unwrap();
    let cve = alpine.iter().find(|a| a.id == "CVE-2019-1549").unwrap();
    assert_eq!(cve.affected.len(), 1);
    assert_eq!(cve.affected[0].fixed_versions(), vec!["1.1.1d-r0"]);
    assert!(
        alpine
            .iter()
            .all(|a| a.affected.iter().all(|x| x.package == "openssl"))
    );
    // Debian by codename.
    let buster = store
        .lookup(&Namespace::os("debian", "buster"), "openssl")
        .unwrap();
    let dsa = buster.iter().find(|a| a.id == "DSA-4539-1").unwrap();
    assert_eq!(dsa.affected[0].fixed_versions(), vec!["1.1.1d-0+deb10u1"]);
    // PyPI names are normalised on both sides (PEP 503).
    let flask = store
        .lookup(&Namespace::Language(Ecosystem::Pypi), "Flask")
        .unwrap();
    assert!(flask.iter().any(|a| a.id == "PYSEC-2018-66"));
    assert_eq!(
        store.sources_for(&Namespace::os("alpine", "3.10")).unwrap(),
        vec!["alpine/secdb-json"]
    );
    assert_eq!(
        store
            .sources_for(&Namespace::os("debian", "buster"))
            .unwrap(),
        vec!["debian/security-tracker"]
    );
    let npm = store
        .sources_for(&Namespace::Language(Ecosystem::Npm))
        .unwrap();
    assert_eq!(npm, vec!["npm/ghsa", "npm/nodejs-security-wg"]);
    assert!(
        store
            .sources_for(&Namespace::os("alpine", "9.99"))
            .unwrap()
            .is_empty()
    );
    let by_id = store.by_id("GO-2022-0956").unwrap();
    assert_eq!(by_id.len(), 1);
    assert_eq!(by_id[0].affected.len(), 1);

    // 10,000 lookups over real names and misses.
    let pairs: Vec<(Namespace, &str)> = vec![
        (Namespace::os("alpine", "3.10"), "openssl"),
        (Namespace::os("alpine", "3.20"), "busybox"),
        (Namespace::os("alpine", "3.12"), "musl"),
        (Namespace::os("debian", "buster"), "openssl"),
        (Namespace::os("debian", "bullseye"), "curl"),
        (Namespace::os("ubuntu", "18.04"), "zlib"),
        (Namespace::Language(Ecosystem::Golang), "golang.org/x/net"),
        (Namespace::Language(Ecosystem::Pypi), "django"),
        (Namespace::Language(Ecosystem::Npm), "lodash"),
        (Namespace::Language(Ecosystem::Cargo), "no-such-crate"),
    ];
    let started = Instant::now();
    let mut found = 0;
    for i in 0..10_000 {
        let (ns, name) = &pairs[i % pairs.len()];
        found += store.lookup(ns, name).unwrap().len();
    }
    let lookups = started.elapsed();
    println!("10000 lookups: {lookups:?} ({found} advisories returned)");
    assert!(found > 0);
}

#[test]
fn symlinked_feed_files_are_read() {
    let feed = tempfile::tempdir().unwrap();
    let dir = feed.path().join("go/vulndb-osv");
    std::fs::create_dir_all(&dir).unwrap();
    let real = common::advisories_dir().join("go/vulndb-osv/GO-2022-0956.json");
    std::os::unix::fs::symlink(&real, dir.join("GO-2022-0956.json")).unwrap();
    let files = layerwatch_advisory::discover(feed.path());
    assert_eq!(files.len(), 1);
    assert_eq!(files[0].rel_path, "go/vulndb-osv/GO-2022-0956.json");
    assert_eq!(files[0].source, "go/vulndb-osv");
}
