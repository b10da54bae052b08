//! Round trips over every advisory of real feeds, and damaged bytes giving errors.

use super::{decode_group, encode_group};
use crate::feeds;
use crate::model::{Advisory, Cvss, Severity, VendorSeverity};

fn shared_advisories() -> std::path::PathBuf {
    let dir = std::env::var_os("LAYERWATCH_SHARED")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| {
            std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared")
        });
    let adv = dir.join("data/advisories");
    assert!(
        adv.is_dir(),
        "shared advisories not found at {} (set LAYERWATCH_SHARED)",
        adv.display()
    );
    adv
}

/// Real advisories of every feed kind: Alpine JSON and YAML, Debian lists, OSV JSON (Go,
/// RustSec, GHSA with CVSS, USN) and YAML (PyPA), Node WG.
fn real_advisories() -> Vec<Advisory> {
    let root = shared_advisories();
    let mut out = Vec::new();
    for file in feeds::discover(&root) {
        let keep = [
            "alpine/secdb-json/v3.10/",
            "alpine/alpine-secdb-yaml/v3.9/",
            "debian/",
            "go/vulndb-osv/GO-2022",
            "crates/rustsec-osv/RUSTSEC-2021",
            "npm/",
            "pypi/pypa-vulns/d",
            "ubuntu/",
        ];
        if keep.iter().any(|k| file.rel_path.starts_with(k)) {
            out.extend(feeds::read(&file).expect("real feed parses").advisories);
        }
    }
    out
}

#[test]
fn real_advisories_round_trip_exactly() {
    let advisories = real_advisories();
    assert!(advisories.len() > 3000, "{}", advisories.len());
    // The sample covers the optional parts of the encoding.
    assert!(advisories.iter().any(|a| !a.cvss.is_empty()));
    assert!(advisories.iter().any(|a| a.severity.is_some()));
    assert!(advisories.iter().any(|a| a.withdrawn.is_some()));
    for chunk in advisories.chunks(7) {
        let mut bytes = Vec::new();
        encode_group(chunk, &mut bytes);
        let back = decode_group(&bytes).expect("decodes");
        assert_eq!(back, chunk);
    }
}

#[test]
fn every_cut_of_a_record_is_an_error_not_a_panic() {
    let mut a = Advisory::new("CVE-1", "test/source");
    a.severity = Some(VendorSeverity {
        source: "ghsa".into(),
        level: Severity::High,
    });
    a.cvss.push(Cvss {
        version: "3.1".into(),
        vector: "CVSS:3.1/AV:N".into(),
        base_score: Some(7.5),
    });
    let mut advisories = real_advisories();
    advisories.truncate(40);
    advisories.push(a);
    let mut bytes = Vec::new();
    encode_group(&advisories, &mut bytes);
    for cut in 0..bytes.len() {
        assert!(decode_group(&bytes[..cut]).is_err(), "cut at {cut}");
    }
    bytes.push(0);
    assert!(decode_group(&bytes).is_err());
}
