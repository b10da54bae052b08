//! `layerwatch scan` on every real image we have, through the real binary: the package set it
//! prints must be exactly what the package manager's own database says. Expected lists come
//! from GNU tar pulling the database out of the image and a plain line scan, or from the
//! `dpkg-query` lists the image build wrote (`$LAYERWATCH_IMAGES/expected`).

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

/// Runs `layerwatch scan --no-match -f json TARGET` and returns the reports (one per platform).
fn scan(target: &str) -> Vec<Value> {
    let out = Command::new(env!("CARGO_BIN_EXE_layerwatch"))
        .args(["scan", "--no-match", "-f", "json", target])
        .output()
        .expect("run layerwatch");
    assert!(
        out.status.success(),
        "scan {target} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    match serde_json::from_slice(&out.stdout).expect("json report") {
        Value::Array(reports) => reports,
        report => vec![report],
    }
}

fn packages(report: &Value) -> BTreeSet<(String, String)> {
    report["packages"]
        .as_array()
        .expect("packages")
        .iter()
        .map(|p| {
            (
                p["name"].as_str().expect("name").to_string(),
                p["version"].as_str().expect("version").to_string(),
            )
        })
        .collect()
}

/// (P, V) pairs of an apk database text.
fn apk_pairs(db: &str) -> BTreeSet<(String, String)> {
    db.split("\n\n")
        .filter_map(|para| {
            let field = |k: &str| {
                para.lines()
                    .find_map(|l| l.strip_prefix(k))
                    .map(str::to_string)
            };
            Some((field("P:")?, field("V:")?))
        })
        .collect()
}

/// Runs a shell pipeline and returns its stdout.
fn sh(script: &str) -> String {
    let out = Command::new("sh")
        .args(["-c", script])
        .output()
        .expect("sh");
    assert!(
        out.status.success(),
        "`{script}` failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("utf8")
}

#[test]
fn alpine_minirootfs_tarballs() {
    let dir = shared().join("data/images/alpine-minirootfs");
    for version in ["3.6.5", "3.8.5", "3.10.3", "3.12.12", "3.20.3"] {
        let file = dir.join(format!("alpine-minirootfs-{version}-x86_64.tar.gz"));
        let db = sh(&format!(
            "tar -xzOf '{}' --wildcards '*lib/apk/db/installed'",
            file.display()
        ));
        let reports = scan(&format!("rootfs:{}", file.display()));
        assert_eq!(reports.len(), 1);
        let report = &reports[0];
        assert_eq!(packages(report), apk_pairs(&db), "alpine {version}");
        assert_eq!(report["os"]["family"], "alpine");
        assert_eq!(report["os"]["version"], version);
        // A root filesystem has no manifest or config: those digests stay empty, never invented.
        assert!(report["artifact"]["manifest_digest"].is_null());
        assert!(report["artifact"]["config_digest"].is_null());
        assert_eq!(report["schema_version"], 1);
    }
}

#[test]
fn docker_save_archives() {
    let dir = shared().join("data/images/docker-archive");
    for (file, version, image_id) in [
        (
            "alpine-310.tar.gz",
            "3.10.4",
            "sha256:af341ccd2df8b0e2d67cf8dd32e087bfda4e5756ebd1c76bbf3efa0dc246590e",
        ),
        (
            "alpine-311.tar.gz",
            "3.11.5",
            "sha256:a187dde48cd289ac374ad8539930628314bc581a481cdb41409c9289419ddb72",
        ),
    ] {
        let path = dir.join(file);
        let db = sh(&format!(
            "tar -xzOf '{}' --wildcards '*/layer.tar' | tar -xOf - --wildcards '*lib/apk/db/installed'",
            path.display()
        ));
        let reports = scan(&format!("docker-archive:{}", path.display()));
        assert_eq!(reports.len(), 1);
        let report = &reports[0];
        assert_eq!(packages(report), apk_pairs(&db), "{file}");
        assert_eq!(report["os"]["version"], version);
        // The config digest is Docker's image ID (data README).
        assert_eq!(report["artifact"]["config_digest"], image_id);
        let layer = report["layers"][0]["digest"]
            .as_str()
            .expect("layer digest");
        assert!(
            report["packages"]
                .as_array()
                .expect("packages")
                .iter()
                .all(|p| p["layer"] == layer)
        );
    }
}

#[test]
fn oci_layout_without_packages_says_so() {
    let layout = shared().join("data/images/oci-layout/hello-world.oci");
    let reports = scan(&format!("oci:{}", layout.display()));
    assert_eq!(reports.len(), 1);
    let report = &reports[0];
    assert!(report["packages"].as_array().expect("packages").is_empty());
    let index: Value =
        serde_json::from_str(&std::fs::read_to_string(layout.join("index.json")).expect("index"))
            .expect("index json");
    assert_eq!(
        report["artifact"]["manifest_digest"],
        index["manifests"][0]["digest"]
    );
    assert_ne!(
        report["artifact"]["manifest_digest"],
        report["artifact"]["config_digest"]
    );
    let codes: Vec<&str> = report["warnings"]
        .as_array()
        .expect("warnings")
        .iter()
        .filter_map(|w| w["code"].as_str())
        .collect();
    assert!(
        codes.contains(&"no-packages"),
        "an empty report must say why: {codes:?}"
    );
}

/// The images `infra/build-test-images.sh` built (debootstrap Debian, .deb-built Debian, Alpine).
/// Without `LAYERWATCH_IMAGES` this test is skipped, unless `LAYERWATCH_REQUIRE_IMAGES=1` (as
/// `infra/test.sh` sets it), where a missing folder fails.
#[test]
fn built_test_images_match_the_package_managers_lists() {
    let Some(images) = std::env::var_os("LAYERWATCH_IMAGES")
        .map(PathBuf::from)
        .filter(|d| d.is_dir())
    else {
        assert!(
            std::env::var("LAYERWATCH_REQUIRE_IMAGES").as_deref() != Ok("1"),
            "LAYERWATCH_IMAGES is not a folder but LAYERWATCH_REQUIRE_IMAGES=1"
        );
        eprintln!("skipped: LAYERWATCH_IMAGES not set (run infra/build-test-images.sh)");
        return;
    };
    let index: Value = serde_json::from_str(
        &std::fs::read_to_string(images.join("images.json")).expect("images.json"),
    )
    .expect("json");
    let mut checked = 0;
    for image in index["images"].as_array().expect("images") {
        let Some(expected_file) = image["expected_packages"].as_str() else {
            continue;
        };
        let expected: BTreeSet<(String, String)> =
            std::fs::read_to_string(images.join(expected_file))
                .expect("expected list")
                .lines()
                .filter(|l| !l.trim().is_empty())
                .map(|l| {
                    let mut f = l.split('\t');
                    (
                        f.next().expect("name").to_string(),
                        f.next().expect("version").to_string(),
                    )
                })
                .collect();
        let name = image["name"].as_str().expect("name");
        let layout = images.join(image["oci_layout"].as_str().expect("layout"));
        let reports = scan(&format!(
            "oci:{}:{}",
            layout.display(),
            image["ref"].as_str().unwrap_or("latest")
        ));
        assert_eq!(reports.len(), 1, "{name}");
        assert_eq!(
            packages(&reports[0]),
            expected,
            "{name} from its OCI layout"
        );
        assert_eq!(
            reports[0]["artifact"]["manifest_digest"], image["digest"],
            "{name}"
        );
        let layers: Vec<&Value> = reports[0]["layers"]
            .as_array()
            .expect("layers")
            .iter()
            .map(|l| &l["digest"])
            .collect();
        let built: Vec<&Value> = image["layers"]
            .as_array()
            .expect("layers")
            .iter()
            .map(|l| &l["digest"])
            .collect();
        assert_eq!(layers, built, "{name} layer digests");
        if let Some(archive) = image["docker_archive"].as_str() {
            let reports = scan(&format!(
                "docker-archive:{}",
                images.join(archive).display()
            ));
            assert_eq!(
                packages(&reports[0]),
                expected,
                "{name} from its docker archive"
            );
        }
        checked += 1;
    }
    assert!(
        checked >= 3,
        "expected at least the Alpine and Debian images, checked {checked}"
    );
}
