//! Acceptance test of advisory matching for Debian (issue 3), against an independent oracle.
//!
//! The shared data holds no Debian image, and the DSA/DLA lists end in April 2023 (no bookworm
//! fixes), so the image here is a SYNTHETIC dpkg status for Debian 10 (buster), written in this
//! file: real package names at real buster versions (as shipped, or at or between security
//! updates), including a binNMU whose `Source:` line carries the source version.
//! Expected (package, DSA/DLA id) pairs come from the security tracker's `DSA/list` and
//! `DLA/list`, read by a small parser here (`[date] ID srcpkg - title` headers and their
//! `[buster] - srcpkg VERSION` lines), with every "installed < fixed" decided by the real
//! `dpkg --compare-versions SRCVERSION lt FIXED`.

#[path = "support/oracle.rs"]
mod oracle;
mod support;

use std::collections::{BTreeMap, BTreeSet};

use oracle::{
    FixedVersions, assert_fixed_versions, assert_same, dpkg_lt, finding_pairs, report_json,
};
use support::{Entry, shared, tar_of};

/// (binary, binary version, `Source:` line or empty) of the synthetic buster image.
const PACKAGES: &[(&str, &str, &str)] = &[
    ("openssl", "1.1.1d-0+deb10u1", ""),
    ("libssl1.1", "1.1.1d-0+deb10u1", "openssl"),
    ("curl", "7.64.0-4", ""),
    ("libcurl4", "7.64.0-4", "curl"),
    ("apt", "1.8.2", ""),
    ("libapt-pkg5.0", "1.8.2", "apt"),
    ("bash", "5.0-4", ""),
    ("zlib1g", "1:1.2.11.dfsg-1", "zlib"),
    ("tar", "1.30+dfsg-6", ""),
    // Between its security updates: fixed for two advisories, open for two later ones.
    ("sudo", "1.8.27-1+deb10u3", ""),
    // At its last buster security update: affected by none.
    ("libzstd1", "1.3.8+dfsg-3+deb10u2", "libzstd"),
    ("libexpat1", "2.2.6-2+b1", "expat (2.2.6-2)"),
    // A binary whose own version carries an epoch its source lacks, as bsdutils
    // `1:2.33.1-0.1` does for `util-linux (2.33.1-0.1)`: only the source version is below
    // the e2fsprogs fix, so matching must compare the source version.
    ("libcom-err2", "1:1.44.5-1", "e2fsprogs (1.44.5-1)"),
    ("libgnutls30", "3.6.7-4", "gnutls28"),
    ("libc6", "2.28-10", "glibc"),
    ("libsystemd0", "241-7~deb10u1", "systemd"),
    ("libnss3", "2:3.42.1-1", "nss"),
    ("libxml2", "2.9.4+dfsg1-7", ""),
];

fn status_file() -> String {
    let mut out = String::new();
    for (name, version, source) in PACKAGES {
        out.push_str(&format!(
            "Package: {name}\nStatus: install ok installed\nPriority: optional\nSection: libs\n\
             Maintainer: Debian <debian@example.org>\nArchitecture: amd64\n"
        ));
        if !source.is_empty() {
            out.push_str(&format!("Source: {source}\n"));
        }
        out.push_str(&format!(
            "Version: {version}\nDescription: {name} (synthetic test entry)\n\n"
        ));
    }
    out
}

/// (source name, source version) of a synthetic entry.
fn source_of(name: &str, version: &str, source: &str) -> (String, String) {
    if source.is_empty() {
        return (name.to_string(), version.to_string());
    }
    match source.split_once(' ') {
        Some((src, ver)) => (
            src.to_string(),
            ver.trim_matches(|c| c == '(' || c == ')').to_string(),
        ),
        None => (source.to_string(), version.to_string()),
    }
}

/// The CVEs of each advisory id, from the `{CVE-...}` lines under its header.
fn cves_by_id(list: &str) -> BTreeMap<String, BTreeSet<String>> {
    let mut out: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut current: Option<String> = None;
    for line in list.lines() {
        if line.starts_with('[') {
            current = line
                .split_once("] ")
                .and_then(|(_, rest)| rest.split_whitespace().next())
                .map(str::to_string);
            continue;
        }
        if let (Some(id), Some(cves)) = (&current, line.trim().strip_prefix('{')) {
            let ids = out.entry(id.clone()).or_default();
            ids.extend(
                cves.trim_end_matches('}')
                    .split_whitespace()
                    .map(str::to_string),
            );
        }
    }
    out
}

/// (advisory id, source package, fixed version) for every `[buster]` fix line of a list.
fn buster_fixes(list: &str) -> Vec<(String, String, String)> {
    let mut out = Vec::new();
    let mut current: Option<String> = None;
    for line in list.lines() {
        if line.starts_with('[') {
            // "[29 Mar 2023] DSA-5380-1 xorg-server - security update"
            current = line
                .split_once("] ")
                .and_then(|(_, rest)| rest.split_whitespace().next())
                .map(str::to_string);
            continue;
        }
        let Some(rest) = line.trim_start().strip_prefix("[buster] - ") else {
            continue;
        };
        let mut words = rest.split_whitespace();
        let (Some(package), Some(version), Some(id)) = (words.next(), words.next(), &current)
        else {
            continue;
        };
        // Markers such as <not-affected> are not versions; none occur for buster today.
        if version.starts_with('<') {
            continue;
        }
        out.push((id.clone(), package.to_string(), version.to_string()));
    }
    out
}

#[test]
fn buster_findings_equal_the_dpkg_oracle() {
    let tracker = shared().join("data/advisories/debian/security-tracker");
    let mut fixes = Vec::new();
    let mut cves = BTreeMap::new();
    for list in ["DSA/list", "DLA/list"] {
        let text = std::fs::read_to_string(tracker.join(list)).expect("read tracker list");
        fixes.extend(buster_fixes(&text));
        cves.extend(cves_by_id(&text));
    }
    assert!(
        fixes.len() > 300,
        "buster fix lines parsed: {}",
        fixes.len()
    );

    let mut candidates = Vec::new();
    for (name, version, source) in PACKAGES {
        let (src, src_version) = source_of(name, version, source);
        for (id, package, fixed) in fixes.iter().filter(|(_, p, _)| *p == src) {
            candidates.push((
                name.to_string(),
                id.clone(),
                package,
                src_version.clone(),
                fixed,
            ));
        }
    }
    let pairs: Vec<(String, String)> = candidates
        .iter()
        .map(|(_, _, _, v, f)| (v.clone(), f.to_string()))
        .collect();
    let mut fixed = FixedVersions::new();
    for ((bin, id, _, _, fix), lt) in candidates.iter().zip(dpkg_lt(&pairs)) {
        if lt {
            fixed
                .entry((bin.clone(), id.clone()))
                .or_default()
                .insert(fix.to_string());
        }
    }
    let expected: BTreeSet<(String, String)> = fixed.keys().cloned().collect();

    let dir = tempfile::tempdir().expect("tempdir");
    let status = status_file();
    let layer = tar_of(&[
        Entry::File("var/lib/dpkg/status", status.as_bytes()),
        Entry::File(
            "etc/os-release",
            b"PRETTY_NAME=\"Debian GNU/Linux 10 (buster)\"\nNAME=\"Debian GNU/Linux\"\nID=debian\nVERSION_ID=\"10\"\nVERSION=\"10 (buster)\"\nVERSION_CODENAME=buster\n",
        ),
    ]);
    let root = dir.path().join("rootfs.tar");
    std::fs::write(&root, layer).expect("write rootfs tar");
    let rootfs = dir.path().join("rootfs");
    tar::Archive::new(std::fs::File::open(&root).expect("open tar"))
        .unpack(&rootfs)
        .expect("unpack rootfs");

    let report = report_json(&format!("rootfs:{}", rootfs.display()));
    let ours = finding_pairs(&report);
    println!(
        "debian buster (synthetic): packages {} (ours {}), dpkg comparisons {}, expected pairs {}, ours {}, common {}",
        PACKAGES.len(),
        report["packages"].as_array().expect("packages").len(),
        pairs.len(),
        expected.len(),
        ours.len(),
        expected.intersection(&ours).count()
    );
    assert_eq!(
        report["packages"].as_array().expect("packages").len(),
        PACKAGES.len()
    );
    assert!(
        !expected.is_empty(),
        "old buster versions have DSA/DLA fixes"
    );
    assert_same("debian buster", &expected, &ours);
    assert_fixed_versions("debian buster", &fixed, &report);

    // Debian findings are DSA/DLA ids from the buster namespace only, with the CVEs the
    // advisory lists as aliases.
    for finding in report["findings"].as_array().expect("findings") {
        assert_eq!(
            finding["matched_by"]["source"], "debian/security-tracker",
            "{finding}"
        );
        assert_eq!(
            finding["matched_by"]["namespace"], "os:debian:buster",
            "{finding}"
        );
        let id = finding["id"].as_str().expect("id");
        assert!(id.starts_with("DSA-") || id.starts_with("DLA-"), "{id}");
        let aliases: BTreeSet<String> = finding["aliases"]
            .as_array()
            .expect("aliases")
            .iter()
            .filter_map(|a| a.as_str().map(str::to_string))
            .collect();
        let listed = cves.get(id).cloned().unwrap_or_default();
        assert!(
            listed.is_subset(&aliases),
            "{id}: the list names {listed:?}, aliases are {aliases:?}"
        );
    }
}
