//! Reports to render: a Debian image with deb, PyPI and npm packages, an Alpine image, and an
//! empty root filesystem. Names, versions and advisories are real ones (Debian security tracker,
//! Alpine secdb, GitHub advisories), so the documents look like what a scan of such images gives.

#![allow(dead_code)]

use layerwatch_inventory::{Ecosystem, Os, Package, Warning};
use layerwatch_oci::Digest;
use layerwatch_report::purl::purl_for;
use layerwatch_report::{
    AdvisoryDb, Analyzer, Artifact, Check, CheckResult, Coverage, CvssScore, Finding,
    FindingPackage, FixStatus, LayerSummary, MatchedBy, PackageEntry, Report, SCHEMA_VERSION,
    Severity,
};

/// A stand-in digest for `label` (a real sha256, of the label).
pub fn digest(label: &str) -> Digest {
    Digest::sha256_of(label.as_bytes())
}

fn os(family: &str, version: &str, codename: Option<&str>) -> Os {
    Os {
        family: family.into(),
        version: version.into(),
        codename: codename.map(Into::into),
    }
}

/// A package entry as the report builder makes it, purl included.
fn entry(
    os: Option<&Os>,
    ecosystem: Ecosystem,
    name: &str,
    version: &str,
    source: Option<(&str, &str)>,
    layer: &str,
    path: &str,
) -> PackageEntry {
    let package = Package {
        ecosystem,
        name: name.into(),
        version: version.into(),
        arch: ecosystem.is_os().then(|| "amd64".to_string()),
        source_name: source.map(|s| s.0.to_string()),
        source_version: source.map(|s| s.1.to_string()),
        license: Some("GPL-2.0-or-later AND (BSD or MIT)".into()),
    };
    PackageEntry {
        name: name.into(),
        version: version.into(),
        ecosystem: ecosystem.as_str().into(),
        source_name: package.source_name.clone(),
        source_version: package.source_version.clone(),
        layer: digest(layer),
        path: path.into(),
        purl: purl_for(&package, os),
        arch: package.arch.clone(),
        license: package.license.clone(),
    }
}

struct Advisory<'a> {
    id: &'a str,
    aliases: &'a [&'a str],
    fixed: Option<&'a str>,
    status: FixStatus,
    severity: Severity,
    source: &'a str,
    cvss: Option<(&'a str, &'a str, f64)>,
}

fn finding(p: &PackageEntry, a: Advisory<'_>) -> Finding {
    Finding {
        id: a.id.into(),
        aliases: a.aliases.iter().map(|s| s.to_string()).collect(),
        package: FindingPackage {
            name: p.name.clone(),
            version: p.version.clone(),
            ecosystem: p.ecosystem.clone(),
            purl: p.purl.clone(),
        },
        layer: p.layer.clone(),
        installed_version: p.version.clone(),
        fixed_version: a.fixed.map(Into::into),
        status: a.status,
        severity: a.severity,
        severity_source: (a.severity != Severity::Unknown).then(|| a.source.to_string()),
        cvss: a
            .cvss
            .map(|(version, vector, score)| CvssScore {
                version: version.into(),
                vector: vector.into(),
                base_score: Some(score),
                source: Some("nvd".into()),
            })
            .into_iter()
            .collect(),
        matched_by: MatchedBy {
            source: a.source.into(),
            namespace: "debian:12".into(),
            package: p.source_name.clone().unwrap_or_else(|| p.name.clone()),
            range: a.fixed.map_or("all versions".into(), |f| format!("< {f}")),
            rule: "installed < fixed".into(),
        },
        title: Some(format!("{} in {}", a.id, p.name)),
        references: vec![format!(
            "https://security-tracker.debian.org/tracker/{}",
            a.id
        )],
    }
}

/// A Debian 12 image: OS packages, a Python and a Node application, four findings (fixed, not
/// fixed, won't fix, unknown severity), a failed and a passed check, two warnings.
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

/// An Alpine 3.10 image with apk packages and two findings.
pub fn alpine_report() -> Report {
    let os = os("alpine", "3.10.3", None);
    let installed = "lib/apk/db/installed";
    let packages = vec![
        entry(
            Some(&os),
            Ecosystem::Apk,
            "musl",
            "1.1.22-r3",
            Some(("musl", "1.1.22-r3")),
            "alpine",
            installed,
        ),
        entry(
            Some(&os),
            Ecosystem::Apk,
            "libcrypto1.1",
            "1.1.1d-r0",
            Some(("openssl", "1.1.1d-r0")),
            "alpine",
            installed,
        ),
        entry(
            Some(&os),
            Ecosystem::Apk,
            "libssl1.1",
            "1.1.1d-r0",
            Some(("openssl", "1.1.1d-r0")),
            "alpine",
            installed,
        ),
    ];
    let findings = vec![
        finding(
            &packages[1],
            Advisory {
                id: "CVE-2019-1551",
                aliases: &[],
                fixed: Some("1.1.1d-r2"),
                status: FixStatus::Fixed,
                severity: Severity::Medium,
                source: "alpine-secdb",
                cvss: Some(("3.1", "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:L/I:N/A:N", 5.3)),
            },
        ),
        finding(
            &packages[0],
            Advisory {
                id: "CVE-2019-14697",
                aliases: &[],
                fixed: Some("1.1.22-r4"),
                status: FixStatus::EndOfLife,
                severity: Severity::Critical,
                source: "alpine-secdb",
                cvss: Some(("2.0", "AV:N/AC:L/Au:N/C:P/I:P/A:P", 7.5)),
            },
        ),
    ];
    let mut report = debian_report();
    report.artifact = Artifact {
        reference: "docker-archive:alpine-3.10.tar".into(),
        manifest_digest: Some(digest("alpine-manifest")),
        config_digest: Some(digest("alpine-config")),
        index_digest: None,
        platform: None,
    };
    report.os = Some(os);
    report.layers = vec![LayerSummary {
        digest: digest("alpine"),
        diff_id: None,
        size: 2_800_000,
    }];
    report.packages = packages;
    report.findings = findings;
    report.checks.clear();
    report.warnings.clear();
    report.coverage = vec![Coverage {
        target: "os:alpine:3.10".into(),
        sources: vec!["alpine-secdb".into()],
    }];
    report
}

/// A root filesystem with nothing in it: no OS, no packages, no advisory store.
pub fn empty_report() -> Report {
    Report {
        schema_version: SCHEMA_VERSION,
        artifact: Artifact {
            reference: "rootfs:/tmp/empty".into(),
            ..Artifact::default()
        },
        os: None,
        layers: Vec::new(),
        packages: Vec::new(),
        findings: Vec::new(),
        checks: Vec::new(),
        advisory_db: None,
        coverage: Vec::new(),
        analyzer: Analyzer {
            version: "1".into(),
            layerwatch: "0.1.0".into(),
        },
        warnings: Vec::new(),
    }
}
