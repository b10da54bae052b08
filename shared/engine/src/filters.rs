//! Report filters: `--severity`, `--ignore-unfixed` and an ignore file of accepted risks.
//!
//! The ignore file is YAML:
//! ```yaml
//! ignore:
//!   - id: CVE-2019-1549          # an advisory id or any of its aliases
//!     reason: "not reachable: we never call RAND_bytes after fork"
//!     expires: 2027-06-30        # the rule stops applying after this day (UTC)
//! ```
//! Both `reason` and `expires` are required: an accepted risk is written down and reviewed.
//! An expired rule no longer hides anything and adds a warning saying so.

use std::collections::HashSet;
use std::path::Path;

use layerwatch_inventory::Warning;
use layerwatch_report::{FixStatus, Report, Severity};
use serde::Deserialize;
use time::{Date, OffsetDateTime, macros::format_description};

/// Why the filters could not be set up.
#[derive(Debug, thiserror::Error)]
pub enum FilterError {
    /// `--severity` named no known level.
    #[error("unknown severity `{0}` (expected unknown, negligible, low, medium, high, critical)")]
    Severity(String),
    /// The ignore file could not be read.
    #[error("reading ignore file {path}: {source}")]
    Read {
        /// The file.
        path: String,
        /// The OS error.
        #[source]
        source: std::io::Error,
    },
    /// The ignore file is not valid.
    #[error("ignore file {path}: {reason}")]
    Invalid {
        /// The file.
        path: String,
        /// What is wrong, naming the rule.
        reason: String,
    },
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct IgnoreFile {
    ignore: Vec<RawRule>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRule {
    id: String,
    reason: String,
    expires: String,
}

/// One accepted risk.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IgnoreRule {
    /// Advisory id or alias.
    pub id: String,
    /// Why it is accepted.
    pub reason: String,
    /// Last day the rule applies.
    pub expires: Date,
}

/// The filters of one scan.
#[derive(Debug, Clone, Default)]
pub struct Filters {
    /// Keep only these severities (empty: all).
    pub severities: HashSet<Severity>,
    /// Drop findings without a fixed version.
    pub ignore_unfixed: bool,
    /// Accepted risks.
    pub ignores: Vec<IgnoreRule>,
}

fn parse_severity(s: &str) -> Result<Severity, FilterError> {
    serde_json::from_value(serde_json::Value::String(s.trim().to_ascii_lowercase()))
        .map_err(|_| FilterError::Severity(s.to_string()))
}

impl Filters {
    /// Filters from the command-line flags.
    pub fn from_args(
        severities: &[String],
        ignore_unfixed: bool,
        ignore_file: Option<&Path>,
    ) -> Result<Filters, FilterError> {
        let severities = severities
            .iter()
            .filter(|s| !s.trim().is_empty())
            .map(|s| parse_severity(s))
            .collect::<Result<_, _>>()?;
        let ignores = match ignore_file {
            Some(path) => read_ignore_file(path)?,
            None => Vec::new(),
        };
        Ok(Filters {
            severities,
            ignore_unfixed,
            ignores,
        })
    }
}

/// Reads and validates an ignore file.
pub fn read_ignore_file(path: &Path) -> Result<Vec<IgnoreRule>, FilterError> {
    let name = path.display().to_string();
    let text = std::fs::read_to_string(path).map_err(|source| FilterError::Read {
        path: name.clone(),
        source,
    })?;
    let file: IgnoreFile = serde_yaml::from_str(&text).map_err(|e| FilterError::Invalid {
        path: name.clone(),
        reason: e.to_string(),
    })?;
    let format = format_description!("[year]-[month]-[day]");
    file.ignore
        .into_iter()
        .map(|raw| {
            if raw.reason.trim().is_empty() {
                return Err(FilterError::Invalid {
                    path: name.clone(),
                    reason: format!("rule for {} has an empty reason", raw.id),
                });
            }
            let expires =
                Date::parse(raw.expires.trim(), format).map_err(|e| FilterError::Invalid {
                    path: name.clone(),
                    reason: format!(
                        "rule for {}: expires `{}` is not YYYY-MM-DD: {e}",
                        raw.id, raw.expires
                    ),
                })?;
            Ok(IgnoreRule {
                id: raw.id.trim().to_string(),
                reason: raw.reason,
                expires,
            })
        })
        .collect()
}

/// Applies the filters to the report's findings, in place, as of today (UTC).
pub fn apply_filters(report: &mut Report, filters: &Filters) {
    apply_filters_on(report, filters, OffsetDateTime::now_utc().date());
}

/// [`apply_filters`] as of `today`.
pub fn apply_filters_on(report: &mut Report, filters: &Filters, today: Date) {
    let (active, expired): (Vec<&IgnoreRule>, Vec<&IgnoreRule>) =
        filters.ignores.iter().partition(|r| today <= r.expires);
    for rule in expired {
        report.warnings.push(Warning::new(
            "ignore-rule-expired",
            format!(
                "ignore rule for {} expired on {}; it no longer hides findings",
                rule.id, rule.expires
            ),
        ));
    }
    let before = report.findings.len();
    let mut ignored = 0;
    let mut below_severity = 0;
    let mut unknown_hidden = 0;
    report.findings.retain(|f| {
        if filters.ignore_unfixed && f.fixed_version.is_none() && f.status != FixStatus::Fixed {
            return false;
        }
        if !filters.severities.is_empty() && !filters.severities.contains(&f.severity) {
            below_severity += 1;
            if f.severity == Severity::Unknown {
                unknown_hidden += 1;
            }
            return false;
        }
        let accepted = active
            .iter()
            .any(|r| r.id == f.id || f.aliases.contains(&r.id));
        if accepted {
            ignored += 1;
        }
        !accepted
    });
    if below_severity > 0 {
        // Findings without a severity are hidden too; say so, since some feeds (Alpine secdb,
        // the Debian lists) give none and a filtered report must not read as clean.
        report.warnings.push(Warning::new(
            "findings-filtered",
            format!(
                "{below_severity} of {before} findings hidden by --severity, {unknown_hidden} of them \
                 with unknown severity (their feed gives none)"
            ),
        ));
    }
    if ignored > 0 {
        report.warnings.push(Warning::new(
            "findings-ignored",
            format!("{ignored} of {before} findings hidden by the ignore file"),
        ));
    }
}

#[cfg(test)]
mod tests;
