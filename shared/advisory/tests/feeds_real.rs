//! Every real feed file under `data/advisories` parses, and the counts agree with counts taken
//! by simple scans that do not use our parsers.

// Test helpers outside #[test] functions unwrap too: a failure there is a test failure.
#![allow(clippy::unwrap_used)]

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use layerwatch_advisory::feeds::{self, FeedKind};
use layerwatch_advisory::{FixState, discover};

fn files_with_ext(dir: &Path, ext: &str) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap().flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == ext) {
                out.push(p);
            }
        }
    }
    out
}

/// (entries that are real fixes, distinct first tokens) of one secdb document, read as
/// untyped JSON.
fn secdb_counts(doc: &serde_json::Value) -> (usize, BTreeSet<String>) {
    let mut entries = 0;
    let mut ids = BTreeSet::new();
    for p in doc["packages"].as_array().into_iter().flatten() {
        for (version, list) in p["pkg"]["secfixes"].as_object().into_iter().flatten() {
            if version == "0" {
                continue;
            }
            for entry in list.as_array().into_iter().flatten() {
                let text = entry.as_str().unwrap();
                entries += 1;
                ids.insert(text.split_whitespace().next().unwrap().to_owned());
            }
        }
    }
    (entries, ids)
}

#[test]
fn every_real_feed_file_parses_and_counts_agree() {
    let root = common::advisories_dir();
    let files = discover(&root);
    let mut by_source: BTreeMap<String, (usize, usize, usize)> = BTreeMap::new();
    for file in &files {
        let parsed = feeds::read(file).unwrap_or_else(|e| panic!("{}: {e:?}", file.rel_path));
        let affected: usize = parsed.advisories.iter().map(|a| a.affected.len()).sum();
        let c = by_source.entry(file.source.clone()).or_default();
        *c = (c.0 + 1, c.1 + parsed.advisories.len(), c.2 + affected);

        let stem = file.path.file_stem().unwrap().to_str().unwrap();
        match file.kind {
            FeedKind::OsvJson | FeedKind::OsvYaml => {
                assert_eq!(parsed.advisories.len(), 1, "{}", file.rel_path);
                assert_eq!(parsed.advisories[0].id, stem, "{}", file.rel_path);
            }
            FeedKind::NodejsWg => {
                assert_eq!(parsed.advisories[0].id, format!("NSWG-ECO-{stem}"));
            }
            FeedKind::AlpineSecdbJson => {
                let doc: serde_json::Value =
                    serde_json::from_slice(&std::fs::read(&file.path).unwrap()).unwrap();
                let (entries, ids) = secdb_counts(&doc);
                assert_eq!(affected, entries, "{}", file.rel_path);
                assert_eq!(parsed.advisories.len(), ids.len(), "{}", file.rel_path);
            }
            FeedKind::AlpineSecdbYaml => {
                let doc: serde_json::Value =
                    serde_yaml::from_slice(&std::fs::read(&file.path).unwrap()).unwrap();
                let (entries, ids) = secdb_counts(&doc);
                assert_eq!(affected, entries, "{}", file.rel_path);
                assert_eq!(parsed.advisories.len(), ids.len(), "{}", file.rel_path);
            }
            FeedKind::DebianList => {
                let text = std::fs::read_to_string(&file.path).unwrap();
                let headers = text.lines().filter(|l| l.starts_with('[')).count();
                let fixes = text
                    .lines()
                    .filter(|l| l.trim_start().starts_with('[') && !l.starts_with('['))
                    .filter(|l| !l.contains("<not-affected>"))
                    .count();
                assert_eq!(parsed.advisories.len(), headers, "{}", file.rel_path);
                assert_eq!(affected, fixes, "{}", file.rel_path);
            }
        }
    }
    for (source, (files, advisories, affected)) in &by_source {
        println!("{source}: {files} files, {advisories} advisories, {affected} affected entries");
    }

    // Independent file counts, from the folder layout alone.
    let count = |sub: &str, ext: &str| files_with_ext(&root.join(sub), ext).len();
    let expect = [
        ("alpine/secdb-json", count("alpine/secdb-json", "json")),
        (
            "alpine/alpine-secdb-yaml",
            count("alpine/alpine-secdb-yaml", "yaml"),
        ),
        ("debian/security-tracker", 2),
        ("go/vulndb-osv", count("go/vulndb-osv", "json")),
        ("crates/rustsec-osv", count("crates/rustsec-osv", "json")),
        ("pypi/pypa-vulns", count("pypi/pypa-vulns", "yaml")),
        ("ubuntu/usn-osv", count("ubuntu/usn-osv", "json")),
        ("npm/ghsa", count("npm/ghsa", "json")),
        // npm/ minus index.json (which repeats them all); core/ is not read.
        (
            "npm/nodejs-security-wg",
            count("npm/nodejs-security-wg/npm", "json") - 1,
        ),
    ];
    for (source, files) in expect {
        assert_eq!(by_source[source].0, files, "file count of {source}");
    }
    assert_eq!(
        by_source.len(),
        expect.len(),
        "unexpected sources: {by_source:?}"
    );
    // The README's figures for the complete sets.
    assert_eq!(by_source["alpine/secdb-json"].0, 41);
    assert_eq!(by_source["crates/rustsec-osv"].1, 1206);
    assert_eq!(by_source["go/vulndb-osv"].1, 4291);
    // The README's 2 662 for PyPA counts the `.id-allocator` file in the folder.
    assert_eq!(by_source["pypi/pypa-vulns"].1, 2661);

    // The WG's index.json lists every npm advisory once.
    let index: serde_json::Value = serde_json::from_slice(
        &std::fs::read(root.join("npm/nodejs-security-wg/npm/index.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(
        index.as_object().unwrap().len(),
        by_source["npm/nodejs-security-wg"].1
    );

    // Debian: headers scanned with grep-like counting of "] DSA-" / "] DLA-".
    let dsa = std::fs::read_to_string(root.join("debian/security-tracker/DSA/list")).unwrap();
    let dla = std::fs::read_to_string(root.join("debian/security-tracker/DLA/list")).unwrap();
    let ids = dsa.matches("] DSA-").count() + dla.matches("] DLA-").count();
    assert_eq!(by_source["debian/security-tracker"].1, ids);
}

#[test]
fn withdrawn_osv_records_carry_the_withdrawn_state() {
    let root = common::advisories_dir();
    let mut withdrawn = 0;
    let mut text_says = 0;
    for file in discover(&root.join("go")) {
        let text = std::fs::read_to_string(&file.path).unwrap();
        if text.contains("\"withdrawn\"") {
            text_says += 1;
        }
        let parsed = feeds::read(&file).unwrap();
        let a = &parsed.advisories[0];
        if a.withdrawn.is_some() {
            withdrawn += 1;
            assert!(
                a.affected
                    .iter()
                    .all(|x| x.fix_state == FixState::Withdrawn)
            );
        }
    }
    assert_eq!(withdrawn, text_says);
}
