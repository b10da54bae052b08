//! apk installed databases and Alpine identity files, checked against apk itself running in a
//! chroot of each official minirootfs (needs root for `chroot`, and `tar`).

mod common;

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

use layerwatch_inventory::{DbKind, Ecosystem, ItemContent, Package};
use layerwatch_pkgdb::{FileKind, PkgDbError, parse};

const RELEASES: [&str; 5] = ["3.6.5", "3.8.5", "3.10.3", "3.12.12", "3.20.3"];

/// Extracts the minirootfs of `release` into a fresh temp dir.
fn rootfs(release: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    let tarball = common::data_dir().join(format!(
        "images/alpine-minirootfs/alpine-minirootfs-{release}-x86_64.tar.gz"
    ));
    common::run(
        Command::new("tar")
            .arg("-xzf")
            .arg(&tarball)
            .arg("-C")
            .arg(dir.path()),
    );
    dir
}

/// Runs apk inside the rootfs, offline; it reads only the installed database.
fn apk(root: &Path, args: &[&str]) -> std::process::Output {
    Command::new("chroot")
        .arg(root)
        .args(["/sbin/apk", "--no-network"])
        .args(args)
        .output()
        .expect("cannot run chroot (the apk tests need root and coreutils' chroot)")
}

fn ours(root: &Path) -> Vec<Package> {
    let bytes = std::fs::read(root.join("lib/apk/db/installed")).expect("installed db");
    match parse(FileKind::ApkInstalled, &bytes) {
        Ok(ItemContent::Packages {
            db: DbKind::ApkInstalled,
            packages,
        }) => {
            assert!(packages.iter().all(|p| p.ecosystem == Ecosystem::Apk));
            packages
        }
        other => panic!("unexpected result {other:?}"),
    }
}

/// `name -> origin` from the `P:` and `o:` lines, read without the crate's parser.
fn origins_by_line_scan(root: &Path) -> BTreeMap<String, String> {
    let text = std::fs::read_to_string(root.join("lib/apk/db/installed")).expect("installed db");
    let mut out = BTreeMap::new();
    let mut name = String::new();
    for line in text.lines() {
        if let Some(n) = line.strip_prefix("P:") {
            name = n.to_string();
        } else if let Some(o) = line.strip_prefix("o:") {
            out.insert(name.clone(), o.to_string());
        }
    }
    out
}

#[test]
fn installed_db_matches_apk_in_every_release() {
    for release in RELEASES {
        let root = rootfs(release);
        let packages = ours(root.path());
        let mut got: Vec<String> = packages
            .iter()
            .map(|p| format!("{}-{}", p.name, p.version))
            .collect();
        got.sort();

        let info = apk(root.path(), &["info", "-v"]);
        assert!(info.status.success(), "{release}: apk info failed");
        let mut expected: Vec<String> = String::from_utf8_lossy(&info.stdout)
            .lines()
            .map(str::to_string)
            .collect();
        expected.sort();
        assert!(expected.len() >= 13, "{release}: apk listed {expected:?}");
        assert_eq!(got, expected, "{release}");

        // `apk list -I` (apk-tools 2.8 and later) also shows arch, origin and licence:
        // `musl-1.1.22-r3 x86_64 {musl} (MIT) [installed]`.
        let list = apk(root.path(), &["list", "-I"]);
        let origins = origins_by_line_scan(root.path());
        assert_eq!(
            origins.len(),
            packages.len(),
            "{release}: every package has o:"
        );
        if list.status.success() {
            let mut expected: Vec<(String, String, String, String)> =
                String::from_utf8_lossy(&list.stdout)
                    .lines()
                    .map(|line| {
                        let line = line.strip_suffix(" [installed]").expect("installed marker");
                        let (pkgver, rest) = line.split_once(' ').expect("arch");
                        let (arch, rest) = rest.split_once(" {").expect("origin");
                        let (origin, license) = rest.split_once("} (").expect("license");
                        let license = license.strip_suffix(')').expect("closing paren");
                        (pkgver.into(), arch.into(), origin.into(), license.into())
                    })
                    .collect();
            expected.sort();
            let mut got: Vec<(String, String, String, String)> = packages
                .iter()
                .map(|p| {
                    (
                        format!("{}-{}", p.name, p.version),
                        p.arch.clone().unwrap_or_default(),
                        p.source_name.clone().unwrap_or_default(),
                        p.license.clone().unwrap_or_default(),
                    )
                })
                .collect();
            got.sort();
            assert_eq!(got, expected, "{release}: apk list -I");
        } else {
            assert_eq!(release, "3.6.5", "only apk-tools 2.7 lacks `apk list`");
        }
        for p in &packages {
            assert_eq!(
                p.source_name.as_ref(),
                origins.get(&p.name),
                "{release}: {}",
                p.name
            );
            assert_eq!(p.source_version.as_ref(), Some(&p.version));
        }
    }
}

#[test]
fn identity_files_match_the_shell_and_the_release() {
    for release in RELEASES {
        let root = rootfs(release);
        let os_release = root.path().join("etc/os-release");
        // The shell is the reference for os-release's quoting rules.
        let shell = common::run(Command::new("sh").arg("-c").arg(format!(
            ". '{}'; printf '%s\\n' \"$ID\" \"$VERSION_ID\" \"$PRETTY_NAME\"",
            os_release.display()
        )));
        let fields: Vec<&str> = shell.lines().collect();
        let bytes = std::fs::read(&os_release).expect("os-release");
        let Ok(ItemContent::OsRelease(got)) = parse(FileKind::OsRelease, &bytes) else {
            panic!("{release}: os-release not parsed");
        };
        assert_eq!(got.id.as_deref(), Some(fields[0]), "{release}");
        assert_eq!(got.version_id.as_deref(), Some(fields[1]), "{release}");
        assert_eq!(got.pretty_name.as_deref(), Some(fields[2]), "{release}");
        assert_eq!(fields[0], "alpine");

        let bytes = std::fs::read(root.path().join("etc/alpine-release")).expect("alpine-release");
        let got = parse(FileKind::AlpineRelease, &bytes).expect("alpine-release");
        assert_eq!(
            got,
            ItemContent::AlpineRelease {
                version: release.to_string()
            }
        );
    }
}

#[test]
fn empty_garbage_and_damaged_databases() {
    let Ok(ItemContent::Packages { packages, .. }) = parse(FileKind::ApkInstalled, b"") else {
        panic!("an empty database is an empty list");
    };
    assert!(packages.is_empty());
    assert!(matches!(
        parse(FileKind::ApkInstalled, b"\x7fELF\x02\x01\x01\x00 binary"),
        Err(PkgDbError::Malformed {
            kind: FileKind::ApkInstalled,
            ..
        })
    ));
    assert!(parse(FileKind::AlpineRelease, b"").is_err());
    let root = rootfs("3.20.3");
    let bytes = std::fs::read(root.path().join("lib/apk/db/installed")).expect("installed db");
    common::no_panic_on_damage(&bytes, |b| {
        let _ = parse(FileKind::ApkInstalled, b);
    });
    let bytes = std::fs::read(root.path().join("etc/os-release")).expect("os-release");
    common::no_panic_on_damage(&bytes, |b| {
        let _ = parse(FileKind::OsRelease, b);
    });
}
