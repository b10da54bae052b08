//! Reports to render: a Debian image with deb, PyPI and npm packages, an Alpine image, and an
//! empty root filesystem. Names, versions and advisories are real ones (Debian security tracker,
//! Alpine secdb, GitHub advisories), so the documents look like what a scan of such images gives.

#![allow(dead_code)]

use layerwatch_inventory::{Ecosystem, Os, Package};
use layerwatch_oci::Digest;
use layerwatch_report::purl::purl_for;
use layerwatch_report::{
    Analyzer, Artifact, CvssScore, Finding, FindingPackage, FixStatus, MatchedBy, PackageEntry,
    Report, SCHEMA_VERSION, Severity,
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
        os_owned: false,
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
        // Feeds also give references that are not URLs; URI-typed fields must leave them out.
        references: vec![
            "debian bug #1234".into(),
            format!("https://security-tracker.debian.org/tracker/{}", a.id),
        ],
    }
}

mod alpine;
mod debian;

pub use alpine::alpine_report;
pub use debian::debian_report;

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
