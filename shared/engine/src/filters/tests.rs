//! Filters on a hand-built report: severity, unfixed, and accepted risks with expiry.

use layerwatch_oci::Digest;
use layerwatch_report::{Analyzer, Artifact, Finding, FindingPackage, MatchedBy};
use time::macros::date;

use super::*;

fn finding(id: &str, alias: &str, severity: Severity, fixed: Option<&str>) -> Finding {
    Finding {
        id: id.into(),
        aliases: vec![alias.into()],
        package: FindingPackage {
            name: "openssl".into(),
            version: "1.0".into(),
            ecosystem: "apk".into(),
            purl: "pkg:apk/alpine/openssl@1.0".into(),
        },
        layer: Digest::sha256_of(b"layer"),
        installed_version: "1.0".into(),
        fixed_version: fixed.map(str::to_string),
        status: if fixed.is_some() {
            FixStatus::Fixed
        } else {
            FixStatus::Affected
        },
        severity,
        severity_source: None,
        cvss: Vec::new(),
        matched_by: MatchedBy {
            source: "test".into(),
            namespace: "os:alpine:3.10".into(),
            package: "openssl".into(),
            range: "[0, 1.1)".into(),
            rule: "test".into(),
        },
        title: None,
        references: Vec::new(),
    }
}

fn report() -> Report {
    Report {
        schema_version: 1,
        artifact: Artifact::default(),
        os: None,
        layers: Vec::new(),
        packages: Vec::new(),
        findings: vec![
            finding("CVE-1", "DSA-1", Severity::Critical, Some("1.1")),
            finding("CVE-2", "DSA-2", Severity::Low, Some("1.2")),
            finding("CVE-3", "DSA-3", Severity::High, None),
        ],
        checks: Vec::new(),
        advisory_db: None,
        coverage: Vec::new(),
        analyzer: Analyzer {
            version: "1".into(),
            layerwatch: "0".into(),
        },
        warnings: Vec::new(),
    }
}

fn ids(report: &Report) -> Vec<&str> {
    report.findings.iter().map(|f| f.id.as_str()).collect()
}

#[test]
fn severity_and_unfixed() {
    let mut r = report();
    let filters =
        Filters::from_args(&["critical".into(), "HIGH".into()], false, None).expect("filters");
    apply_filters_on(&mut r, &filters, date!(2026 - 01 - 01));
    assert_eq!(ids(&r), vec!["CVE-1", "CVE-3"]);

    let mut r = report();
    apply_filters_on(
        &mut r,
        &Filters {
            ignore_unfixed: true,
            ..Filters::default()
        },
        date!(2026 - 01 - 01),
    );
    assert_eq!(ids(&r), vec!["CVE-1", "CVE-2"]);

    assert!(matches!(
        Filters::from_args(&["severe".into()], false, None),
        Err(FilterError::Severity(_))
    ));
}

#[test]
fn ignore_file_by_id_or_alias_until_it_expires() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("accepted.yaml");
    std::fs::write(
        &path,
        "ignore:\n  - id: CVE-1\n    reason: not reachable\n    expires: 2026-06-30\n  - id: DSA-2\n    reason: test only\n    expires: 2025-01-01\n",
    )
    .expect("write");
    let filters = Filters::from_args(&[], false, Some(&path)).expect("filters");

    let mut r = report();
    apply_filters_on(&mut r, &filters, date!(2026 - 06 - 30));
    // CVE-1 hidden (last valid day); DSA-2's rule expired: CVE-2 stays and a warning says why.
    assert_eq!(ids(&r), vec!["CVE-2", "CVE-3"]);
    let codes: Vec<&str> = r.warnings.iter().map(|w| w.code.as_str()).collect();
    assert_eq!(codes, vec!["ignore-rule-expired", "findings-ignored"]);

    let mut r = report();
    apply_filters_on(&mut r, &filters, date!(2026 - 07 - 01));
    assert_eq!(ids(&r), vec!["CVE-1", "CVE-2", "CVE-3"]);
}

#[test]
fn ignore_rules_need_a_reason_and_a_date() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("bad.yaml");
    for (text, expect) in [
        (
            "ignore:\n  - id: CVE-1\n    reason: ''\n    expires: 2026-01-01\n",
            "empty reason",
        ),
        (
            "ignore:\n  - id: CVE-1\n    reason: x\n    expires: soon\n",
            "not YYYY-MM-DD",
        ),
        ("ignore:\n  - id: CVE-1\n    reason: x\n", "missing field"),
    ] {
        std::fs::write(&path, text).expect("write");
        let error = read_ignore_file(&path).expect_err(expect).to_string();
        assert!(
            error.contains(expect) && error.contains("bad.yaml"),
            "{error}"
        );
    }
}
