//! The layer reader on real layers from the shared test data, checked against GNU tar and gzip.

mod common;

use std::fs;
use std::path::Path;
use std::process::Command;

use common::{digest_of, shared_data};
use layerwatch_inventory::{Compression, DbKind, ItemContent, LayerInventory};
use layerwatch_layer::{Limits, read_layer};

/// Runs a shell pipeline over `file` and returns its output as a number.
fn count(pipeline: &str, file: &Path) -> u64 {
    let out = Command::new("sh")
        .arg("-c")
        .arg(format!("{pipeline} | wc -c"))
        .env("FILE", file)
        .output()
        .expect("sh runs");
    assert!(
        out.status.success(),
        "`{pipeline}` failed on {}",
        file.display()
    );
    String::from_utf8_lossy(&out.stdout)
        .trim()
        .parse()
        .expect("wc prints a number")
}

/// Entries as GNU tar lists them (one line each).
fn tar_entries(file: &Path) -> u64 {
    let out = Command::new("tar")
        .arg("-tf")
        .arg(file)
        .output()
        .expect("tar runs");
    assert!(out.status.success(), "tar -tf failed on {}", file.display());
    out.stdout.iter().filter(|&&b| b == b'\n').count() as u64
}

fn read_file(path: &Path) -> LayerInventory {
    let bytes = fs::read(path).expect("readable test data");
    let digest = digest_of(&bytes);
    let file = fs::File::open(path).expect("readable test data");
    read_layer(file, &digest, &Limits::default())
        .unwrap_or_else(|e| panic!("{} should read: {e}", path.display()))
}

fn all_paths(inv: &LayerInventory) -> Vec<&str> {
    let items = inv.items.iter().map(|i| i.path.as_str());
    let links = inv.symlinks.iter().map(|s| s.path.as_str());
    let special = inv.special_files.iter().map(|s| s.path.as_str());
    let lists = inv
        .whiteouts
        .iter()
        .chain(&inv.opaque_dirs)
        .chain(&inv.shadows);
    items
        .chain(links)
        .chain(special)
        .chain(lists.map(String::as_str))
        .collect()
}

#[test]
fn alpine_minirootfs_tarballs() {
    let dir = shared_data().join("images/alpine-minirootfs");
    let mut seen = 0;
    for entry in fs::read_dir(&dir).expect("alpine-minirootfs folder") {
        let path = entry.expect("listable folder").path();
        if !path.to_string_lossy().ends_with(".tar.gz") {
            continue;
        }
        seen += 1;
        let inv = read_file(&path);
        let name = path.display();
        assert_eq!(inv.compression, Compression::Gzip, "{name}");
        assert_eq!(inv.size, fs::metadata(&path).expect("stat").len(), "{name}");
        assert_eq!(
            inv.entries,
            tar_entries(&path),
            "{name}: entries as GNU tar lists them"
        );
        assert_eq!(
            inv.uncompressed_size,
            count("gzip -dc \"$FILE\"", &path),
            "{name}"
        );
        let kept: Vec<&str> = inv.items.iter().map(|i| i.path.as_str()).collect();
        for wanted in [
            "lib/apk/db/installed",
            "etc/os-release",
            "etc/alpine-release",
        ] {
            assert!(
                kept.contains(&wanted),
                "{name}: {wanted} not kept (kept: {kept:?})"
            );
        }
        // Package count and release as busybox's own tools see them in the tarball.
        let apk = count(
            "tar -xzOf \"$FILE\" ./lib/apk/db/installed | grep '^P:' | tr -cd '\\n'",
            &path,
        );
        let item = |p: &str| inv.items.iter().find(|i| i.path == p).map(|i| &i.content);
        match item("lib/apk/db/installed") {
            Some(ItemContent::Packages {
                db: DbKind::ApkInstalled,
                packages,
            }) => {
                assert_eq!(
                    packages.len() as u64,
                    apk,
                    "{name}: packages in the apk database"
                );
            }
            other => panic!("{name}: lib/apk/db/installed parsed as {other:?}"),
        }
        let release = Command::new("sh")
            .arg("-c")
            .arg("tar -xzOf \"$FILE\" ./etc/alpine-release | head -n1")
            .env("FILE", &path)
            .output()
            .expect("sh runs");
        let release = String::from_utf8_lossy(&release.stdout).trim().to_string();
        match item("etc/alpine-release") {
            Some(ItemContent::AlpineRelease { version }) => assert_eq!(version, &release),
            other => panic!("{name}: etc/alpine-release parsed as {other:?}"),
        }
        assert!(inv.warnings.is_empty(), "{name}: {:?}", inv.warnings);
        let links = count("tar -tvzf \"$FILE\" | grep '^l' | tr -cd '\\n'", &path);
        assert_eq!(
            inv.symlinks.len() as u64,
            links,
            "{name}: symlinks as GNU tar lists them"
        );
        assert!(
            inv.symlinks
                .iter()
                .any(|s| s.path == "bin/sh" && s.target == "/bin/busybox")
        );
    }
    assert_eq!(seen, 5, "the five minirootfs tarballs of the data README");
}

#[test]
fn osv_scalibr_unpack_tars_stay_inside_the_root() {
    let dir = shared_data().join("images/edge-cases-osv-scalibr/unpack");
    let mut seen = 0;
    for entry in fs::read_dir(&dir).expect("unpack folder") {
        let path = entry.expect("listable folder").path();
        if path.extension().is_none_or(|e| e != "tar") {
            continue;
        }
        seen += 1;
        let inv = read_file(&path);
        let name = path.display();
        assert_eq!(inv.compression, Compression::None, "{name}");
        assert_eq!(inv.entries, tar_entries(&path), "{name}");
        for p in all_paths(&inv) {
            let escapes = p.starts_with('/') || p.split('/').any(|c| c == ".." || c == ".");
            assert!(
                !escapes,
                "{name}: `{p}` is not a normalised path inside the root"
            );
        }
    }
    assert_eq!(seen, 5);
}

#[test]
fn escape_tar_symlinks_are_recorded_as_stored() {
    let path = shared_data().join("images/edge-cases-osv-scalibr/unpack/escape.tar");
    let inv = read_file(&path);
    // `tar -tvf` shows `/trampoline/ -> .` and `/usr/share/doc/a/copyright -> /trampoline`.
    let find = |p: &str| {
        inv.symlinks
            .iter()
            .find(|s| s.path == p)
            .map(|s| s.target.as_str())
    };
    assert_eq!(find("trampoline"), Some("."));
    assert_eq!(find("usr/share/doc/a/copyright"), Some("/trampoline"));
    assert_eq!(find("usr/share/doc/c/copyright"), Some("/escape/poc.txt"));
    assert!(find("escape").is_some_and(|t| t.ends_with("../tmp")));
    assert_eq!(inv.symlinks.len(), 5);
}
