//! The table a person reads in a terminal: a header block, the findings, the failed checks and
//! the warnings.
//!
//! A report without findings says so in words, with how many packages were scanned and what
//! covered them, so an empty result is never mistaken for a scan that did nothing.

use std::fmt::Write as _;

use comfy_table::{Table, presets};

use crate::model::{CheckResult, FixStatus, Report};
use crate::summary::{SEVERITIES_DESC, severity_counts, short_digest};

/// The whole table as text, ending in a newline.
pub fn render_table(report: &Report) -> String {
    let mut out = String::new();
    header(report, &mut out);
    out.push('\n');
    findings(report, &mut out);
    checks(report, &mut out);
    warnings(report, &mut out);
    out
}

/// `label:` padded so the values line up.
fn line(out: &mut String, label: &str, value: &str) {
    // Writing to a String cannot fail.
    let _ = writeln!(out, "{:<13}{value}", format!("{label}:"));
}

fn header(report: &Report, out: &mut String) {
    let a = &report.artifact;
    let artifact = match &a.platform {
        Some(p) => format!("{} ({p})", a.reference),
        None => a.reference.clone(),
    };
    line(out, "Artifact", &artifact);
    let os = match &report.os {
        Some(os) => match &os.codename {
            Some(c) => format!("{} {} ({c})", os.family, os.version),
            None => format!("{} {}", os.family, os.version),
        },
        None => "not identified".to_string(),
    };
    line(out, "OS", &os);
    for (label, digest) in [
        ("Manifest", &a.manifest_digest),
        ("Config", &a.config_digest),
        ("Index", &a.index_digest),
    ] {
        if let Some(d) = digest {
            line(out, label, &short_digest(d));
        }
    }
    let db = match &report.advisory_db {
        Some(db) if db.sources.is_empty() => db.revision.clone(),
        Some(db) => format!("{} ({})", db.revision, db.sources.join(", ")),
        None => "none (no advisory matching was done)".to_string(),
    };
    line(out, "Advisory DB", &db);
    line(
        out,
        "Packages",
        &format!(
            "{} scanned in {} layer{}",
            report.packages.len(),
            report.layers.len(),
            plural(report.layers.len())
        ),
    );
    line(out, "Coverage", &coverage(report));
    line(out, "Findings", &finding_counts(report));
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// `os:alpine:3.20 (alpine-secdb); ecosystem:npm (not covered)`.
fn coverage(report: &Report) -> String {
    if report.coverage.is_empty() {
        return "none recorded".to_string();
    }
    report
        .coverage
        .iter()
        .map(|c| {
            if c.sources.is_empty() {
                format!("{} (not covered)", c.target)
            } else {
                format!("{} ({})", c.target, c.sources.join(", "))
            }
        })
        .collect::<Vec<_>>()
        .join("; ")
}

/// `5 (critical 1, high 2, medium 1, low 1)`; severities with no finding are left out.
fn finding_counts(report: &Report) -> String {
    let parts: Vec<String> = severity_counts(report)
        .into_iter()
        .filter(|(_, n)| *n > 0)
        .map(|(s, n)| format!("{} {n}", s.as_str()))
        .collect();
    if parts.is_empty() {
        "0".to_string()
    } else {
        format!("{} ({})", report.findings.len(), parts.join(", "))
    }
}

fn status_text(status: FixStatus) -> &'static str {
    match status {
        FixStatus::Fixed => "fixed",
        FixStatus::Affected => "affected",
        FixStatus::WontFix => "won't fix",
        FixStatus::NoDsa => "no-dsa",
        FixStatus::EndOfLife => "end of life",
    }
}

fn findings(report: &Report, out: &mut String) {
    if report.findings.is_empty() {
        let n = report.packages.len();
        let what = if report.advisory_db.is_none() {
            "no advisory database was matched against"
        } else {
            "no known vulnerabilities in"
        };
        let _ = writeln!(
            out,
            "No findings: {what} the {n} package{} scanned.\nCoverage: {}",
            plural(n),
            coverage(report)
        );
        return;
    }
    let mut rows: Vec<_> = report.findings.iter().collect();
    let rank = |s| SEVERITIES_DESC.iter().position(|x| *x == s);
    rows.sort_by(|a, b| {
        rank(a.severity)
            .cmp(&rank(b.severity))
            .then_with(|| a.package.name.cmp(&b.package.name))
            .then_with(|| a.id.cmp(&b.id))
    });
    let mut table = Table::new();
    table
        .load_preset(presets::ASCII_FULL_CONDENSED)
        .set_header(vec![
            "Package",
            "Installed",
            "Fixed",
            "ID",
            "Severity",
            "Status",
            "Layer",
        ]);
    for f in rows {
        table.add_row(vec![
            f.package.name.clone(),
            f.installed_version.clone(),
            f.fixed_version.clone().unwrap_or_else(|| "-".to_string()),
            f.id.clone(),
            f.severity.as_str().to_string(),
            status_text(f.status).to_string(),
            short_digest(&f.layer),
        ]);
    }
    let _ = writeln!(out, "Vulnerabilities ({})\n{table}", report.findings.len());
}

fn checks(report: &Report, out: &mut String) {
    let failed: Vec<_> = report
        .checks
        .iter()
        .filter(|c| c.result == CheckResult::Fail)
        .collect();
    if failed.is_empty() {
        return;
    }
    let mut table = Table::new();
    table
        .load_preset(presets::ASCII_FULL_CONDENSED)
        .set_header(vec!["Check", "Severity", "Title", "Evidence", "Layer"]);
    for c in &failed {
        table.add_row(vec![
            c.id.clone(),
            c.severity.as_str().to_string(),
            c.title.clone(),
            c.evidence.join("\n"),
            c.layer.as_ref().map(short_digest).unwrap_or_default(),
        ]);
    }
    let _ = writeln!(out, "\nFailed checks ({})\n{table}", failed.len());
}

fn warnings(report: &Report, out: &mut String) {
    if report.warnings.is_empty() {
        return;
    }
    let _ = writeln!(out, "\nWarnings ({})", report.warnings.len());
    for w in &report.warnings {
        let mut place = Vec::new();
        if let Some(layer) = &w.layer {
            place.push(format!("layer {}", short_digest(layer)));
        }
        if let Some(path) = &w.path {
            place.push(path.clone());
        }
        let at = if place.is_empty() {
            String::new()
        } else {
            format!(" [{}]", place.join(", "))
        };
        let _ = writeln!(out, "- {}: {}{at}", w.code, w.message);
    }
}
