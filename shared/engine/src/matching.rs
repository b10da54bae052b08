//! Matching a report's packages against the advisory store.
//!
//! OS packages are looked up by their source package (dpkg `Source:`, apk origin, rpm source
//! rpm) in their own distribution release's namespace only, and compared with the source
//! version, which is what distribution trackers record fixes against. Language packages are
//! looked up in their ecosystem. Each candidate range is evaluated with the ecosystem's exact
//! version scheme by [`layerwatch_advisory::matcher`]. The report also says which sources
//! covered the OS release and each ecosystem present; anything uncovered is a warning, so a
//! clean report always means "checked", never "not looked at".

use std::collections::{BTreeMap, BTreeSet};

use layerwatch_advisory::matcher::{MatchDetail, affected as range_affects};
use layerwatch_advisory::{Advisory, FixState, Namespace, Store, StoreError};
use layerwatch_inventory::{Ecosystem, Os, Warning};
use layerwatch_report::{
    AdvisoryDb, Coverage, CvssScore, Finding, FindingPackage, FixStatus, MatchedBy, PackageEntry,
    Report, Severity,
};
use layerwatch_version::Scheme;
use tracing::debug;

/// Why matching could not run.
#[derive(Debug, thiserror::Error)]
pub enum MatchError {
    /// The store could not be read.
    #[error("advisory store: {0}")]
    Store(#[from] StoreError),
}

/// The advisory namespace of the image's OS release, as the feeds name it.
pub fn os_namespace(os: &Os) -> Option<Namespace> {
    Namespace::for_os_release(&os.family, &os.version, os.codename.as_deref())
}

fn ecosystem_of(package: &PackageEntry) -> Option<Ecosystem> {
    serde_json::from_value(serde_json::Value::String(package.ecosystem.clone())).ok()
}

fn fix_status(state: FixState) -> FixStatus {
    match state {
        FixState::Fixed => FixStatus::Fixed,
        FixState::Affected => FixStatus::Affected,
        FixState::WontFix => FixStatus::WontFix,
        FixState::NoDsa => FixStatus::NoDsa,
        FixState::EndOfLife => FixStatus::EndOfLife,
        // Withdrawn advisories never become findings; keep the mapping total anyway.
        FixState::Withdrawn => FixStatus::Affected,
    }
}

/// Severity with its source: the vendor's first, then the highest CVSS base score.
fn rate(advisory: &Advisory) -> (Severity, Option<String>) {
    if let Some(vendor) = &advisory.severity
        && vendor.level != Severity::Unknown
    {
        return (vendor.level, Some(vendor.source.clone()));
    }
    let best = advisory
        .cvss
        .iter()
        .filter_map(|c| c.base_score.map(|s| (s, c)))
        .max_by(|a, b| a.0.total_cmp(&b.0));
    match best {
        Some((score, cvss)) => (
            Severity::from_cvss_score(score),
            Some(format!("cvss:{}", cvss.version)),
        ),
        None => (Severity::Unknown, None),
    }
}

/// What one package is looked up as.
struct Lookup {
    namespace: Namespace,
    name: String,
    version: String,
    scheme: Scheme,
}

fn lookup_for(package: &PackageEntry, os_ns: Option<&Namespace>) -> Option<Lookup> {
    let ecosystem = ecosystem_of(package)?;
    let scheme = Scheme::for_ecosystem(ecosystem);
    if ecosystem.is_os() {
        let namespace = os_ns?.clone();
        return Some(Lookup {
            namespace,
            name: package
                .source_name
                .clone()
                .unwrap_or_else(|| package.name.clone()),
            version: package
                .source_version
                .clone()
                .unwrap_or_else(|| package.version.clone()),
            scheme,
        });
    }
    Some(Lookup {
        namespace: Namespace::Language(ecosystem),
        name: package.name.clone(),
        version: package.version.clone(),
        scheme,
    })
}

/// Matches the report's packages against `store` and fills `findings`, `coverage`,
/// `advisory_db` and coverage warnings.
pub fn match_report(report: &mut Report, store: &Store) -> Result<(), MatchError> {
    let os_ns = report.os.as_ref().and_then(os_namespace);
    let mut findings: BTreeMap<(String, String, String, String), Finding> = BTreeMap::new();
    let mut namespaces: BTreeSet<Namespace> = BTreeSet::new();
    let mut unmatched_os = 0usize;

    for package in &report.packages {
        // The OS package that owns this file is matched in its distribution's namespace; the
        // language feed would report the upstream fix the distribution may have backported.
        if package.os_owned {
            continue;
        }
        let Some(lookup) = lookup_for(package, os_ns.as_ref()) else {
            unmatched_os += 1;
            continue;
        };
        namespaces.insert(lookup.namespace.clone());
        for advisory in store.lookup_shared(&lookup.namespace, &lookup.name)?.iter() {
            if advisory.withdrawn.is_some() {
                continue;
            }
            for entry in advisory
                .affected
                .iter()
                .filter(|a| a.namespace == lookup.namespace)
            {
                let detail = match range_affects(entry, lookup.scheme, &lookup.version) {
                    Ok(Some(detail)) => detail,
                    Ok(None) => continue,
                    Err(error) => {
                        report.warnings.push(
                            Warning::new("version-unparsable", error.to_string())
                                .at_path(package.path.clone()),
                        );
                        continue;
                    }
                };
                let finding = finding_for(advisory, package, &lookup, detail);
                let key = (
                    finding.id.clone(),
                    package.ecosystem.clone(),
                    package.name.clone(),
                    package.version.clone(),
                );
                findings.entry(key).or_insert(finding);
            }
        }
    }
    debug!(findings = findings.len(), "matched");
    report.findings = findings.into_values().collect();
    report.findings.sort_by(|a, b| {
        b.severity
            .cmp(&a.severity)
            .then_with(|| a.package.name.cmp(&b.package.name))
            .then_with(|| a.id.cmp(&b.id))
    });

    if unmatched_os > 0 {
        report.warnings.push(Warning::new(
            "os-unknown",
            format!("{unmatched_os} OS packages were not matched: the image's OS release could not be identified"),
        ));
    }
    report.coverage = coverage(store, &namespaces)?;
    for uncovered in report.coverage.iter().filter(|c| c.sources.is_empty()) {
        report.warnings.push(Warning::new(
            "not-covered",
            format!(
                "no advisory source covers {}: its packages were not checked",
                uncovered.target
            ),
        ));
    }
    report.advisory_db = Some(AdvisoryDb {
        revision: store.revision().to_string(),
        sources: store.sources().iter().map(|s| s.name.clone()).collect(),
    });
    Ok(())
}

fn coverage(store: &Store, namespaces: &BTreeSet<Namespace>) -> Result<Vec<Coverage>, MatchError> {
    namespaces
        .iter()
        .map(|ns| {
            Ok(Coverage {
                target: ns.key(),
                sources: store.sources_for(ns)?,
            })
        })
        .collect()
}

fn finding_for(
    advisory: &Advisory,
    package: &PackageEntry,
    lookup: &Lookup,
    detail: MatchDetail,
) -> Finding {
    let (severity, severity_source) = rate(advisory);
    Finding {
        id: advisory.id.clone(),
        aliases: advisory.aliases.clone(),
        package: FindingPackage {
            name: package.name.clone(),
            version: package.version.clone(),
            ecosystem: package.ecosystem.clone(),
            purl: package.purl.clone(),
        },
        layer: package.layer.clone(),
        installed_version: package.version.clone(),
        fixed_version: detail.fixed.clone(),
        status: fix_status(detail.fix_state),
        severity,
        severity_source,
        cvss: advisory
            .cvss
            .iter()
            .map(|c| CvssScore {
                version: c.version.clone(),
                vector: c.vector.clone(),
                base_score: c.base_score,
                source: Some(advisory.source.clone()),
            })
            .collect(),
        matched_by: MatchedBy {
            source: advisory.source.clone(),
            namespace: lookup.namespace.key(),
            package: lookup.name.clone(),
            range: detail.range.clone(),
            rule: detail.rule.clone(),
        },
        title: advisory.summary.clone(),
        references: advisory.references.clone(),
    }
}
