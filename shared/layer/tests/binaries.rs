//! Packages embedded in binaries, found in the one pass over a layer: hand-made entries for the
//! rules (which files are read, what becomes a warning), and the real `binaries` test image
//! (infra/build-binary-images.sh), where the layer reader must find exactly the files that
//! `go version` finds, and the same packages as reading each unpacked file directly.

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use common::{Layer, digest_of, read};
use layerwatch_binpkg::{ArchiveLimits, BinaryScanner, ExecFindings, ExecLimits, read_archive};
use layerwatch_inventory::{DbKind, Ecosystem, ItemContent, LayerInventory, Package};
use layerwatch_layer::{Limits, read_layer};

/// An ELF-looking file holding a Go 1.18+ build info block at a 16-byte aligned offset.
fn go_binary(modinfo: &str) -> Vec<u8> {
    let mut f = b"\x7fELF\x02\x01\x01".to_vec();
    f.resize(4096, 0x90);
    f.extend_from_slice(b"\xff Go buildinf:\x08\x02");
    f.extend_from_slice(&[0; 16]);
    for s in ["go1.21.4".as_bytes(), modinfo.as_bytes()] {
        // Both strings are under 128 bytes: a one-byte varint.
        f.push(u8::try_from(s.len()).expect("short"));
        f.extend_from_slice(s);
    }
    f.resize(f.len() + 100_000, 0xcc);
    f
}

fn items(inv: &LayerInventory) -> BTreeMap<&str, &ItemContent> {
    inv.items
        .iter()
        .map(|i| (i.path.as_str(), &i.content))
        .collect()
}

#[test]
fn executables_are_read_by_content_and_archives_by_name() {
    let go = go_binary("path\tex/cmd\nmod\tex\tv1.0.0\t\ndep\tgolang.org/x/net\tv0.1.0\th1:x=\n");
    let mut l = Layer::new();
    l.file_mode("usr/local/bin/app", 0o755, 0, 0, &go)
        .file_mode("srv/data/app.bin", 0o644, 0, 0, &go)
        .file_mode(
            "usr/bin/script",
            0o755,
            0,
            0,
            b"#!/bin/sh\necho \xff Go buildinf:\n",
        )
        .file_mode(
            "usr/bin/c-program",
            0o755,
            0,
            0,
            &[b"\x7fELF".as_slice(), &[7; 9000]].concat(),
        )
        .file_mode(
            "opt/lib/broken.jar",
            0o644,
            0,
            0,
            b"PK\x03\x04 but then nothing",
        );
    let inv = read(&l.finish()).expect("valid layer");
    let items = items(&inv);
    let want: Vec<Package> = [
        ("ex", "v1.0.0"),
        ("golang.org/x/net", "v0.1.0"),
        ("stdlib", "1.21.4"),
    ]
    .iter()
    .map(|(n, v)| Package {
        ecosystem: Ecosystem::Golang,
        name: n.to_string(),
        version: v.to_string(),
        arch: None,
        source_name: None,
        source_version: None,
        license: None,
    })
    .collect();
    assert_eq!(
        items.get("usr/local/bin/app"),
        Some(&&ItemContent::Packages {
            db: DbKind::GoBinary,
            packages: want
        })
    );
    // Not executable, not a binary, no build info: nothing kept.
    assert_eq!(items.len(), 2, "{items:?}");
    assert!(matches!(
        items.get("opt/lib/broken.jar"),
        Some(ItemContent::Unreadable { .. })
    ));
    assert_eq!(inv.warnings.len(), 1);
    let w = &inv.warnings[0];
    assert_eq!(w.code, "malformed-archive");
    assert_eq!(w.path.as_deref(), Some("opt/lib/broken.jar"));
    assert!(
        w.message.contains("java archive `opt/lib/broken.jar`"),
        "{}",
        w.message
    );
}

#[test]
fn damaged_build_info_is_a_warning_and_a_large_archive_is_not_read() {
    let mut go = go_binary("path\tex/cmd\nmod\tex\tv1.0.0\t\n");
    // Cut inside the module info: the file ends before the length the header gives.
    go.truncate(4096 + 32 + 12);
    let mut l = Layer::new();
    l.file_mode("usr/bin/cut", 0o755, 0, 0, &go).file_mode(
        "opt/big.war",
        0o644,
        0,
        0,
        &[0u8; 5000],
    );
    let tar = l.finish();
    let limits = Limits {
        archives: ArchiveLimits {
            max_archive_bytes: 4096,
            ..ArchiveLimits::default()
        },
        ..Limits::default()
    };
    let inv = read_layer(&tar[..], &digest_of(&tar), &limits).expect("valid layer");
    let codes: Vec<(&str, &str)> = inv
        .warnings
        .iter()
        .map(|w| (w.code.as_str(), w.path.as_deref().unwrap_or_default()))
        .collect();
    assert_eq!(
        codes,
        [
            ("malformed-binary", "usr/bin/cut"),
            ("file-too-large", "opt/big.war")
        ]
    );
    assert!(
        inv.warnings[0]
            .message
            .contains("go build info at offset 4096: the file ends")
    );
    assert!(
        inv.items
            .iter()
            .all(|i| matches!(i.content, ItemContent::Unreadable { .. }))
    );
}

/// The binaries image's folder, or `None` (skip) when it is not built and not required.
fn image() -> Option<PathBuf> {
    let required = std::env::var("LAYERWATCH_REQUIRE_IMAGES").as_deref() == Ok("1");
    let dir = std::env::var_os("LAYERWATCH_IMAGES").map(|d| PathBuf::from(d).join("binaries"));
    match dir {
        Some(d) if d.join("image.json").is_file() => Some(d),
        _ => {
            assert!(
                !required,
                "the binaries image is missing: run infra/build-binary-images.sh"
            );
            eprintln!("skipped: the binaries image is not built");
            None
        }
    }
}

/// Paths (relative to `root`) of the Go binaries with build info, as `go version DIR` lists them.
fn go_version_paths(root: &Path) -> Vec<String> {
    let out = Command::new("go")
        .arg("version")
        .arg(root)
        .output()
        .expect("`go` is needed by this test (infra/install.sh installs golang-go)");
    let text = String::from_utf8(out.stdout).expect("utf8");
    let prefix = format!("{}/", root.display());
    let mut paths: Vec<String> = text
        .lines()
        .filter_map(|l| {
            l.split_once(": ")?
                .0
                .strip_prefix(&prefix)
                .map(str::to_string)
        })
        .collect();
    paths.sort();
    paths
}

/// The packages of an unpacked file, read directly (whole file, one chunk).
fn direct(file: &Path, db: DbKind) -> Vec<Package> {
    let bytes = std::fs::read(file).expect("read");
    match db {
        DbKind::JavaArchive => {
            read_archive(&file.to_string_lossy(), &bytes, &ArchiveLimits::default())
                .expect("archive")
                .packages
                .into_iter()
                .map(|p| p.package)
                .collect()
        }
        _ => {
            let mut s = BinaryScanner::new(&ExecLimits::default());
            s.feed(&bytes);
            match s.finish().expect("binary") {
                ExecFindings::Go(info) => info.packages(),
                ExecFindings::Rust(p) => p,
                ExecFindings::Nothing => Vec::new(),
            }
        }
    }
}

#[test]
fn the_binaries_image_layers() {
    let Some(dir) = image() else { return };
    let index: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.join("image.json")).expect("image.json"))
            .expect("json");
    let blobs = dir.join("../oci/binaries/blobs/sha256");
    let mut kinds = BTreeMap::new();
    for (n, layer) in index["layers"]
        .as_array()
        .expect("layers")
        .iter()
        .enumerate()
    {
        let digest = layer.as_str().expect("digest");
        let blob = std::fs::File::open(blobs.join(&digest[7..])).expect("blob");
        let inv =
            read_layer(blob, &digest.parse().expect("digest"), &Limits::default()).expect("layer");
        assert!(inv.warnings.is_empty(), "{:?}", inv.warnings);
        let root = dir.join(format!("layer{}", n + 1));
        let mut go_paths = Vec::new();
        for item in &inv.items {
            let ItemContent::Packages { db, packages } = &item.content else {
                panic!("{}: {:?}", item.path, item.content);
            };
            // The npm modules' package.json files are the language reader's, tested elsewhere.
            if !matches!(
                db,
                DbKind::GoBinary | DbKind::RustBinary | DbKind::JavaArchive
            ) {
                continue;
            }
            assert_eq!(
                *packages,
                direct(&root.join(&item.path), *db),
                "{}",
                item.path
            );
            *kinds.entry(format!("{db:?}")).or_insert(0) += 1;
            if *db == DbKind::GoBinary {
                go_paths.push(item.path.clone());
            }
        }
        go_paths.sort();
        assert_eq!(go_paths, go_version_paths(&root), "layer {}", n + 1);
    }
    let kinds: Vec<(String, i32)> = kinds.into_iter().collect();
    assert_eq!(
        kinds,
        [
            ("GoBinary".to_string(), 5),
            ("JavaArchive".to_string(), 13),
            ("RustBinary".to_string(), 1)
        ]
    );
}
