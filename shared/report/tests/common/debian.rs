//! The Debian 12 image report.

use layerwatch_inventory::{Ecosystem, Warning};
use layerwatch_report::{
    AdvisoryDb, Analyzer, Artifact, Check, CheckResult, Coverage, FixStatus, LayerSummary, Report,
    SCHEMA_VERSION, Severity,
};

use super::{Advisory, digest, entry, finding, os};

/// A Debian 12 image: OS packages, a Python and a Node application, seven findings (fixed,
/// no-dsa, won't fix with an unknown severity, one advisory on the same npm package in two
/// layers), a failed and a passed check, two warnings.
pub fn debian_report() -> Report {
    let os = os("debian", "12", Some("bookworm"));
    let dpkg = "var/lib/dpkg/status";
    let packages = vec![
        entry(
            Some(&os),
            Ecosystem::Deb,
            "libc6",
            "2.36-9+deb12u4",
            Some(("glibc", "2.36-9+deb12u4")),
            "base",
            dpkg,
        ),
        entry(
            Some(&os),
            Ecosystem::Deb,
            "libssl3",
            "3.0.11-1~deb12u2",
            Some(("openssl", "3.0.11-1~deb12u2")),
            "base",
            dpkg,
        ),
        entry(
            Some(&os),
            Ecosystem::Deb,
            "login",
            "1:4.13+dfsg1-1",
            Some(("shadow", "1:4.13+dfsg1-1")),
            "base",
            dpkg,
        ),
        entry(
            Some(&os),
            Ecosystem::Pypi,
            "Jinja2",
            "3.1.2",
            None,
            "app",
            "usr/lib/python3/dist-packages/Jinja2-3.1.2.dist-info/METADATA",
        ),
        entry(
            Some(&os),
            Ecosystem::Pypi,
            "PyYAML",
            "6.0.1",
            None,
            "app",
            "usr/lib/python3/dist-packages/PyYAML-6.0.1.dist-info/METADATA",
        ),
        entry(
            Some(&os),
            Ecosystem::Npm,
            "@babel/traverse",
            "7.22.5",
            None,
            "app",
            "srv/app/node_modules/@babel/traverse/package.json",
        ),
        entry(
            Some(&os),
            Ecosystem::Npm,
            "lodash",
            "4.17.20",
            None,
            "app",
            "srv/app/node_modules/lodash/package.json",
        ),
        // The same package again, in another layer: ids and refs must still be unique.
        entry(
            Some(&os),
            Ecosystem::Npm,
            "lodash",
            "4.17.20",
            None,
            "base",
            "opt/other app/node_modules/lodash/package.json",
        ),
    ];
    let findings = vec![
        finding(
            &packages[0],
            Advisory {
                id: "CVE-2024-2961",
                aliases: &[],
                fixed: Some("2.36-9+deb12u7"),
                status: FixStatus::Fixed,
                severity: Severity::High,
                source: "debian-security-tracker",
                cvss: Some(("3.1", "CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:H/I:H/A:H", 8.1)),
            },
        ),
        finding(
            &packages[1],
            Advisory {
                id: "CVE-2023-5678",
                aliases: &[],
                fixed: None,
                status: FixStatus::NoDsa,
                severity: Severity::Low,
                source: "debian-security-tracker",
                cvss: Some(("3.1", "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:L", 5.3)),
            },
        ),
        finding(
            &packages[2],
            Advisory {
                id: "CVE-2007-5686",
                aliases: &[],
                fixed: None,
                status: FixStatus::WontFix,
                severity: Severity::Unknown,
                source: "debian-security-tracker",
                cvss: None,
            },
        ),
        finding(
            &packages[3],
            Advisory {
                id: "GHSA-h5c8-rqwp-cp95",
                aliases: &["CVE-2024-22195"],
                fixed: Some("3.1.3"),
                status: FixStatus::Fixed,
                severity: Severity::Medium,
                source: "osv:PyPI",
                cvss: Some(("3.1", "CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:U/C:L/I:L/A:N", 5.4)),
            },
        ),
        finding(
            &packages[5],
            Advisory {
                id: "GHSA-67hx-6x53-jw92",
                aliases: &["CVE-2023-45133"],
                fixed: Some("7.23.2"),
                status: FixStatus::Fixed,
                severity: Severity::Critical,
                source: "osv:npm",
                cvss: Some(("3.1", "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", 9.3)),
            },
        ),
        finding(
            &packages[6],
            Advisory {
                id: "GHSA-35jh-r3h4-6jhm",
                aliases: &["CVE-2021-23337"],
                fixed: Some("4.17.21"),
                status: FixStatus::Fixed,
                severity: Severity::High,
                source: "osv:npm",
                cvss: Some(("3.1", "CVSS:3.1/AV:N/AC:L/PR:H/UI:N/S:U/C:H/I:H/A:H", 7.2)),
            },
        ),
        finding(
            &packages[7],
            Advisory {
                id: "GHSA-35jh-r3h4-6jhm",
                aliases: &["CVE-2021-23337"],
                fixed: Some("4.17.21"),
                status: FixStatus::Fixed,
                severity: Severity::High,
                source: "osv:npm",
                cvss: Some(("3.1", "CVSS:3.1/AV:N/AC:L/PR:H/UI:N/S:U/C:H/I:H/A:H", 7.2)),
            },
        ),
    ];
    Report {
        schema_version: SCHEMA_VERSION,
        artifact: Artifact {
            reference: "registry.example.com/shop/web:1.4.2".into(),
            manifest_digest: Some(digest("manifest")),
            config_digest: Some(digest("config")),
            index_digest: Some(digest("index")),
            platform: Some("linux/amd64".into()),
        },
        os: Some(os),
        layers: vec![
            LayerSummary {
                digest: digest("base"),
                diff_id: Some(digest("base-diff")),
                size: 29_150_000,
            },
            LayerSummary {
                digest: digest("app"),
                diff_id: None,
                size: 4_096,
            },
        ],
        packages,
        findings,
        checks: vec![
            Check {
                id: "LW-CIS-4.1".into(),
                title: "Image runs as a non-root user".into(),
                severity: Severity::High,
                result: CheckResult::Fail,
                evidence: vec!["config.User is empty (root)".into()],
                layer: None,
                cis: Some("4.1".into()),
            },
            Check {
                id: "LW-CIS-4.6".into(),
                title: "HEALTHCHECK is set".into(),
                severity: Severity::Low,
                result: CheckResult::Pass,
                evidence: Vec::new(),
                layer: None,
                cis: Some("4.6".into()),
            },
        ],
        advisory_db: Some(AdvisoryDb {
            revision: "sha256:5e1f0c2a9b7d@2024-06-01T00:00:00Z".into(),
            sources: vec![
                "debian-security-tracker".into(),
                "osv:PyPI".into(),
                "osv:npm".into(),
            ],
        }),
        coverage: vec![
            Coverage {
                target: "os:debian:12".into(),
                sources: vec!["debian-security-tracker".into()],
            },
            Coverage {
                target: "ecosystem:pypi".into(),
                sources: vec!["osv:PyPI".into()],
            },
            Coverage {
                target: "ecosystem:npm".into(),
                sources: vec!["osv:npm".into()],
            },
        ],
        analyzer: Analyzer {
            version: "1".into(),
            layerwatch: "0.1.0".into(),
        },
        warnings: vec![
            Warning::new(
                "malformed-db",
                "cannot parse usr/lib/python3/dist-packages/broken.dist-info/METADATA: no Name",
            )
            .at_path("usr/lib/python3/dist-packages/broken.dist-info/METADATA"),
            Warning::new(
                "cap-reached",
                "stopped reading node_modules after 10000 packages",
            ),
        ],
    }
}
