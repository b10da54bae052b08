//! `host-audit`: the CIS Docker Benchmark (v1.6.0) host and daemon items that can be judged from
//! a host's files, under a root folder (`/` for the running host, or a copy of one).
//!
//! - 1.1.x: auditd watches the Docker files and folders ([`auditd`]);
//! - 2.x: the daemon's options, from `etc/docker/daemon.json`, `DOCKER_OPTS` in
//!   `etc/default/docker` and the `ExecStart` flags of `docker.service` ([`daemon`]);
//! - 3.x: owners and permissions of the units, `etc/docker`, `daemon.json`,
//!   `etc/default/docker` and `docker.sock` ([`files`]).
//!
//! A file that is not there makes its item `not_applicable`; a host without any Docker file
//! makes every item `not_applicable`.

pub mod auditd;
pub mod daemon;
pub mod files;

use std::fmt::Write as _;
use std::path::Path;

use comfy_table::{Table, presets};
use layerwatch_report::{Check, CheckResult, Severity};

/// One host item: id `LW-CIS-<section>`, its CIS section, title and severity.
pub(crate) fn host_check(
    cis: &str,
    title: &str,
    severity: Severity,
    result: CheckResult,
    evidence: Vec<String>,
) -> Check {
    Check {
        id: format!("LW-CIS-{cis}"),
        title: title.to_string(),
        severity,
        result,
        evidence,
        layer: None,
        cis: Some(cis.to_string()),
    }
}

/// Where the Docker systemd units may be, most specific first.
const UNIT_DIRS: [&str; 3] = [
    "etc/systemd/system",
    "lib/systemd/system",
    "usr/lib/systemd/system",
];

/// The first `name` unit file under `root`, as a path relative to `root`.
pub(crate) fn unit(root: &Path, name: &str) -> Option<String> {
    UNIT_DIRS
        .iter()
        .map(|d| format!("{d}/{name}"))
        .find(|p| root.join(p).symlink_metadata().is_ok())
}

/// `docker.sock` under `root` (`run/`, or `var/run/` when that is a real folder: an absolute
/// `var/run -> /run` link would lead out of `root`).
pub(crate) fn docker_sock(root: &Path) -> Option<String> {
    if root.join("run/docker.sock").symlink_metadata().is_ok() {
        return Some("run/docker.sock".to_string());
    }
    let var_run_is_dir = root
        .join("var/run")
        .symlink_metadata()
        .is_ok_and(|m| m.is_dir());
    (var_run_is_dir && root.join("var/run/docker.sock").symlink_metadata().is_ok())
        .then(|| "var/run/docker.sock".to_string())
}

/// True when any Docker file is under `root`.
fn docker_present(root: &Path) -> bool {
    ["etc/docker", "usr/bin/dockerd", "etc/default/docker"]
        .iter()
        .any(|p| root.join(p).exists())
        || unit(root, "docker.service").is_some()
        || docker_sock(root).is_some()
}

/// Audits the host under `root`, in section order.
pub fn audit(root: &Path) -> Vec<Check> {
    let mut checks = Vec::new();
    checks.extend(auditd::checks(root));
    checks.extend(daemon::checks(root));
    checks.extend(files::checks(root));
    if !docker_present(root) {
        for c in &mut checks {
            c.result = CheckResult::NotApplicable;
            c.evidence = vec![format!("no Docker installation under {}", root.display())];
        }
    }
    checks
}

/// The JSON document of a host audit: `{"root": ..., "checks": [...]}`.
pub fn to_json(root: &Path, checks: &[Check]) -> serde_json::Value {
    serde_json::json!({ "root": root.display().to_string(), "checks": checks })
}

/// The audit as a table: every item with its result and evidence, then the counts.
pub fn render_table(root: &Path, checks: &[Check]) -> String {
    let mut table = Table::new();
    table
        .load_preset(presets::ASCII_FULL_CONDENSED)
        .set_header(vec!["Check", "Result", "Severity", "Title", "Evidence"]);
    let (mut pass, mut fail, mut na) = (0, 0, 0);
    for c in checks {
        let result = match c.result {
            CheckResult::Pass => {
                pass += 1;
                "pass"
            }
            CheckResult::Fail => {
                fail += 1;
                "FAIL"
            }
            CheckResult::NotApplicable => {
                na += 1;
                "n/a"
            }
        };
        table.add_row(vec![
            c.id.clone(),
            result.to_string(),
            c.severity.as_str().to_string(),
            c.title.clone(),
            c.evidence.join("\n"),
        ]);
    }
    let mut out = String::new();
    let _ = writeln!(
        out,
        "Host audit of {} (CIS Docker Benchmark v1.6.0)",
        root.display()
    );
    let _ = writeln!(out, "{table}");
    let _ = writeln!(out, "{pass} passed, {fail} failed, {na} not applicable");
    out
}
