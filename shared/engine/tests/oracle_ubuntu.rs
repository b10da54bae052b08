//! Acceptance test of advisory matching for Ubuntu (issue 3), against an independent oracle.
//!
//! The image is the real dpkg status of an early Ubuntu 18.04 image (`pkgdb/dpkg/
//! ubuntu-18.04-trivy`) with an Ubuntu 18.04 os-release, packed as a one-layer OCI layout.
//! Expected (package, USN) pairs come from the five USN OSV files read as plain JSON here: for
//! each `Ubuntu:18.04:LTS` entry, every installed binary whose source package equals the entry's
//! package and whose source version is `dpkg --compare-versions V lt FIXED` by the real dpkg.

#[path = "support/oracle.rs"]
mod oracle;
mod support;

use std::collections::{BTreeMap, BTreeSet};

use oracle::{
    FixedVersions, assert_fixed_versions, assert_same, dpkg_lt, finding_pairs, report_json,
};
use support::{Compress, Entry, shared, tar_of, write_layout};

/// An installed binary package: name, source name, source version.
struct Binary {
    name: String,
    source: String,
    source_version: String,
}

/// Plain paragraph scan of a dpkg status file; only `install ok installed` entries count.
/// `Source: name (version)` gives the source version, else the binary's own version.
fn installed_binaries(status: &str) -> Vec<Binary> {
    status
        .split("\n\n")
        .filter_map(|para| {
            let field = |k: &str| {
                para.lines()
                    .find_map(|l| l.strip_prefix(k))
                    .map(|v| v.trim().to_string())
            };
            if field("Status:")? != "install ok installed" {
                return None;
            }
            let name = field("Package:")?;
            let version = field("Version:")?;
            let (source, source_version) = match field("Source:") {
                Some(s) => match s.split_once(' ') {
                    Some((src, ver)) => (
                        src.to_string(),
                        ver.trim_matches(|c| c == '(' || c == ')').to_string(),
                    ),
                    None => (s, version),
                },
                None => (name.clone(), version),
            };
            Some(Binary {
                name,
                source,
                source_version,
            })
        })
        .collect()
}

#[test]
fn ubuntu_1804_findings_equal_the_dpkg_oracle() {
    let status_path = shared().join("data/pkgdb/dpkg/ubuntu-18.04-trivy/var/lib/dpkg/status");
    let status = std::fs::read_to_string(&status_path).expect("read dpkg status");
    let binaries = installed_binaries(&status);

    // (binary, USN id, source version, fixed version) candidates from the USN files.
    let mut candidates = Vec::new();
    // The CVEs of each USN: its OSV `upstream` ids (`UBUNTU-CVE-…`, Ubuntu's CVE records).
    let mut cves: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let usn_dir = shared().join("data/advisories/ubuntu/usn-osv");
    let mut files: Vec<_> = std::fs::read_dir(&usn_dir)
        .expect("usn dir")
        .map(|e| e.expect("entry").path())
        .collect();
    files.sort();
    assert_eq!(files.len(), 5, "five USN files");
    for file in files {
        let doc: serde_json::Value =
            serde_json::from_slice(&std::fs::read(&file).expect("read usn")).expect("json");
        let id = doc["id"].as_str().expect("id").to_string();
        cves.insert(
            id.clone(),
            doc["upstream"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|u| u.as_str()?.strip_prefix("UBUNTU-"))
                .map(str::to_string)
                .collect(),
        );
        for affected in doc["affected"].as_array().expect("affected") {
            if affected["package"]["ecosystem"] != "Ubuntu:18.04:LTS" {
                continue;
            }
            let package = affected["package"]["name"].as_str().expect("package name");
            for range in affected["ranges"].as_array().into_iter().flatten() {
                for event in range["events"].as_array().into_iter().flatten() {
                    let Some(fixed) = event["fixed"].as_str() else {
                        continue;
                    };
                    for bin in binaries.iter().filter(|b| b.source == package) {
                        candidates.push((
                            bin.name.clone(),
                            id.clone(),
                            bin.source_version.clone(),
                            fixed.to_string(),
                        ));
                    }
                }
            }
        }
    }
    let pairs: Vec<(String, String)> = candidates
        .iter()
        .map(|(_, _, v, f)| (v.clone(), f.clone()))
        .collect();
    let mut fixed = FixedVersions::new();
    for ((bin, id, _, fix), lt) in candidates.iter().zip(dpkg_lt(&pairs)) {
        if lt {
            fixed
                .entry((bin.clone(), id.clone()))
                .or_default()
                .insert(fix.to_string());
        }
    }
    let expected: BTreeSet<(String, String)> = fixed.keys().cloned().collect();

    let layer = tar_of(&[
        Entry::File("var/lib/dpkg/status", status.as_bytes()),
        Entry::File(
            "etc/os-release",
            b"NAME=\"Ubuntu\"\nVERSION=\"18.04.1 LTS (Bionic Beaver)\"\nID=ubuntu\nID_LIKE=debian\nVERSION_ID=\"18.04\"\nVERSION_CODENAME=bionic\nUBUNTU_CODENAME=bionic\n",
        ),
    ]);
    let dir = tempfile::tempdir().expect("tempdir");
    write_layout(dir.path(), &[(layer, Compress::Gzip)], ("linux", "amd64"));
    let report = report_json(&format!("oci:{}", dir.path().display()));
    let ours = finding_pairs(&report);
    // Only the USN findings are compared: the store holds no other Ubuntu source.
    let ours_usn: BTreeSet<(String, String)> = ours
        .iter()
        .filter(|(_, id)| id.starts_with("USN-"))
        .cloned()
        .collect();
    println!(
        "ubuntu 18.04: packages {} (ours {}), candidates {}, expected pairs {}, ours {} ({} USN)",
        binaries.len(),
        report["packages"].as_array().expect("packages").len(),
        candidates.len(),
        expected.len(),
        ours.len(),
        ours_usn.len()
    );
    assert_eq!(ours, ours_usn, "every Ubuntu finding is a USN");
    assert_eq!(
        report["packages"].as_array().expect("packages").len(),
        binaries.len(),
        "installed packages (the deinstalled git entry skipped)"
    );
    assert!(
        !expected.is_empty(),
        "the USNs were picked to affect this image"
    );
    assert_same("ubuntu 18.04", &expected, &ours_usn);
    assert_fixed_versions("ubuntu 18.04", &fixed, &report);

    // Each USN finding carries the CVEs of its USN (from the OSV `upstream` field) as aliases.
    for finding in report["findings"].as_array().expect("findings") {
        let id = finding["id"].as_str().expect("id");
        let aliases: BTreeSet<String> = finding["aliases"]
            .as_array()
            .expect("aliases")
            .iter()
            .filter_map(|a| a.as_str().map(str::to_string))
            .collect();
        let listed = cves.get(id).cloned().unwrap_or_default();
        assert!(!listed.is_empty(), "{id}: the USN names a CVE");
        assert!(
            listed.is_subset(&aliases),
            "{id} on {}: the USN names {listed:?}, aliases are {aliases:?}",
            finding["package"]["name"]
        );
    }
}
