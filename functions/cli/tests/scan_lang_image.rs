//! `layerwatch scan` on the language-package image that `infra/build-lang-images.sh` builds from
//! real PyPI, npm and Debian packages. Expected packages come from the package managers' own
//! readers, run by the build (`pip list --path`, `npm ls --all --json`); expected findings from
//! the advisory feed files themselves, never from our output.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

fn shared() -> PathBuf {
    let dir = std::env::var_os("LAYERWATCH_SHARED")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared"));
    assert!(
        dir.join("data").is_dir(),
        "shared data not found at {} (set LAYERWATCH_SHARED)",
        dir.display()
    );
    dir
}

fn layerwatch(args: &[&str]) -> Vec<u8> {
    let out = Command::new(env!("CARGO_BIN_EXE_layerwatch"))
        .args(args)
        .output()
        .expect("run layerwatch");
    assert!(
        out.status.success() || out.status.code() == Some(1),
        "layerwatch {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

/// PEP 503, written again here so the expectation does not lean on the code under test.
fn pep503(name: &str) -> String {
    let mut out = String::new();
    for c in name.to_lowercase().chars() {
        let c = if matches!(c, '_' | '.') { '-' } else { c };
        if !(c == '-' && out.ends_with('-')) {
            out.push(c);
        }
    }
    out
}

/// `(name, version)` pairs of a `pip list --format json` output.
fn pip_list(path: &Path) -> BTreeSet<(String, String)> {
    let list: Value =
        serde_json::from_slice(&std::fs::read(path).expect("pip list output")).expect("json");
    list.as_array()
        .expect("array")
        .iter()
        .map(|p| {
            (
                pep503(p["name"].as_str().expect("name")),
                p["version"].as_str().expect("version").to_string(),
            )
        })
        .collect()
}

/// `(name, version, package.json path in the image)` of every module `npm ls` reports.
fn npm_ls(node: &Value, out: &mut BTreeSet<(String, String, String)>) {
    let Some(deps) = node["dependencies"].as_object() else {
        return;
    };
    for (name, dep) in deps {
        let dir = dep["path"].as_str().expect("npm ls --long gives paths");
        // The build ran npm in <work>/l3/app; in the image that folder is /app.
        let (_, in_image) = dir.split_once("/l3/").expect("built under l3/");
        out.insert((
            name.clone(),
            dep["version"].as_str().expect("version").to_string(),
            format!("{in_image}/package.json"),
        ));
        npm_ls(dep, out);
    }
}

/// The `id` of an advisory file of the feeds (JSON or the PyPA YAML).
fn feed_id(relative: &str) -> String {
    let text = std::fs::read_to_string(shared().join("data/advisories").join(relative))
        .expect("advisory file");
    text.lines()
        .find_map(|l| {
            let l = l.trim().trim_end_matches(',');
            l.strip_prefix("\"id\": ")
                .map(|v| v.trim_matches('"'))
                .or_else(|| l.strip_prefix("id: "))
                .map(str::to_string)
        })
        .expect("advisory has an id")
}

struct Scan {
    report: Value,
    expected: PathBuf,
}

/// Scans the image with a store built from every feed in the shared data, or None when the
/// images are not built (a failure when `LAYERWATCH_REQUIRE_IMAGES=1`).
fn scan_lang_image() -> Option<Scan> {
    let images = std::env::var_os("LAYERWATCH_IMAGES").map(PathBuf::from);
    let layout = images.as_ref().map(|d| d.join("oci/lang-mixed"));
    let Some((images, layout)) = images.zip(layout).filter(|(_, l)| l.is_dir()) else {
        assert!(
            std::env::var("LAYERWATCH_REQUIRE_IMAGES").as_deref() != Ok("1"),
            "lang-mixed is not built but LAYERWATCH_REQUIRE_IMAGES=1 (infra/build-lang-images.sh)"
        );
        eprintln!("skipped: run infra/build-lang-images.sh and set LAYERWATCH_IMAGES");
        return None;
    };
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("advisories.db");
    let db = db.to_str().expect("utf8");
    let feeds = shared().join("data/advisories");
    layerwatch(&[
        "db",
        "update",
        "--from",
        feeds.to_str().expect("utf8"),
        "--db",
        db,
    ]);
    let target = format!("oci:{}:latest", layout.display());
    let stdout = layerwatch(&["scan", "--db", db, "-f", "json", &target]);
    let report = match serde_json::from_slice(&stdout).expect("json report") {
        Value::Array(mut reports) => reports.remove(0),
        report => report,
    };
    Some(Scan {
        report,
        expected: images.join("expected"),
    })
}

fn packages<'a>(report: &'a Value, ecosystem: &str) -> Vec<&'a Value> {
    report["packages"]
        .as_array()
        .expect("packages")
        .iter()
        .filter(|p| p["ecosystem"] == ecosystem)
        .collect()
}

fn has_finding(report: &Value, id: &str, name: &str, version: &str) -> bool {
    report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .any(|f| {
            let named = f["id"] == id
                || f["aliases"]
                    .as_array()
                    .is_some_and(|a| a.iter().any(|x| x == id));
            named && f["package"]["name"] == name && f["installed_version"] == version
        })
}

#[test]
fn language_packages_paths_purls_and_findings() {
    let Some(Scan { report, expected }) = scan_lang_image() else {
        return;
    };
    const SITE: &str = "usr/local/lib/python3.11/site-packages/";
    let pypi = packages(&report, "pypi");
    let local: BTreeSet<(String, String)> = pypi
        .iter()
        .filter(|p| p["path"].as_str().is_some_and(|s| s.starts_with(SITE)))
        .map(|p| {
            (
                p["name"].as_str().expect("name").into(),
                p["version"].as_str().expect("v").into(),
            )
        })
        .collect();
    assert_eq!(local, pip_list(&expected.join("lang-mixed.pip-local.json")));

    // Debian's python3-urllib3: found, OS-owned, and never matched against PyPA.
    let debian = pip_list(&expected.join("lang-mixed.pip-debian.json"));
    for (name, version) in &debian {
        let found = pypi
            .iter()
            .find(|p| p["name"] == name.as_str() && p["version"] == version.as_str())
            .unwrap_or_else(|| panic!("Debian's {name} {version} not found"));
        assert_eq!(found["os_owned"], true, "{found}");
        let findings = report["findings"].as_array().expect("findings");
        assert!(
            !findings.iter().any(|f| f["package"]["ecosystem"] == "pypi"
                && f["package"]["name"] == name.as_str()
                && f["installed_version"] == version.as_str()),
            "language finding for OS-owned {name} {version}"
        );
    }
    // Without the OS-owned rule it would match: PYSEC-2023-192 is fixed in urllib3 1.26.17.
    assert!(debian.contains(&("urllib3".into(), "1.26.12".into())));

    // Layer 5 deleted the venv's site-packages.
    assert!(
        pypi.iter()
            .all(|p| !p["path"].as_str().expect("path").starts_with("opt/venv"))
    );

    let mut npm_expected = BTreeSet::new();
    let tree: Value = serde_json::from_slice(
        &std::fs::read(expected.join("lang-mixed.npm.json")).expect("npm ls output"),
    )
    .expect("json");
    npm_ls(&tree, &mut npm_expected);
    let npm_found: BTreeSet<(String, String, String)> = packages(&report, "npm")
        .iter()
        .filter(|p| {
            p["path"]
                .as_str()
                .is_some_and(|s| s.starts_with("app/node_modules/"))
        })
        .map(|p| {
            let s = |k: &str| p[k].as_str().expect("field").to_string();
            (s("name"), s("version"), s("path"))
        })
        .collect();
    assert_eq!(npm_found, npm_expected);

    let purls: BTreeSet<&str> = report["packages"]
        .as_array()
        .expect("packages")
        .iter()
        .filter_map(|p| p["purl"].as_str())
        .collect();
    for purl in [
        "pkg:pypi/pyyaml@5.3.1",
        "pkg:npm/lodash@4.17.4",
        "pkg:golang/golang.org/x/text@v0.3.6",
        "pkg:cargo/regex@1.7.3",
        "pkg:composer/guzzlehttp/guzzle@6.3.3",
        "pkg:gem/rake@13.0.6",
        "pkg:pypi/werkzeug@0.11.1",
    ] {
        assert!(purls.contains(purl), "{purl} missing");
    }

    for (file, name, version) in [
        (
            "pypi/pypa-vulns/pyyaml/PYSEC-2021-142.yaml",
            "pyyaml",
            "5.3.1",
        ),
        (
            "pypi/pypa-vulns/urllib3/PYSEC-2023-192.yaml",
            "urllib3",
            "1.24.1",
        ),
        ("npm/ghsa/GHSA-jf85-cpcp-j695.json", "lodash", "4.17.4"),
        ("npm/ghsa/GHSA-xvch-5gv4-984h.json", "minimist", "1.2.0"),
        ("npm/ghsa/GHSA-xvch-5gv4-984h.json", "minimist", "0.0.8"),
        ("npm/ghsa/GHSA-wf5p-g6vw-rhxx.json", "axios", "0.21.0"),
        (
            "go/vulndb-osv/GO-2021-0113.json",
            "golang.org/x/text",
            "v0.3.6",
        ),
    ] {
        let id = feed_id(file);
        assert!(
            has_finding(&report, &id, name, version),
            "{id} for {name} {version}"
        );
    }
}
