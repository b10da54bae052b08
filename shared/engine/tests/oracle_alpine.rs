//! Acceptance tests of advisory matching for Alpine (issue 3), against an independent oracle.
//!
//! For each real Alpine image in the shared data (the five minirootfs tarballs and the two
//! `docker save` archives), the expected (package, CVE) pairs are computed here from the image's
//! own `lib/apk/db/installed` (P, V, o lines) and the secdb JSON of its release (read as plain
//! `serde_json::Value`), with every "installed < fixed" decided by the real `apk version -t` in a
//! chroot of the Alpine 3.20.3 minirootfs. Needs root (chroot).

#[path = "support/oracle.rs"]
mod oracle;
mod support;

use std::collections::{BTreeMap, BTreeSet};
use std::io::Read;
use std::path::Path;

use oracle::{
    FixedVersions, apk_less, assert_fixed_versions, assert_same, finding_pairs, report_json, store,
};
use support::{Entry, file_from_targz, shared};

const APK_DB: &str = "lib/apk/db/installed";

/// An installed apk package: name, version, origin.
struct Installed {
    name: String,
    version: String,
    origin: String,
}

/// Plain paragraph scan of an apk database; a package without `o:` is its own origin.
fn installed(db: &[u8]) -> Vec<Installed> {
    let text = String::from_utf8_lossy(db);
    text.split("\n\n")
        .filter_map(|para| {
            let field = |k: &str| {
                para.lines()
                    .find_map(|l| l.strip_prefix(k))
                    .map(str::to_string)
            };
            let name = field("P:")?;
            Some(Installed {
                version: field("V:")?,
                origin: field("o:").unwrap_or_else(|| name.clone()),
                name,
            })
        })
        .collect()
}

/// `VERSION_ID` of an os-release file.
fn version_id(os_release: &[u8]) -> String {
    String::from_utf8_lossy(os_release)
        .lines()
        .find_map(|l| l.strip_prefix("VERSION_ID="))
        .expect("VERSION_ID in os-release")
        .trim_matches('"')
        .to_string()
}

/// secfixes of a release (`v3.X`): origin -> [(fixed version, ids)], from main and community.
fn secfixes(release: &str) -> BTreeMap<String, Vec<(String, Vec<String>)>> {
    let dir = shared()
        .join("data/advisories/alpine/secdb-json")
        .join(release);
    let mut out: BTreeMap<String, Vec<(String, Vec<String>)>> = BTreeMap::new();
    for repo in ["main", "community"] {
        let path = dir.join(format!("{repo}.json"));
        if !path.exists() {
            continue;
        }
        let doc: serde_json::Value =
            serde_json::from_slice(&std::fs::read(&path).expect("read secdb")).expect("json");
        for entry in doc["packages"].as_array().expect("packages") {
            let name = entry["pkg"]["name"].as_str().expect("pkg.name");
            let Some(fixes) = entry["pkg"]["secfixes"].as_object() else {
                continue;
            };
            for (fixed, ids) in fixes {
                // "0" lists ids Alpine considers not affected at all.
                if fixed == "0" {
                    continue;
                }
                let ids = ids
                    .as_array()
                    .expect("secfix list")
                    .iter()
                    .filter_map(|line| line.as_str()?.split_whitespace().next())
                    .map(str::to_string)
                    .collect();
                out.entry(name.to_string())
                    .or_default()
                    .push((fixed.clone(), ids));
            }
        }
    }
    out
}

/// Returns (installed packages, (version, fixed) comparisons made, expected pairs with the
/// fixed versions that make them affected).
fn expected(db: &[u8], os_release: &[u8]) -> (usize, usize, FixedVersions) {
    let packages = installed(db);
    let version = version_id(os_release);
    let minor: Vec<&str> = version.split('.').take(2).collect();
    let fixes = secfixes(&format!("v{}", minor.join(".")));
    let mut candidates = Vec::new();
    for pkg in &packages {
        for (fixed, ids) in fixes.get(&pkg.origin).into_iter().flatten() {
            candidates.push((pkg, fixed, ids));
        }
    }
    let pairs: Vec<(String, String)> = candidates
        .iter()
        .map(|(pkg, fixed, _)| (pkg.version.clone(), fixed.to_string()))
        .collect();
    let less = apk_less(&pairs);
    let mut out = FixedVersions::new();
    for ((pkg, fixed, ids), affected) in candidates.iter().zip(less) {
        if affected {
            for id in ids.iter() {
                out.entry((pkg.name.clone(), id.clone()))
                    .or_default()
                    .insert(fixed.to_string());
            }
        }
    }
    (packages.len(), pairs.len(), out)
}

/// The bytes of `inner` inside the single `layer.tar` of a gzip'd `docker save` archive.
fn file_from_docker_archive(archive: &Path, inner: &str) -> Vec<u8> {
    let file = std::fs::File::open(archive).expect("open archive");
    let mut outer = tar::Archive::new(flate2::read::GzDecoder::new(file));
    for entry in outer.entries().expect("entries") {
        let mut entry = entry.expect("entry");
        if entry.path().expect("path").ends_with("layer.tar") {
            let mut layer = Vec::new();
            entry.read_to_end(&mut layer).expect("read layer");
            let mut tar = tar::Archive::new(&layer[..]);
            for e in tar.entries().expect("layer entries") {
                let mut e = e.expect("layer entry");
                let path = e.path().expect("path").to_string_lossy().to_string();
                if path.trim_start_matches("./") == inner {
                    let mut out = Vec::new();
                    e.read_to_end(&mut out).expect("read");
                    return out;
                }
            }
        }
    }
    panic!("{inner} not in the layer of {}", archive.display());
}

fn check(label: &str, target: &str, db: &[u8], os_release: &[u8]) -> serde_json::Value {
    let (packages, compared, fixed) = expected(db, os_release);
    let expected: BTreeSet<(String, String)> = fixed.keys().cloned().collect();
    let report = report_json(target);
    let ours = finding_pairs(&report);
    let our_packages = report["packages"].as_array().expect("packages").len();
    println!(
        "{label}: packages {packages} (ours {our_packages}), apk comparisons {compared}, expected pairs {}, ours {}, common {}",
        expected.len(),
        ours.len(),
        expected.intersection(&ours).count()
    );
    assert_eq!(our_packages, packages, "{label}: package count");
    assert_same(label, &expected, &ours);
    assert_fixed_versions(label, &fixed, &report);
    report
}

fn minirootfs(version: &str) -> std::path::PathBuf {
    shared().join(format!(
        "data/images/alpine-minirootfs/alpine-minirootfs-{version}-x86_64.tar.gz"
    ))
}

#[test]
fn minirootfs_findings_equal_the_apk_oracle() {
    for version in ["3.6.5", "3.8.5", "3.10.3", "3.12.12", "3.20.3"] {
        let archive = minirootfs(version);
        let db = file_from_targz(&archive, APK_DB);
        let os = file_from_targz(&archive, "etc/os-release");
        let report = check(
            &format!("minirootfs {version}"),
            &format!("rootfs:{}", archive.display()),
            &db,
            &os,
        );
        // The data's README: 3.10.3 ships libcrypto1.1 1.1.1d-r0, secdb v3.10 fixes up to 1.1.1k.
        if version == "3.10.3" {
            assert!(
                finding_pairs(&report)
                    .iter()
                    .any(|(p, _)| p == "libcrypto1.1"),
                "3.10.3: libcrypto1.1 has fixed CVEs"
            );
        }
    }
}

#[test]
fn docker_archive_findings_equal_the_apk_oracle() {
    for name in ["alpine-310", "alpine-311"] {
        let archive = shared().join(format!("data/images/docker-archive/{name}.tar.gz"));
        let db = file_from_docker_archive(&archive, APK_DB);
        let os = file_from_docker_archive(&archive, "etc/os-release");
        let report = check(
            &format!("docker-archive {name}"),
            &format!("docker-archive:{}", archive.display()),
            &db,
            &os,
        );
        assert!(
            !finding_pairs(&report).is_empty(),
            "{name}: an old point release has fixed CVEs"
        );
    }
}

#[test]
fn reports_carry_store_revision_and_coverage() {
    let revision = store().revision().to_string();
    let mut targets: Vec<(String, String)> = ["3.6.5", "3.8.5", "3.10.3", "3.12.12", "3.20.3"]
        .iter()
        .map(|v| {
            let minor: Vec<&str> = v.split('.').take(2).collect();
            (
                format!("rootfs:{}", minirootfs(v).display()),
                minor.join("."),
            )
        })
        .collect();
    for (name, minor) in [("alpine-310", "3.10"), ("alpine-311", "3.11")] {
        let archive = shared().join(format!("data/images/docker-archive/{name}.tar.gz"));
        targets.push((
            format!("docker-archive:{}", archive.display()),
            minor.to_string(),
        ));
    }
    for (target, minor) in targets {
        let report = report_json(&target);
        assert_eq!(
            report["advisory_db"]["revision"].as_str(),
            Some(revision.as_str()),
            "{target}: advisory_db.revision"
        );
        let key = format!("os:alpine:{minor}");
        let entry = report["coverage"]
            .as_array()
            .expect("coverage")
            .iter()
            .find(|c| c["target"] == key.as_str())
            .unwrap_or_else(|| panic!("{target}: no coverage entry {key}: {}", report["coverage"]));
        let sources: Vec<&str> = entry["sources"]
            .as_array()
            .expect("sources")
            .iter()
            .filter_map(|s| s.as_str())
            .collect();
        assert!(
            sources.contains(&"alpine/secdb-json"),
            "{target}: {key} sources {sources:?}"
        );
        assert!(
            !report["warnings"]
                .as_array()
                .expect("warnings")
                .iter()
                .any(|w| w["code"] == "not-covered"),
            "{target}: covered release warned as not covered"
        );
    }
}

#[test]
fn release_outside_the_feeds_is_not_covered_never_clean() {
    // Alpine 3.20.3's real packages (several with fixed CVEs in older releases), but an
    // os-release naming a release no secdb file covers.
    let db = file_from_targz(&minirootfs("3.20.3"), APK_DB);
    let dir = tempfile::tempdir().expect("tempdir");
    let layer = support::tar_of(&[
        Entry::File(APK_DB, &db),
        Entry::File(
            "etc/os-release",
            b"NAME=\"Alpine Linux\"\nID=alpine\nVERSION_ID=3.99.0\n",
        ),
    ]);
    let archive = dir.path().join("rootfs.tar.gz");
    let mut enc = flate2::write::GzEncoder::new(
        std::fs::File::create(&archive).expect("create"),
        flate2::Compression::fast(),
    );
    std::io::Write::write_all(&mut enc, &layer).expect("gzip");
    enc.finish().expect("gzip finish");

    let report = report_json(&format!("rootfs:{}", archive.display()));
    assert_eq!(
        report["packages"].as_array().expect("packages").len(),
        installed(&db).len(),
        "packages are still listed"
    );
    assert_eq!(
        report["findings"].as_array().expect("findings").len(),
        0,
        "no findings for an uncovered release"
    );
    let warnings = report["warnings"].as_array().expect("warnings");
    assert!(
        warnings.iter().any(|w| w["code"] == "not-covered"
            && w["message"].as_str().is_some_and(|m| m.contains("3.99"))),
        "a not-covered warning naming the release: {warnings:?}"
    );
    let coverage = report["coverage"].as_array().expect("coverage");
    assert!(
        coverage.iter().any(|c| c["target"] == "os:alpine:3.99"
            && c["sources"].as_array().is_some_and(|s| s.is_empty())),
        "coverage lists the release with no source: {coverage:?}"
    );
}
