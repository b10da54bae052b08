//! What a user sees when the input is wrong or the output cannot be made: an error that names
//! the object, never an empty report that reads as clean, and no output file lost.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

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

fn layerwatch(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_layerwatch"))
        .args(args)
        .output()
        .expect("run layerwatch")
}

#[test]
fn a_rootfs_tarball_given_as_a_docker_archive_is_an_error_not_an_empty_report() {
    let tarball =
        shared().join("data/images/alpine-minirootfs/alpine-minirootfs-3.20.3-x86_64.tar.gz");
    let out = layerwatch(&[
        "scan",
        "--no-match",
        "-f",
        "json",
        &format!("docker-archive:{}", tarball.display()),
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("holds no image") && stderr.contains("rootfs:"),
        "{stderr}"
    );
}

#[test]
fn a_format_that_cannot_hold_the_reports_keeps_the_output_file() {
    // Two platforms of one index: CycloneDX describes one image.
    let dir = tempfile::tempdir().expect("tempdir");
    let layout = dir.path().join("multi");
    let blobs = layout.join("blobs/sha256");
    std::fs::create_dir_all(&blobs).expect("blobs");
    let hello = shared().join("data/images/oci-layout/hello-world.oci");
    for entry in std::fs::read_dir(hello.join("blobs/sha256")).expect("read blobs") {
        let entry = entry.expect("entry");
        std::fs::copy(entry.path(), blobs.join(entry.file_name())).expect("copy blob");
    }
    std::fs::copy(hello.join("oci-layout"), layout.join("oci-layout")).expect("oci-layout");
    let index: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(hello.join("index.json")).expect("index"))
            .expect("json");
    let mut manifest = index["manifests"][0].clone();
    let mut second = manifest.clone();
    manifest["platform"] = serde_json::json!({"os": "linux", "architecture": "amd64"});
    second["platform"] = serde_json::json!({"os": "linux", "architecture": "arm64"});
    let two = serde_json::json!({"schemaVersion": 2, "manifests": [manifest, second]});
    std::fs::write(layout.join("index.json"), two.to_string()).expect("index.json");

    let keep = dir.path().join("keep.json");
    std::fs::write(&keep, "precious").expect("write");
    let target = format!("oci:{}", layout.display());
    let out = layerwatch(&[
        "scan",
        "--no-match",
        "-f",
        "cyclonedx",
        "-o",
        keep.to_str().expect("utf8"),
        &target,
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--platform"));
    assert_eq!(std::fs::read_to_string(&keep).expect("read"), "precious");

    let out = layerwatch(&[
        "scan",
        "--no-match",
        "-f",
        "cyclonedx",
        "--platform",
        "linux/arm64",
        "-o",
        keep.to_str().expect("utf8"),
        &target,
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        std::fs::read_to_string(&keep)
            .expect("read")
            .contains("CycloneDX")
    );
}

#[test]
fn a_database_that_is_not_a_store_is_named() {
    let dir = tempfile::tempdir().expect("tempdir");
    let fake = dir.path().join("notdb.db");
    std::fs::write(&fake, "not sqlite").expect("write");
    let archive = shared().join("data/images/docker-archive/alpine-310.tar.gz");
    let out = layerwatch(&[
        "scan",
        "--db",
        fake.to_str().expect("utf8"),
        &format!("docker-archive:{}", archive.display()),
    ]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("notdb.db"), "{stderr}");
    assert!(
        !stderr.contains("None"),
        "no internal values in messages: {stderr}"
    );
}
