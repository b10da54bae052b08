//! Node.js security WG npm advisories (`vuln/npm/<n>.json`, the old Node Security Platform).
//!
//! `vulnerable_versions` and `patched_versions` are npm semver ranges and stay ranges
//! ([`Range::Npm`]); the advisory id is `NSWG-ECO-<n>` as the WG cites them. Node core
//! advisories (`vuln/core/`) are not read: they concern the runtime, not an npm package.

use serde::Deserialize;
use serde_json::Value;

use super::{FeedError, FeedFile, FeedKind, ParsedFile, normalize_time};
use crate::model::{Advisory, Affected, FixState, Namespace, Range, Severity, VendorSeverity};
use crate::score::score_vector;
use layerwatch_inventory::Ecosystem;

#[derive(Deserialize)]
struct RawWg {
    id: Value,
    module_name: String,
    #[serde(default)]
    title: Option<String>,
    #[serde(default)]
    created_at: Option<String>,
    #[serde(default)]
    updated_at: Option<String>,
    #[serde(default)]
    publish_date: Option<String>,
    #[serde(default)]
    cves: Option<Vec<String>>,
    #[serde(default)]
    vulnerable_versions: Option<String>,
    #[serde(default)]
    patched_versions: Option<String>,
    #[serde(default)]
    references: Option<Vec<String>>,
    #[serde(default)]
    cvss_vector: Option<String>,
    #[serde(default)]
    cvss_score: Option<f64>,
}

/// Parses one WG advisory file.
pub(super) fn parse(file: &FeedFile, bytes: &[u8]) -> Result<ParsedFile, FeedError> {
    let raw: RawWg = serde_json::from_slice(bytes).map_err(|source| FeedError::Json {
        path: file.path.clone(),
        kind: FeedKind::NodejsWg,
        source,
    })?;
    let number = match &raw.id {
        Value::Number(n) => n.to_string(),
        Value::String(s) => s.trim().to_owned(),
        _ => String::new(),
    };
    if number.is_empty() {
        return Err(FeedError::Invalid {
            path: file.path.clone(),
            what: "advisory without an id".to_owned(),
        });
    }
    let mut advisory = Advisory::new(format!("NSWG-ECO-{number}"), file.source.clone());
    advisory.aliases = raw.cves.unwrap_or_default();
    advisory.summary = raw.title.map(|t| t.trim().to_owned());
    advisory.modified = raw
        .updated_at
        .as_deref()
        .or(raw.created_at.as_deref())
        .and_then(normalize_time);
    advisory.published = raw
        .publish_date
        .as_deref()
        .or(raw.created_at.as_deref())
        .and_then(normalize_time);
    advisory.references = raw.references.unwrap_or_default();
    if let Some(vector) = raw.cvss_vector.filter(|v| !v.trim().is_empty()) {
        advisory.cvss.push(score_vector(&vector));
    } else if let Some(score) = raw.cvss_score {
        // No vector to recompute from: keep the WG's own rating of its score.
        advisory.severity = Some(VendorSeverity {
            source: "nodejs-security-wg".to_owned(),
            level: Severity::from_cvss_score(score),
        });
    }
    let mut skipped = 0;
    match raw.vulnerable_versions.filter(|v| !v.trim().is_empty()) {
        Some(vulnerable) => {
            let patched = raw
                .patched_versions
                .map(|p| p.trim().to_owned())
                // `<0.0.0` is how the WG writes "no patched version".
                .filter(|p| !p.is_empty() && p != "<0.0.0");
            let fix_state = if patched.is_some() {
                FixState::Fixed
            } else {
                FixState::Affected
            };
            advisory.affected.push(Affected {
                namespace: Namespace::Language(Ecosystem::Npm),
                package: raw.module_name.trim().to_owned(),
                ranges: vec![Range::Npm {
                    vulnerable: vulnerable.trim().to_owned(),
                    patched,
                }],
                versions: Vec::new(),
                fix_state,
            });
        }
        None => skipped += 1,
    }
    Ok(ParsedFile {
        advisories: vec![advisory],
        coverage: None,
        skipped_entries: skipped,
    })
}
