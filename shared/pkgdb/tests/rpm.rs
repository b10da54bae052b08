//! rpm databases against independent oracles: the `rpm -qa` lists shipped with the data
//! (`packages.csv`), upstream's stated expectation for the BDB file, and the real `rpm` tool.

mod common;

use std::process::Command;

use layerwatch_inventory::{DbKind, Ecosystem, ItemContent, Package};
use layerwatch_pkgdb::{FileKind, PkgDbError, parse};

/// (name, `[epoch:]version-release`, arch, source rpm file name, licence).
type Row = (
    String,
    String,
    Option<String>,
    Option<String>,
    Option<String>,
);

const SQLITE: &str = "pkgdb/rpm/go-rpmdb/amazonlinux2023-plain/rpmdb.sqlite";
const NDB: &str = "pkgdb/rpm/go-rpmdb/sle15-bci/Packages.db";
const BDB: &str = "pkgdb/rpm/go-rpmdb/libuuid-rhel8/Packages";

fn packages(kind: FileKind, bytes: &[u8]) -> Vec<Package> {
    match parse(kind, bytes) {
        Ok(ItemContent::Packages { db, packages }) => {
            let expected_db = match kind {
                FileKind::RpmSqlite => DbKind::RpmSqlite,
                FileKind::RpmNdb => DbKind::RpmNdb,
                _ => DbKind::RpmBdb,
            };
            assert_eq!(db, expected_db);
            assert!(packages.iter().all(|p| p.ecosystem == Ecosystem::Rpm));
            packages
        }
        other => panic!("{kind:?}: unexpected result {other:?}"),
    }
}

fn rows(packages: &[Package]) -> Vec<Row> {
    let mut rows: Vec<Row> = packages
        .iter()
        .map(|p| {
            let srpm = match (&p.source_name, &p.source_version) {
                (Some(n), Some(v)) => Some(format!("{n}-{v}.src.rpm")),
                _ => None,
            };
            (
                p.name.clone(),
                p.version.clone(),
                p.arch.clone(),
                srpm,
                p.license.clone(),
            )
        })
        .collect();
    rows.sort();
    rows
}

/// `rpm` prints `(none)` (or nothing, in the csv) for an absent tag.
fn present(value: &str) -> Option<String> {
    (!value.is_empty() && value != "(none)").then(|| value.to_string())
}

fn evr(epoch: &str, version: &str, release: &str) -> String {
    match present(epoch) {
        Some(e) => format!("{e}:{version}-{release}"),
        None => format!("{version}-{release}"),
    }
}

/// `packages.csv`: `EPOCH¶NAME¶VERSION¶RELEASE¶ARCH¶SOURCERPM¶SIZE¶LICENSE¶...`.
fn csv_rows(relative: &str) -> Vec<Row> {
    let text = String::from_utf8(common::read(relative)).expect("csv is UTF-8");
    let mut rows: Vec<Row> = text
        .lines()
        .filter(|l| !l.is_empty())
        .map(|line| {
            let f: Vec<&str> = line.split('¶').collect();
            assert!(f.len() >= 8, "short csv line {line:?}");
            (
                f[1].to_string(),
                evr(f[0], f[2], f[3]),
                present(f[4]),
                present(f[5]),
                present(f[7]),
            )
        })
        .collect();
    rows.sort();
    rows
}

/// `rpm -qa` on a temporary copy of `relative` (rpm may write beside the database).
fn rpm_tool_rows(relative: &str, backend: &str) -> Vec<Row> {
    let dir = tempfile::tempdir().expect("temp dir");
    let source = common::data_dir().join(relative);
    let name = source.file_name().expect("file name");
    std::fs::copy(&source, dir.path().join(name)).expect("copy database");
    let out = common::run(
        Command::new("rpm")
            .arg("-qa")
            .arg("--dbpath")
            .arg(dir.path())
            .args(["--define", &format!("_db_backend {backend}")])
            .args([
                "--qf",
                "%{NAME}|%{EPOCH}|%{VERSION}|%{RELEASE}|%{ARCH}|%{SOURCERPM}|%{LICENSE}\\n",
            ]),
    );
    let mut rows: Vec<Row> = out
        .lines()
        .map(|line| {
            let f: Vec<&str> = line.split('|').collect();
            assert_eq!(f.len(), 7, "odd rpm output line {line:?}");
            (
                f[0].to_string(),
                evr(f[1], f[2], f[3]),
                present(f[4]),
                present(f[5]),
                present(f[6]),
            )
        })
        .collect();
    rows.sort();
    rows
}

#[test]
fn sqlite_matches_rpm_qa_list() {
    let got = rows(&packages(FileKind::RpmSqlite, &common::read(SQLITE)));
    let expected = csv_rows("pkgdb/rpm/go-rpmdb/amazonlinux2023-plain/packages.csv");
    assert_eq!(expected.len(), 103);
    assert_eq!(got, expected);
}

#[test]
fn sqlite_matches_rpm_tool() {
    let got = rows(&packages(FileKind::RpmSqlite, &common::read(SQLITE)));
    assert_eq!(got, rpm_tool_rows(SQLITE, "sqlite"));
}

#[test]
fn ndb_matches_rpm_qa_list() {
    let got = rows(&packages(FileKind::RpmNdb, &common::read(NDB)));
    let expected = csv_rows("pkgdb/rpm/go-rpmdb/sle15-bci/packages.csv");
    assert_eq!(expected.len(), 36);
    assert_eq!(got, expected);
}

#[test]
fn bdb_gives_libuuid() {
    let got = packages(FileKind::RpmBdb, &common::read(BDB));
    // Upstream's expectation (data README).
    let expected = Package {
        ecosystem: Ecosystem::Rpm,
        name: "libuuid".to_string(),
        version: "2.32.1-42.el8_8".to_string(),
        arch: Some("x86_64".to_string()),
        source_name: Some("util-linux".to_string()),
        source_version: Some("2.32.1-42.el8_8".to_string()),
        license: Some("BSD".to_string()),
    };
    assert_eq!(got, [expected]);
}

/// Rewrites a little-endian BDB hash file in big-endian order (as a big-endian host writes
/// it): metadata, page headers, item offsets, off-page references and record-number keys.
fn bdb_to_big_endian(le: &[u8]) -> Vec<u8> {
    let mut be = le.to_vec();
    let swap32 = |b: &mut [u8], at: usize| b[at..at + 4].reverse();
    let swap16 = |b: &mut [u8], at: usize| b[at..at + 2].reverse();
    let page_size = u32::from_le_bytes(le[20..24].try_into().expect("4 bytes")) as usize;
    for at in [8, 12, 16, 20, 28, 32] {
        swap32(&mut be, at);
    }
    for (number, page) in be.chunks_exact_mut(page_size).enumerate().skip(1) {
        let orig = &le[number * page_size..(number + 1) * page_size];
        for at in [8, 12, 16] {
            swap32(page, at);
        }
        swap16(page, 20);
        swap16(page, 22);
        if page[25] != 13 && page[25] != 2 {
            continue;
        }
        let entries = usize::from(u16::from_le_bytes([orig[20], orig[21]]));
        for i in 0..entries {
            let offset = usize::from(u16::from_le_bytes([orig[26 + 2 * i], orig[27 + 2 * i]]));
            swap16(page, 26 + 2 * i);
            match page[offset] {
                3 => {
                    swap32(page, offset + 4);
                    swap32(page, offset + 8);
                }
                1 if i % 2 == 0 => swap32(page, offset + 1),
                _ => {}
            }
        }
    }
    be
}

#[test]
fn bdb_big_endian_gives_the_same_package() {
    let le = common::read(BDB);
    let be = bdb_to_big_endian(&le);
    assert_ne!(le, be);
    assert_eq!(
        packages(FileKind::RpmBdb, &be),
        packages(FileKind::RpmBdb, &le)
    );
}

#[test]
fn bdb_matches_rpm_tool() {
    let got = rows(&packages(FileKind::RpmBdb, &common::read(BDB)));
    assert_eq!(got, rpm_tool_rows(BDB, "bdb_ro"));
}

#[test]
fn wrong_or_damaged_files_are_errors_not_panics() {
    let sqlite = common::read(SQLITE);
    let ndb = common::read(NDB);
    let bdb = common::read(BDB);
    for kind in [FileKind::RpmSqlite, FileKind::RpmNdb, FileKind::RpmBdb] {
        for bytes in [&b""[..], b"garbage", &[0u8; 4096][..]] {
            assert!(
                matches!(parse(kind, bytes), Err(PkgDbError::Malformed { kind: k, .. }) if k == kind),
                "{kind:?} accepted {} junk bytes",
                bytes.len()
            );
        }
    }
    // Each format handed another's bytes.
    assert!(parse(FileKind::RpmSqlite, &ndb).is_err());
    assert!(parse(FileKind::RpmNdb, &bdb).is_err());
    assert!(parse(FileKind::RpmBdb, &sqlite).is_err());
    // A BDB file cut short loses pages its metadata claims.
    assert!(parse(FileKind::RpmBdb, &bdb[..bdb.len() - 4096]).is_err());
    for (kind, bytes) in [
        (FileKind::RpmSqlite, &sqlite),
        (FileKind::RpmNdb, &ndb),
        (FileKind::RpmBdb, &bdb),
    ] {
        common::no_panic_on_damage(bytes, |b| {
            let _ = parse(kind, b);
        });
    }
}
