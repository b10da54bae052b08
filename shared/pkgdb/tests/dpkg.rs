//! dpkg status files against the real `dpkg-query`, run on a temporary admin dir holding a
//! copy of the status file.

mod common;

use std::process::Command;

use layerwatch_inventory::{DbKind, Ecosystem, ItemContent, Package};
use layerwatch_pkgdb::{FileKind, PkgDbError, parse};

/// (name, version, source name, source version, arch).
type Row = (String, String, String, String, Option<String>);

const TRIVY: &str = "pkgdb/dpkg/ubuntu-18.04-trivy/var/lib/dpkg/status";
const TEXLIVE: &str = "pkgdb/dpkg/ubuntu-18.04-texlive-claircore/texlive.status";

fn packages(kind: FileKind, bytes: &[u8]) -> Vec<Package> {
    match parse(kind, bytes) {
        Ok(ItemContent::Packages { db, packages }) => {
            let expected = match kind {
                FileKind::DpkgStatus => DbKind::DpkgStatus,
                _ => DbKind::DpkgStatusD,
            };
            assert_eq!(db, expected);
            assert!(packages.iter().all(|p| p.ecosystem == Ecosystem::Deb));
            packages
        }
        other => panic!("{kind:?}: unexpected result {other:?}"),
    }
}

fn rows(packages: &[Package]) -> Vec<Row> {
    let mut rows: Vec<Row> = packages
        .iter()
        .map(|p| {
            (
                p.name.clone(),
                p.version.clone(),
                p.source_name
                    .clone()
                    .expect("dpkg always has a source name"),
                p.source_version
                    .clone()
                    .expect("dpkg always has a source version"),
                p.arch.clone(),
            )
        })
        .collect();
    rows.sort();
    rows
}

/// What `dpkg-query` lists as installed (`ii`, or held `hi`, or trigger-pending `it`/`iW`).
fn dpkg_query_rows(relative: &str) -> Vec<Row> {
    let admin = tempfile::tempdir().expect("temp dir");
    std::fs::create_dir(admin.path().join("info")).expect("info dir");
    std::fs::write(admin.path().join("available"), b"").expect("available file");
    std::fs::copy(
        common::data_dir().join(relative),
        admin.path().join("status"),
    )
    .expect("copy status");
    let out = common::run(
        Command::new("dpkg-query")
            .arg(format!("--admindir={}", admin.path().display()))
            .args(["-W", "-f"])
            .arg(
                "${db:Status-Abbrev}|${Package}|${Version}|${source:Package}|\
                 ${source:Version}|${Architecture}\\n",
            ),
    );
    let mut rows: Vec<Row> = out
        .lines()
        .filter(|line| {
            let abbrev = line.as_bytes();
            abbrev.len() > 2
                && matches!(abbrev[0], b'i' | b'h')
                && matches!(abbrev[1], b'i' | b't' | b'W')
        })
        .map(|line| {
            let f: Vec<&str> = line.split('|').collect();
            assert_eq!(f.len(), 6, "odd dpkg-query line {line:?}");
            let arch = (!f[5].is_empty()).then(|| f[5].to_string());
            (f[1].into(), f[2].into(), f[3].into(), f[4].into(), arch)
        })
        .collect();
    rows.sort();
    rows
}

#[test]
fn trivy_status_matches_dpkg_query() {
    let got = rows(&packages(FileKind::DpkgStatus, &common::read(TRIVY)));
    let expected = dpkg_query_rows(TRIVY);
    assert_eq!(expected.len(), 90);
    assert_eq!(got, expected);
    // Trivy's test entry `git` is `deinstall ok config-files`: not installed.
    assert!(got.iter().all(|row| row.0 != "git"));
}

#[test]
fn texlive_status_matches_dpkg_query() {
    let got = rows(&packages(FileKind::DpkgStatus, &common::read(TEXLIVE)));
    let expected = dpkg_query_rows(TEXLIVE);
    assert_eq!(expected.len(), 357);
    assert_eq!(got, expected);
}

/// Distroless writes one paragraph per file, without `Status`. Rebuild that layout from the
/// installed paragraphs of a real status file and expect what `dpkg-query` says of the original.
#[test]
fn status_d_files_match_dpkg_query() {
    let text = String::from_utf8(common::read(TRIVY)).expect("status is UTF-8");
    let mut got = Vec::new();
    let mut removed_seen = false;
    for paragraph in text.split("\n\n").filter(|p| !p.trim().is_empty()) {
        if paragraph.contains("\nStatus: deinstall ok config-files") {
            removed_seen = true;
            // With its Status kept, a removed package stays out in status.d too.
            assert!(packages(FileKind::DpkgStatusD, paragraph.as_bytes()).is_empty());
            continue;
        }
        let without_status: String = paragraph
            .lines()
            .filter(|line| !line.starts_with("Status:"))
            .map(|line| format!("{line}\n"))
            .collect();
        got.extend(packages(FileKind::DpkgStatusD, without_status.as_bytes()));
    }
    assert!(
        removed_seen,
        "the data's deinstalled `git` entry was not found"
    );
    assert_eq!(rows(&got), dpkg_query_rows(TRIVY));
}

#[test]
fn empty_garbage_and_damaged_files() {
    for kind in [FileKind::DpkgStatus, FileKind::DpkgStatusD] {
        assert_eq!(packages(kind, b""), []);
        assert_eq!(packages(kind, b"\n\n\n"), []);
        let garbage = parse(kind, b"\x00\x01\x02 not a control file\n\xff\xfe");
        assert!(
            matches!(garbage, Err(PkgDbError::Malformed { kind: k, .. }) if k == kind),
            "{kind:?}: {garbage:?}"
        );
        for relative in [TRIVY, TEXLIVE] {
            common::no_panic_on_damage(&common::read(relative), |b| {
                let _ = parse(kind, b);
            });
        }
    }
}
