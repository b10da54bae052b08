//! SARIF 2.1.0 for code-scanning dashboards (GitHub, Azure DevOps): one run of the `layerwatch`
//! tool, one rule per advisory id and per failed check, one result per finding and failed check.
//!
//! Each result carries `security-severity` (a numeric string) in its rule's and its own property
//! bag, which is what GitHub sorts and colours by, and a physical location (GitHub drops results
//! without one): the package's path inside the image, or the image for a check.

use std::collections::BTreeMap;

use serde_json::Value;
use serde_sarif::sarif::{
    ArtifactLocation, Location, LogicalLocation, Message, MultiformatMessageString,
    PhysicalLocation, PropertyBag, ReportingDescriptor, Result as SarifResult, ResultLevel, Run,
    Sarif, Tool, ToolComponent, Version,
};

use crate::model::{Check, CheckResult, Finding, Report, Severity};
use crate::summary::{best_cvss, is_web_url, package_index, score_text, security_severity};

/// The `$schema` of the logs written here.
pub const SCHEMA_URL: &str = "https://json.schemastore.org/sarif-2.1.0.json";

/// The SARIF log for `report`.
pub fn log(report: &Report) -> Sarif {
    let failed: Vec<&Check> = report
        .checks
        .iter()
        .filter(|c| c.result == CheckResult::Fail)
        .collect();
    let mut rules: Vec<ReportingDescriptor> = Vec::new();
    let mut index: BTreeMap<String, i64> = BTreeMap::new();
    let mut results = Vec::new();
    for f in &report.findings {
        let i = rule_index(&mut index, &mut rules, &f.id, || finding_rule(report, f));
        results.push(finding_result(report, f, i));
    }
    for c in &failed {
        let i = rule_index(&mut index, &mut rules, &c.id, || check_rule(c));
        results.push(check_result(report, c, i));
    }
    let driver = ToolComponent::builder()
        .name("layerwatch")
        .version(report.analyzer.layerwatch.clone())
        .semantic_version(report.analyzer.layerwatch.clone())
        .rules(rules)
        .build();
    let mut props = BTreeMap::new();
    props.insert(
        "imageReference".to_string(),
        Value::from(report.artifact.reference.clone()),
    );
    if let Some(d) = &report.artifact.manifest_digest {
        props.insert("manifestDigest".to_string(), Value::from(d.to_string()));
    }
    if let Some(db) = &report.advisory_db {
        props.insert(
            "advisoryDbRevision".to_string(),
            Value::from(db.revision.clone()),
        );
    }
    let run = Run::builder()
        .tool(Tool::from(driver))
        .results(results)
        .properties(PropertyBag::builder().additional_properties(props).build())
        .build();
    Sarif::builder()
        .schema(SCHEMA_URL)
        .version(Value::from(Version::V2_1_0.to_string()))
        .runs(vec![run])
        .build()
}

/// The index of rule `id`, adding it (made by `make`) the first time it is seen.
fn rule_index(
    index: &mut BTreeMap<String, i64>,
    rules: &mut Vec<ReportingDescriptor>,
    id: &str,
    make: impl FnOnce() -> ReportingDescriptor,
) -> i64 {
    if let Some(i) = index.get(id) {
        return *i;
    }
    // The rule count is bounded by the report's size; it always fits an i64.
    let i = i64::try_from(rules.len()).unwrap_or(i64::MAX);
    rules.push(make());
    index.insert(id.to_string(), i);
    i
}

/// error for critical and high, warning for medium, note below.
fn level(severity: Severity) -> ResultLevel {
    match severity {
        Severity::Critical | Severity::High => ResultLevel::Error,
        Severity::Medium => ResultLevel::Warning,
        Severity::Low | Severity::Negligible | Severity::Unknown => ResultLevel::Note,
    }
}

fn text(s: impl Into<String>) -> MultiformatMessageString {
    MultiformatMessageString::builder().text(s.into()).build()
}

fn bag(severity: Option<f64>, extra: Vec<(&str, Value)>) -> PropertyBag {
    let mut props: BTreeMap<String, Value> =
        extra.into_iter().map(|(k, v)| (k.to_string(), v)).collect();
    if let Some(score) = severity {
        props.insert("security-severity".into(), Value::from(score_text(score)));
    }
    PropertyBag::builder()
        .tags(vec!["security".to_string()])
        .additional_properties(props)
        .build()
}

/// The rule for an advisory: the highest severity any finding of it has in this report.
fn finding_rule(report: &Report, f: &Finding) -> ReportingDescriptor {
    let score = report
        .findings
        .iter()
        .filter(|g| g.id == f.id)
        .filter_map(|g| security_severity(g.severity, best_cvss(g)))
        .max_by(f64::total_cmp);
    let title = f.title.clone().unwrap_or_else(|| f.id.clone());
    let mut rule = ReportingDescriptor::builder()
        .id(f.id.clone())
        .short_description(text(title.clone()))
        .full_description(text(title))
        .help(text(format!(
            "{} affects {}. Aliases: {}. References: {}",
            f.id,
            f.package.name,
            if f.aliases.is_empty() {
                "none".to_string()
            } else {
                f.aliases.join(", ")
            },
            if f.references.is_empty() {
                "none".to_string()
            } else {
                f.references.join(" ")
            }
        )))
        .properties(bag(score, vec![("vulnerability", Value::from(true))]))
        .build();
    rule.help_uri = f.references.iter().find(|r| is_web_url(r)).cloned();
    rule
}

fn finding_result(report: &Report, f: &Finding, rule_index: i64) -> SarifResult {
    let fixed = match &f.fixed_version {
        Some(v) => format!("fixed in {v}"),
        None => "no fixed version".to_string(),
    };
    let message = format!(
        "{} {} {} is affected by {} ({}); {fixed}.",
        f.package.ecosystem,
        f.package.name,
        f.installed_version,
        f.id,
        f.severity.as_str()
    );
    let path = f
        .package
        .purl
        .split_once('?')
        .map_or(f.package.purl.as_str(), |p| p.0);
    let location = Location::builder()
        .physical_location(
            PhysicalLocation::builder()
                .artifact_location(
                    ArtifactLocation::builder()
                        .uri(uri_reference(package_path(report, f)))
                        .build(),
                )
                .build(),
        )
        .logical_locations(vec![
            LogicalLocation::builder()
                .name(f.package.name.clone())
                .fully_qualified_name(path.to_string())
                .kind("package")
                .build(),
        ])
        .build();
    let mut extra = vec![
        ("purl", Value::from(f.package.purl.clone())),
        ("layer", Value::from(f.layer.to_string())),
        ("installedVersion", Value::from(f.installed_version.clone())),
    ];
    if let Some(v) = &f.fixed_version {
        extra.push(("fixedVersion", Value::from(v.clone())));
    }
    // Many packages share one database file (`var/lib/dpkg/status`), so the location alone
    // does not tell two alerts apart; this fingerprint does, across rescans of the image.
    let fingerprint = BTreeMap::from([(
        "layerwatchFinding/v1".to_string(),
        format!("{}|{}|{}", f.id, f.package.purl, f.layer),
    )]);
    SarifResult::builder()
        .rule_id(f.id.clone())
        .rule_index(rule_index)
        .level(level(f.severity))
        .message(Message::from(message.as_str()))
        .locations(vec![location])
        .partial_fingerprints(fingerprint)
        .properties(bag(security_severity(f.severity, best_cvss(f)), extra))
        .build()
}

/// Where the finding's package was found in the image; the purl when the package is not listed.
fn package_path(report: &Report, f: &Finding) -> String {
    package_index(report, f)
        .and_then(|i| report.packages.get(i))
        .map_or_else(|| f.package.purl.clone(), |p| p.path.clone())
}

fn check_rule(c: &Check) -> ReportingDescriptor {
    let mut extra = vec![("check", Value::from(true))];
    if let Some(cis) = &c.cis {
        extra.push(("cis", Value::from(cis.clone())));
    }
    ReportingDescriptor::builder()
        .id(c.id.clone())
        .short_description(text(c.title.clone()))
        .full_description(text(c.title.clone()))
        .properties(bag(security_severity(c.severity, None), extra))
        .build()
}

fn check_result(report: &Report, c: &Check, rule_index: i64) -> SarifResult {
    let message = if c.evidence.is_empty() {
        format!("{} failed: {}.", c.id, c.title)
    } else {
        format!("{} failed: {}: {}.", c.id, c.title, c.evidence.join("; "))
    };
    let mut location = Location::builder()
        .physical_location(
            PhysicalLocation::builder()
                .artifact_location(
                    ArtifactLocation::builder()
                        .uri(uri_reference(report.artifact.reference.clone()))
                        .build(),
                )
                .build(),
        )
        .build();
    if let Some(layer) = &c.layer {
        location.logical_locations = Some(vec![
            LogicalLocation::builder()
                .name(layer.to_string())
                .kind("layer")
                .build(),
        ]);
    }
    SarifResult::builder()
        .rule_id(c.id.clone())
        .rule_index(rule_index)
        .level(level(c.severity))
        .message(Message::from(message.as_str()))
        .locations(vec![location])
        .properties(bag(security_severity(c.severity, None), Vec::new()))
        .build()
}

/// `s` as a URI reference: bytes outside RFC 3986's unreserved, sub-delims, `:`, `@` and `/`
/// are percent-encoded (a path may hold spaces, `%`, `#`, non-ASCII names).
pub fn uri_reference(s: impl AsRef<str>) -> String {
    let mut out = String::new();
    for b in s.as_ref().bytes() {
        let keep = b.is_ascii_alphanumeric() || b"-._~!$&'()*+,;=:@/".contains(&b);
        if keep {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}
