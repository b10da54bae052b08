//! CycloneDX 1.6 JSON: the image as `metadata.component`, its packages as `components` with
//! purls, and the findings as `vulnerabilities` that point at those components.
//!
//! The types are our own serde structs for the subset we write: the `cyclonedx-bom` crate
//! (0.8.1) models CycloneDX only up to 1.5 and would bring a large dependency for a few objects.
//! The tests validate the output against the published 1.6 schema.

use std::collections::{BTreeMap, HashSet};

use crate::model::{CvssScore, Finding, FixStatus, PackageEntry, Report, Severity};
use crate::stamp::Timestamp;
use crate::summary::{is_web_url, package_index};

mod types;

pub use types::*;

/// The `$schema` of the documents written here.
pub const SCHEMA_URL: &str = "http://cyclonedx.org/schema/bom-1.6.schema.json";

/// The bom-ref of the image in `metadata.component`.
pub const IMAGE_REF: &str = "layerwatch:image";

/// The CycloneDX document for `report`, created at `created`.
pub fn bom(report: &Report, created: &Timestamp) -> Bom {
    let refs = component_refs(&report.packages);
    let components: Vec<Component> = report
        .packages
        .iter()
        .zip(&refs)
        .map(|(p, r)| package_component(p, r))
        .collect();
    let mut taken = HashSet::new();
    let vulnerabilities = report
        .findings
        .iter()
        .map(|f| {
            let target = affected_ref(report, &refs, f);
            let mut own = format!("{}/{target}", f.id);
            let mut n = 1;
            while !taken.insert(own.clone()) {
                n += 1;
                own = format!("{}/{target}#{n}", f.id);
            }
            vulnerability(f, own, target)
        })
        .collect();
    Bom {
        schema: SCHEMA_URL,
        bom_format: "CycloneDX",
        spec_version: "1.6",
        version: 1,
        metadata: Metadata {
            timestamp: created.to_string(),
            tools: Tools {
                components: vec![Component {
                    kind: "application",
                    bom_ref: None,
                    name: "layerwatch".to_string(),
                    version: Some(report.analyzer.layerwatch.clone()),
                    purl: None,
                    hashes: Vec::new(),
                    licenses: Vec::new(),
                    properties: vec![Property::new(
                        "layerwatch:analyzer_version",
                        &report.analyzer.version,
                    )],
                }],
            },
            component: image_component(report),
        },
        dependencies: vec![Dependency {
            reference: IMAGE_REF.to_string(),
            depends_on: refs,
        }],
        components,
        vulnerabilities,
    }
}

/// One bom-ref per package: its purl, or purl + `#path` when the same purl was already used
/// (the same package installed at two paths), so every ref stays unique.
fn component_refs(packages: &[PackageEntry]) -> Vec<String> {
    let mut seen = HashSet::new();
    packages
        .iter()
        .map(|p| {
            let mut r = p.purl.clone();
            if !seen.insert(r.clone()) {
                r = format!("{}#{}", p.purl, p.path);
                let mut n = 1;
                while !seen.insert(r.clone()) {
                    n += 1;
                    r = format!("{}#{}#{n}", p.purl, p.path);
                }
            }
            r
        })
        .collect()
}

/// The bom-ref of the component a finding is about.
fn affected_ref(report: &Report, refs: &[String], f: &Finding) -> String {
    package_index(report, f)
        .and_then(|i| refs.get(i).cloned())
        // A finding whose package is not listed still names it by purl rather than vanish.
        .unwrap_or_else(|| f.package.purl.clone())
}

fn image_component(report: &Report) -> Component {
    let a = &report.artifact;
    let mut properties = Vec::new();
    if let Some(p) = &a.platform {
        properties.push(Property::new("layerwatch:platform", p));
    }
    for (name, digest) in [
        ("layerwatch:manifest_digest", &a.manifest_digest),
        ("layerwatch:config_digest", &a.config_digest),
        ("layerwatch:index_digest", &a.index_digest),
    ] {
        if let Some(d) = digest {
            properties.push(Property::new(name, &d.to_string()));
        }
    }
    if let Some(os) = &report.os {
        properties.push(Property::new(
            "layerwatch:os",
            &format!("{} {}", os.family, os.version),
        ));
    }
    for layer in &report.layers {
        properties.push(Property::new("layerwatch:layer", &layer.digest.to_string()));
    }
    let hashes = a
        .manifest_digest
        .iter()
        .map(|d| Hash {
            alg: match d.algorithm() {
                layerwatch_oci::Algorithm::Sha256 => "SHA-256",
                layerwatch_oci::Algorithm::Sha512 => "SHA-512",
            },
            content: d.hex().to_string(),
        })
        .collect();
    Component {
        kind: "container",
        bom_ref: Some(IMAGE_REF.to_string()),
        name: a.reference.clone(),
        version: a.manifest_digest.as_ref().map(|d| d.to_string()),
        purl: None,
        hashes,
        licenses: Vec::new(),
        properties,
    }
}

fn package_component(p: &PackageEntry, bom_ref: &str) -> Component {
    let mut properties = vec![
        Property::new("layerwatch:ecosystem", &p.ecosystem),
        Property::new("layerwatch:layer_digest", &p.layer.to_string()),
        Property::new("layerwatch:path", &p.path),
    ];
    if let Some(s) = &p.source_name {
        properties.push(Property::new("layerwatch:source_name", s));
    }
    if let Some(s) = &p.source_version {
        properties.push(Property::new("layerwatch:source_version", s));
    }
    Component {
        kind: "library",
        bom_ref: Some(bom_ref.to_string()),
        name: p.name.clone(),
        version: Some(p.version.clone()),
        purl: Some(p.purl.clone()),
        hashes: Vec::new(),
        // The package's own words, as a name: they are often not a valid SPDX expression.
        licenses: p
            .license
            .iter()
            .map(|l| LicenseChoice {
                license: License { name: l.clone() },
            })
            .collect(),
        properties,
    }
}

fn vulnerability(f: &Finding, bom_ref: String, target: String) -> Vulnerability {
    let mut ratings: Vec<Rating> = f.cvss.iter().map(cvss_rating).collect();
    let vendor_rated = f
        .severity_source
        .as_deref()
        .is_some_and(|s| !s.starts_with("cvss"));
    if (vendor_rated || ratings.is_empty()) && f.severity != Severity::Unknown {
        ratings.insert(
            0,
            Rating {
                source: Some(Source::named(
                    f.severity_source.as_deref().unwrap_or(&f.matched_by.source),
                )),
                score: None,
                severity: Some(severity_name(f.severity)),
                method: Some("other"),
                vector: None,
            },
        );
    }
    Vulnerability {
        bom_ref,
        id: f.id.clone(),
        source: Some(Source::for_id(&f.id).unwrap_or_else(|| Source::named(&f.matched_by.source))),
        references: f
            .aliases
            .iter()
            .filter(|a| **a != f.id)
            .map(|a| VulnReference {
                id: a.clone(),
                source: Source::for_id(a).unwrap_or_else(|| Source::named(&f.matched_by.source)),
            })
            .collect(),
        ratings,
        description: f.title.clone(),
        recommendation: f
            .fixed_version
            .as_ref()
            .map(|v| format!("Upgrade {} to {v} or later.", f.package.name)),
        advisories: f
            .references
            .iter()
            .filter(|r| is_web_url(r))
            .map(|url| Advisory { url: url.clone() })
            .collect(),
        analysis: Some(analysis(f)),
        affects: vec![Affects {
            reference: target,
            versions: vec![AffectedVersion {
                version: f.installed_version.clone(),
                status: "affected",
            }],
        }],
        properties: vec![
            Property::new("layerwatch:layer_digest", &f.layer.to_string()),
            Property::new("layerwatch:matched_by", &f.matched_by.rule),
            Property::new("layerwatch:range", &f.matched_by.range),
            Property::new("layerwatch:namespace", &f.matched_by.namespace),
        ]
        .into_iter()
        .chain(
            f.fixed_version
                .iter()
                .map(|v| Property::new("layerwatch:fixed_version", v)),
        )
        .collect(),
    }
}

/// The fix state as CycloneDX's analysis: a matched finding is `in_triage` (nobody has judged
/// exploitability), and the fix state says which response is open.
fn analysis(f: &Finding) -> Analysis {
    let (response, detail) = match f.status {
        FixStatus::Fixed => ("update", "a fixed version is available"),
        FixStatus::Affected => ("can_not_fix", "affected; no fixed version released"),
        FixStatus::WontFix => ("will_not_fix", "the vendor will not fix it"),
        FixStatus::NoDsa => (
            "will_not_fix",
            "minor issue the distribution does not fix in a security update",
        ),
        FixStatus::EndOfLife => ("can_not_fix", "the release is out of support"),
    };
    Analysis {
        state: "in_triage",
        response: vec![response],
        detail: detail.to_string(),
    }
}

fn cvss_rating(c: &CvssScore) -> Rating {
    let method = match c.version.as_str() {
        "2.0" | "2" => "CVSSv2",
        "3.0" | "3" => "CVSSv3",
        "3.1" => "CVSSv31",
        "4.0" | "4" => "CVSSv4",
        _ => "other",
    };
    Rating {
        source: c.source.as_deref().map(Source::named),
        score: c.base_score,
        severity: c.base_score.map(|s| score_severity(s, method == "CVSSv2")),
        method: Some(method),
        vector: Some(c.vector.clone()),
    }
}

/// The qualitative rating of a CVSS base score (v2 has no critical or none band).
fn score_severity(score: f64, v2: bool) -> &'static str {
    match score {
        s if v2 && s >= 7.0 => "high",
        s if v2 && s >= 4.0 => "medium",
        _ if v2 => "low",
        s if s >= 9.0 => "critical",
        s if s >= 7.0 => "high",
        s if s >= 4.0 => "medium",
        s if s > 0.0 => "low",
        _ => "none",
    }
}

/// CycloneDX's severity names (`negligible` is CycloneDX's `info`).
fn severity_name(s: Severity) -> &'static str {
    match s {
        Severity::Critical => "critical",
        Severity::High => "high",
        Severity::Medium => "medium",
        Severity::Low => "low",
        Severity::Negligible => "info",
        Severity::Unknown => "unknown",
    }
}

impl Property {
    fn new(name: &str, value: &str) -> Property {
        Property {
            name: name.to_string(),
            value: value.to_string(),
        }
    }
}

impl Source {
    fn named(name: &str) -> Source {
        Source {
            name: name.to_string(),
            url: None,
        }
    }

    /// The well-known database of an id, by its prefix.
    fn for_id(id: &str) -> Option<Source> {
        let known: BTreeMap<&str, (&str, &str)> = BTreeMap::from([
            ("CVE-", ("NVD", "https://nvd.nist.gov/vuln/detail/")),
            ("GHSA-", ("GitHub", "https://github.com/advisories/")),
        ]);
        known.iter().find_map(|(prefix, (name, base))| {
            id.starts_with(prefix).then(|| Source {
                name: name.to_string(),
                url: Some(format!("{base}{id}")),
            })
        })
    }
}
