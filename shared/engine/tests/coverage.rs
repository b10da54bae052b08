//! Coverage (issue 3): an ecosystem or OS release without any advisory source is a visible
//! `not-covered` warning, never a silently clean report; covered ones are not warned about.

mod support;

use layerwatch_advisory::Store;
use layerwatch_engine::match_report;
use layerwatch_engine::sbom::report_from_sbom;
use support::shared;

#[test]
fn uncovered_ecosystems_and_releases_are_warned_about() {
    // A store holding only npm (Node WG) and Go advisories.
    let feeds = tempfile::tempdir().expect("tempdir");
    for rel in [
        "npm/nodejs-security-wg/npm/1.json",
        "go/vulndb-osv/GO-2022-0956.json",
    ] {
        let to = feeds.path().join(rel);
        std::fs::create_dir_all(to.parent().expect("parent")).expect("mkdir");
        std::fs::copy(shared().join("data/advisories").join(rel), &to).expect("copy");
    }
    let out = tempfile::tempdir().expect("tempdir");
    let db = out.path().join("advisories.db");
    Store::update_from_dir(&db, feeds.path()).expect("store");

    let file = out.path().join("app.cdx.json");
    let bom = serde_json::json!({
        "bomFormat": "CycloneDX", "specVersion": "1.5", "version": 1,
        "metadata": {"component": {"type": "container", "name": "app"}},
        "components": [
            {"type": "library", "name": "lodash", "version": "4.17.0",
             "purl": "pkg:npm/lodash@4.17.0"},
            {"type": "library", "name": "rails", "version": "5.0.0",
             "purl": "pkg:gem/rails@5.0.0"},
            {"type": "library", "name": "log4j-core", "version": "2.14.1",
             "purl": "pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1"},
            {"type": "library", "name": "musl", "version": "1.1.22-r3",
             "purl": "pkg:apk/alpine/musl@1.1.22-r3?distro=3.10.2"}
        ]
    });
    std::fs::write(&file, bom.to_string()).expect("write");
    let mut report = report_from_sbom(&file).expect("read sbom");
    match_report(&mut report, &Store::open(&db).expect("open")).expect("match");

    let warned: Vec<&str> = report
        .warnings
        .iter()
        .filter(|w| w.code == "not-covered")
        .map(|w| w.message.as_str())
        .collect();
    for target in ["lang:gem", "lang:maven", "os:alpine:3.10"] {
        assert!(
            warned.iter().any(|m| m.contains(target)),
            "{target} not warned about: {warned:?}"
        );
    }
    assert!(
        !warned.iter().any(|m| m.contains("lang:npm")),
        "npm is covered by the Node WG feed: {warned:?}"
    );
    let npm = report
        .coverage
        .iter()
        .find(|c| c.target == "lang:npm")
        .expect("npm coverage entry");
    assert_eq!(npm.sources, ["npm/nodejs-security-wg"]);
}
