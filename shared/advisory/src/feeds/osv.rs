//! OSV records (JSON or YAML) for any ecosystem: Go vulndb, RustSec, PyPA, GHSA, Ubuntu USN.
//!
//! Ecosystems map to namespaces: `Go`, `crates.io`, `PyPI`, `npm`, `Maven`, `RubyGems`,
//! `Packagist`, `NuGet` to [`Namespace::Language`]; `Debian:N` to `debian` by codename,
//! `Ubuntu:18.04:LTS` to `ubuntu` `18.04` (`Ubuntu:Pro:...` to `ubuntu-pro`), `Alpine:v3.16` to
//! `alpine` `3.16`. Other ecosystems and GIT ranges are skipped and counted.

use serde::Deserialize;
use serde_json::Value;

use super::{
    FeedError, FeedFile, FeedKind, ParsedFile, debian_codename, first_line, normalize_time,
};
use crate::model::{
    Advisory, Affected, Event, FixState, Namespace, Range, RangeKind, Severity, VendorSeverity,
};
use crate::score::score_vector;
use layerwatch_inventory::Ecosystem;

#[derive(Deserialize)]
struct RawOsv {
    id: String,
    #[serde(default)]
    modified: Option<String>,
    #[serde(default)]
    published: Option<String>,
    #[serde(default)]
    withdrawn: Option<String>,
    #[serde(default)]
    aliases: Option<Vec<String>>,
    #[serde(default)]
    upstream: Option<Vec<String>>,
    #[serde(default)]
    summary: Option<String>,
    #[serde(default)]
    details: Option<String>,
    #[serde(default)]
    severity: Option<Vec<RawSeverity>>,
    #[serde(default)]
    affected: Option<Vec<RawAffected>>,
    #[serde(default)]
    references: Option<Vec<RawReference>>,
    #[serde(default)]
    database_specific: Option<Value>,
}

#[derive(Deserialize)]
struct RawSeverity {
    #[serde(rename = "type")]
    kind: String,
    score: String,
}

#[derive(Deserialize)]
struct RawReference {
    #[serde(default)]
    url: Option<String>,
}

#[derive(Deserialize)]
struct RawAffected {
    package: Option<RawPackage>,
    #[serde(default)]
    ranges: Option<Vec<RawRange>>,
    #[serde(default)]
    versions: Option<Vec<Text>>,
    #[serde(default)]
    severity: Option<Vec<RawSeverity>>,
    #[serde(default)]
    ecosystem_specific: Option<Value>,
    #[serde(default)]
    database_specific: Option<Value>,
}

#[derive(Deserialize)]
struct RawPackage {
    ecosystem: String,
    name: String,
}

#[derive(Deserialize)]
struct RawRange {
    #[serde(rename = "type")]
    kind: String,
    #[serde(default)]
    events: Vec<RawEvent>,
}

/// An event as a plain map: serde_yaml reads externally tagged enums as YAML tags, not maps.
#[derive(Deserialize)]
struct RawEvent {
    #[serde(default)]
    introduced: Option<Text>,
    #[serde(default)]
    fixed: Option<Text>,
    #[serde(default)]
    last_affected: Option<Text>,
    #[serde(default)]
    limit: Option<Text>,
}

/// A version that YAML may have typed as a number when unquoted.
#[derive(Deserialize)]
#[serde(untagged)]
enum Text {
    Str(String),
    Int(i64),
    Float(f64),
}

impl Text {
    fn into_string(self) -> String {
        match self {
            Text::Str(s) => s,
            Text::Int(i) => i.to_string(),
            Text::Float(f) => f.to_string(),
        }
    }
}

impl RawEvent {
    /// The event, `None` for an event with no known key.
    fn into_event(self) -> Option<Event> {
        let RawEvent {
            introduced,
            fixed,
            last_affected,
            limit,
        } = self;
        if let Some(v) = introduced {
            Some(Event::Introduced(v.into_string()))
        } else if let Some(v) = fixed {
            Some(Event::Fixed(v.into_string()))
        } else if let Some(v) = last_affected {
            Some(Event::LastAffected(v.into_string()))
        } else {
            limit.map(|v| Event::Limit(v.into_string()))
        }
    }
}

/// Parses one OSV JSON record.
pub(super) fn parse_json(file: &FeedFile, bytes: &[u8]) -> Result<ParsedFile, FeedError> {
    let raw: RawOsv = serde_json::from_slice(bytes).map_err(|source| FeedError::Json {
        path: file.path.clone(),
        kind: FeedKind::OsvJson,
        source,
    })?;
    convert(file, raw)
}

/// Parses one OSV YAML record.
pub(super) fn parse_yaml(file: &FeedFile, bytes: &[u8]) -> Result<ParsedFile, FeedError> {
    let raw: RawOsv = serde_yaml::from_slice(bytes).map_err(|source| FeedError::Yaml {
        path: file.path.clone(),
        kind: FeedKind::OsvYaml,
        source,
    })?;
    convert(file, raw)
}

fn convert(file: &FeedFile, raw: RawOsv) -> Result<ParsedFile, FeedError> {
    if raw.id.trim().is_empty() {
        return Err(FeedError::Invalid {
            path: file.path.clone(),
            what: "osv record without an id".to_owned(),
        });
    }
    let mut advisory = Advisory::new(raw.id.trim(), file.source.clone());
    // A distribution notice (USN) names the CVEs it fixes in `upstream` (`UBUNTU-CVE-...`),
    // not in `aliases`; the CVE ids join the aliases so findings carry them, as for a DSA.
    let upstream_cves = raw
        .upstream
        .unwrap_or_default()
        .into_iter()
        .filter_map(|u| u.find("CVE-").map(|at| u[at..].to_owned()));
    for alias in raw
        .aliases
        .unwrap_or_default()
        .into_iter()
        .chain(upstream_cves)
    {
        if alias != advisory.id && !advisory.aliases.contains(&alias) {
            advisory.aliases.push(alias);
        }
    }
    advisory.summary = raw
        .summary
        .filter(|s| !s.trim().is_empty())
        .map(|s| s.trim().to_owned())
        .or_else(|| raw.details.as_deref().and_then(first_line));
    advisory.modified = raw.modified.as_deref().and_then(normalize_time);
    advisory.published = raw.published.as_deref().and_then(normalize_time);
    advisory.withdrawn = raw.withdrawn.as_deref().and_then(normalize_time);
    advisory.references = raw
        .references
        .unwrap_or_default()
        .into_iter()
        .filter_map(|r| r.url)
        .collect();

    let mut severities = raw.severity.unwrap_or_default();
    let mut skipped = 0;
    let mut affected_out = Vec::new();
    for affected in raw.affected.unwrap_or_default() {
        severities.extend(affected.severity.into_iter().flatten());
        if advisory.informational.is_none() {
            advisory.informational = informational(affected.database_specific.as_ref());
        }
        if advisory.severity.is_none() {
            advisory.severity = label_severity(affected.ecosystem_specific.as_ref(), &advisory.id)
                .or_else(|| label_severity(affected.database_specific.as_ref(), &advisory.id));
        }
        let Some(package) = affected.package else {
            skipped += 1;
            continue;
        };
        let Some(namespace) = namespace_of(&package.ecosystem) else {
            skipped += 1;
            continue;
        };
        let mut ranges = Vec::new();
        for range in affected.ranges.unwrap_or_default() {
            let kind = match range.kind.as_str() {
                "ECOSYSTEM" => RangeKind::Ecosystem,
                "SEMVER" => RangeKind::Semver,
                // GIT ranges name commits, which an installed package never carries.
                _ => continue,
            };
            let events: Vec<Event> = range
                .events
                .into_iter()
                .filter_map(RawEvent::into_event)
                .collect();
            ranges.push(Range::Events { kind, events });
        }
        let versions: Vec<String> = affected
            .versions
            .unwrap_or_default()
            .into_iter()
            .map(Text::into_string)
            .collect();
        if ranges.is_empty() && versions.is_empty() {
            skipped += 1;
            continue;
        }
        let fix_state = if advisory.withdrawn.is_some() {
            FixState::Withdrawn
        } else if ranges.iter().any(has_fix) {
            FixState::Fixed
        } else {
            FixState::Affected
        };
        affected_out.push(Affected {
            namespace,
            package: package.name,
            ranges,
            versions,
            fix_state,
        });
    }
    advisory.affected = affected_out;
    if advisory.severity.is_none() {
        advisory.severity = label_severity(raw.database_specific.as_ref(), &advisory.id);
    }
    for severity in severities {
        if severity.kind.starts_with("CVSS_") {
            let cvss = score_vector(&severity.score);
            if !advisory.cvss.iter().any(|c| c.vector == cvss.vector) {
                advisory.cvss.push(cvss);
            }
        } else if advisory.severity.is_none() && severity.kind.eq_ignore_ascii_case("ubuntu") {
            advisory.severity = Some(VendorSeverity {
                source: "ubuntu".to_owned(),
                level: Severity::from_label(&severity.score),
            });
        }
    }
    Ok(ParsedFile {
        advisories: vec![advisory],
        coverage: None,
        skipped_entries: skipped,
    })
}

fn has_fix(range: &Range) -> bool {
    match range {
        Range::Events { events, .. } => events.iter().any(|e| matches!(e, Event::Fixed(_))),
        Range::Npm { patched, .. } => patched.is_some(),
    }
}

/// A `severity` label in a `database_specific`/`ecosystem_specific` object. GHSA ids label
/// the source `ghsa`; other databases by their id prefix (`PYSEC`, `GO`).
fn label_severity(value: Option<&Value>, id: &str) -> Option<VendorSeverity> {
    let label = value?.get("severity")?.as_str()?;
    let level = Severity::from_label(label);
    if level == Severity::Unknown {
        return None;
    }
    let prefix = id.split('-').next().unwrap_or(id).to_ascii_lowercase();
    Some(VendorSeverity {
        source: prefix,
        level,
    })
}

/// RustSec marks non-vulnerability advisories with `database_specific.informational`.
fn informational(value: Option<&Value>) -> Option<String> {
    let info = value?.get("informational")?.as_str()?;
    Some(info.to_owned())
}

/// The namespace of an OSV ecosystem string, `None` for ecosystems we do not scan.
pub(crate) fn namespace_of(ecosystem: &str) -> Option<Namespace> {
    let language = match ecosystem {
        "Go" => Some(Ecosystem::Golang),
        "crates.io" => Some(Ecosystem::Cargo),
        "PyPI" => Some(Ecosystem::Pypi),
        "npm" => Some(Ecosystem::Npm),
        "Maven" => Some(Ecosystem::Maven),
        "RubyGems" => Some(Ecosystem::Gem),
        "Packagist" => Some(Ecosystem::Composer),
        "NuGet" => Some(Ecosystem::Nuget),
        _ => None,
    };
    if let Some(eco) = language {
        return Some(Namespace::Language(eco));
    }
    let (family, rest) = ecosystem.split_once(':')?;
    match family {
        "Debian" => {
            let number = rest.split(':').next()?;
            Some(Namespace::os("debian", debian_codename(number)?))
        }
        "Ubuntu" => {
            let parts: Vec<&str> = rest.split(':').collect();
            let pro = parts.iter().any(|p| p.eq_ignore_ascii_case("pro"));
            let release = parts
                .iter()
                .find(|p| p.chars().next().is_some_and(|c| c.is_ascii_digit()))?;
            let family = if pro { "ubuntu-pro" } else { "ubuntu" };
            Some(Namespace::os(family, *release))
        }
        "Alpine" => {
            let release = rest.strip_prefix('v').unwrap_or(rest);
            Some(Namespace::os("alpine", release))
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests;
