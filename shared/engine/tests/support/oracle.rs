//! Oracle support for the advisory acceptance tests: one advisory store per test binary, a
//! scan-and-match helper that returns the JSON report, and batched version comparisons by the
//! real distribution tools (`apk version -t` in a chroot of Alpine 3.20.3, `dpkg
//! --compare-versions`). Expected findings are computed from the feed files with these tools,
//! never from our own version code.

#![allow(dead_code)]

use std::collections::{BTreeMap, BTreeSet};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;

use layerwatch_advisory::Store;
use layerwatch_engine::{NoCache, ScanOptions, Target, match_report, scan};
use layerwatch_report::{Format, Report, ReportInput, render};

use crate::support::shared;

/// A scratch directory of this test binary under Cargo's target tmpdir, emptied at first use.
/// Statics are never dropped, so a `TempDir` here would leave ~50 MB in /tmp on every run;
/// a fixed place per test binary is reused instead.
fn scratch(what: &str) -> PathBuf {
    let dir =
        Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("{}-{what}", env!("CARGO_CRATE_NAME")));
    if dir.exists() {
        std::fs::remove_dir_all(&dir).expect("clear scratch dir");
    }
    std::fs::create_dir_all(&dir).expect("create scratch dir");
    dir
}

/// The advisory store built once per test binary from `data/advisories`.
pub fn store_path() -> &'static Path {
    static STORE: OnceLock<PathBuf> = OnceLock::new();
    STORE.get_or_init(|| {
        let path = scratch("store").join("advisories.db");
        Store::update_from_dir(&path, &shared().join("data/advisories")).expect("build store");
        path
    })
}

/// Opens the shared store.
pub fn store() -> Store {
    Store::open(store_path()).expect("open store")
}

/// Scans `target` (one image), matches it against the store, renders the JSON report and
/// returns it parsed.
pub fn report_json(target: &str) -> serde_json::Value {
    let target: Target = target.parse().expect("target");
    let images = scan(&target, &ScanOptions::default(), &NoCache).expect("scan");
    assert_eq!(images.len(), 1, "one image in {target:?}");
    let image = &images[0];
    let mut report = Report::from_input(ReportInput {
        artifact: image.artifact.clone(),
        layers: image.layers.clone(),
        inventory: &image.inventory,
    });
    match_report(&mut report, &store()).expect("match");
    let mut out = Vec::new();
    render(&report, Format::Json, &mut out).expect("render json");
    serde_json::from_slice(&out).expect("report is JSON")
}

/// The (package name, finding id) pairs of a JSON report.
pub fn finding_pairs(report: &serde_json::Value) -> BTreeSet<(String, String)> {
    report["findings"]
        .as_array()
        .expect("findings array")
        .iter()
        .map(|f| {
            let s = |v: &serde_json::Value| v.as_str().expect("string field").to_string();
            (s(&f["package"]["name"]), s(&f["id"]))
        })
        .collect()
}

/// Asserts two pair sets are equal; on a difference, names exactly what is missing or extra.
pub fn assert_same(
    label: &str,
    expected: &BTreeSet<(String, String)>,
    ours: &BTreeSet<(String, String)>,
) {
    let missing: Vec<_> = expected.difference(ours).collect();
    let extra: Vec<_> = ours.difference(expected).collect();
    assert!(
        missing.is_empty() && extra.is_empty(),
        "{label}: expected {} pairs, ours {}\n  missing from ours: {missing:?}\n  extra in ours: {extra:?}",
        expected.len(),
        ours.len()
    );
}

/// Runs a `while read a b` loop of `body` over `pairs` through `sh` (optionally inside a
/// chroot) and returns one output line per pair.
fn batch(chroot: Option<&Path>, body: &str, pairs: &[(String, String)]) -> Vec<String> {
    if pairs.is_empty() {
        return Vec::new();
    }
    let script = format!("while read a b; do {body}; done");
    let mut command = match chroot {
        Some(root) => {
            let mut c = Command::new("chroot");
            c.arg(root).arg("/bin/sh");
            c
        }
        None => Command::new("/bin/sh"),
    };
    let mut child = command
        .arg("-c")
        .arg(&script)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn the version oracle (needs chroot/root for apk, dpkg installed)");
    let mut input = String::new();
    for (a, b) in pairs {
        assert!(
            !a.contains(char::is_whitespace) && !b.contains(char::is_whitespace),
            "version with whitespace: {a:?} {b:?}"
        );
        input.push_str(&format!("{a} {b}\n"));
    }
    let mut stdin = child.stdin.take().expect("stdin");
    let writer = std::thread::spawn(move || stdin.write_all(input.as_bytes()));
    let out = child.wait_with_output().expect("oracle output");
    writer.join().expect("writer thread").expect("write pairs");
    assert!(
        out.status.success(),
        "version oracle failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let lines: Vec<String> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(str::to_string)
        .collect();
    assert_eq!(
        lines.len(),
        pairs.len(),
        "one answer per pair from the oracle; stderr: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    lines
}

/// The extracted Alpine 3.20.3 minirootfs, where the real `apk` runs.
fn apk_root() -> &'static Path {
    static ROOT: OnceLock<PathBuf> = OnceLock::new();
    ROOT.get_or_init(|| {
        let dir = scratch("apk-root");
        let archive =
            shared().join("data/images/alpine-minirootfs/alpine-minirootfs-3.20.3-x86_64.tar.gz");
        let file = std::fs::File::open(&archive).expect("open minirootfs");
        tar::Archive::new(flate2::read::GzDecoder::new(file))
            .unpack(&dir)
            .expect("unpack minirootfs");
        dir
    })
}

/// For each (installed, fixed) pair: is `installed < fixed` by the real `apk version -t`?
pub fn apk_less(pairs: &[(String, String)]) -> Vec<bool> {
    batch(Some(apk_root()), r#"apk version -t "$a" "$b""#, pairs)
        .iter()
        .zip(pairs)
        .map(|(answer, pair)| match answer.as_str() {
            "<" => true,
            ">" | "=" => false,
            other => panic!("apk version -t {pair:?} answered {other:?}"),
        })
        .collect()
}

/// For each (installed, fixed) pair: is `installed lt fixed` by the real
/// `dpkg --compare-versions`? An invalid version is an error (dpkg exits 2+), not "no".
pub fn dpkg_lt(pairs: &[(String, String)]) -> Vec<bool> {
    batch(
        None,
        r#"dpkg --compare-versions "$a" lt "$b"; echo $?"#,
        pairs,
    )
    .iter()
    .zip(pairs)
    .map(|(answer, pair)| match answer.as_str() {
        "0" => true,
        "1" => false,
        other => panic!("dpkg --compare-versions {pair:?} exited {other}"),
    })
    .collect()
}

/// The fixed versions that make each expected (package, id) pair affected.
pub type FixedVersions = BTreeMap<(String, String), BTreeSet<String>>;

/// Asserts each finding's `fixed_version` is one of the fix versions the feed lists for that
/// (package, id) with the installed version below it.
pub fn assert_fixed_versions(label: &str, fixed: &FixedVersions, report: &serde_json::Value) {
    for finding in report["findings"].as_array().expect("findings array") {
        let name = finding["package"]["name"].as_str().expect("package name");
        let id = finding["id"].as_str().expect("id");
        let ours = finding["fixed_version"].as_str().unwrap_or("");
        let listed = fixed
            .get(&(name.to_string(), id.to_string()))
            .cloned()
            .unwrap_or_default();
        assert!(
            listed.contains(ours),
            "{label}: {id} on {name}: fixed_version {ours:?}, the feed's {listed:?}"
        );
    }
}
