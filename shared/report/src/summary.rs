//! Small views of a report that several formats share: short digests, counts by severity, and
//! the numeric severity that code-scanning tools sort by.

use layerwatch_oci::Digest;

use crate::model::{CvssScore, Finding, PackageEntry, Report, Severity};

/// Severities from the most to the least severe, the order every summary prints them in.
pub const SEVERITIES_DESC: [Severity; 6] = [
    Severity::Critical,
    Severity::High,
    Severity::Medium,
    Severity::Low,
    Severity::Negligible,
    Severity::Unknown,
];

/// `sha256:` and the first 12 hex digits: enough to tell layers apart on screen.
pub fn short_digest(digest: &Digest) -> String {
    let hex = digest.hex();
    let cut = hex.get(..12).unwrap_or(hex);
    format!("{}:{cut}", digest.algorithm().as_str())
}

/// How many findings there are of each severity, most severe first, zero counts included.
pub fn severity_counts(report: &Report) -> Vec<(Severity, usize)> {
    SEVERITIES_DESC
        .iter()
        .map(|&s| {
            (
                s,
                report.findings.iter().filter(|f| f.severity == s).count(),
            )
        })
        .collect()
}

/// The CVSS score with the highest base score, if any score has one.
pub fn best_cvss(finding: &Finding) -> Option<&CvssScore> {
    finding
        .cvss
        .iter()
        .filter(|c| c.base_score.is_some())
        .max_by(|a, b| {
            let (a, b) = (a.base_score.unwrap_or(0.0), b.base_score.unwrap_or(0.0));
            a.total_cmp(&b)
        })
}

/// The 0.0–10.0 score GitHub code scanning ranks by (`security-severity`).
///
/// The highest CVSS base score when a feed gave one; otherwise a value inside the band GitHub
/// maps to the vendor's severity (critical > 9.0, high 7.0–8.9, medium 4.0–6.9, low 0.1–3.9).
/// `None` when nothing is known: an unknown severity is never guessed.
pub fn security_severity(severity: Severity, cvss: Option<&CvssScore>) -> Option<f64> {
    if let Some(score) = cvss.and_then(|c| c.base_score) {
        return Some(score);
    }
    match severity {
        Severity::Critical => Some(9.5),
        Severity::High => Some(8.0),
        Severity::Medium => Some(5.5),
        Severity::Low => Some(2.0),
        Severity::Negligible => Some(0.1),
        Severity::Unknown => None,
    }
}

/// A score as GitHub wants it: a string holding a number with one decimal.
pub fn score_text(score: f64) -> String {
    format!("{score:.1}")
}

/// The position in `report.packages` of the package a finding is about: same purl and layer
/// first, then same purl (a finding names its package by purl, not by path).
pub fn package_index(report: &Report, finding: &Finding) -> Option<usize> {
    let find = |same_layer: bool| {
        report.packages.iter().position(|p: &PackageEntry| {
            p.purl == finding.package.purl && (!same_layer || p.layer == finding.layer)
        })
    };
    find(true).or_else(|| find(false))
}

/// Whether a reference string is an absolute http(s) URL that URI-typed fields can hold.
pub fn is_web_url(s: &str) -> bool {
    (s.starts_with("https://") || s.starts_with("http://"))
        && !s.chars().any(|c| c.is_whitespace() || c.is_control())
}
