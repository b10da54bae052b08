//! CIS 1.1.3–1.1.18: auditd watches Docker's binaries, folders, units and sockets. Rules are
//! read from `etc/audit/audit.rules` and `etc/audit/rules.d/*.rules`; a rule covers a path with
//! `-w PATH` or `-F path=PATH` / `-F dir=PATH`.

use std::path::Path;

use layerwatch_report::{Check, CheckResult, Severity};

use super::{host_check, unit};

/// (CIS section, absolute path or `unit:NAME`, what it is).
const ITEMS: [(&str, &str, &str); 12] = [
    ("1.1.3", "/usr/bin/dockerd", "the Docker daemon"),
    ("1.1.4", "/run/containerd", "/run/containerd"),
    ("1.1.5", "/var/lib/docker", "/var/lib/docker"),
    ("1.1.6", "/etc/docker", "/etc/docker"),
    ("1.1.7", "unit:docker.service", "docker.service"),
    (
        "1.1.8",
        "/run/containerd/containerd.sock",
        "containerd.sock",
    ),
    ("1.1.9", "unit:docker.socket", "docker.socket"),
    ("1.1.10", "/etc/default/docker", "/etc/default/docker"),
    (
        "1.1.11",
        "/etc/docker/daemon.json",
        "/etc/docker/daemon.json",
    ),
    (
        "1.1.12",
        "/etc/containerd/config.toml",
        "/etc/containerd/config.toml",
    ),
    ("1.1.14", "/usr/bin/containerd", "/usr/bin/containerd"),
    ("1.1.18", "/usr/bin/runc", "/usr/bin/runc"),
];

/// Every audit rule line under `root`, with where it is (`file:line`).
fn rules(root: &Path) -> Vec<(String, String)> {
    let mut files = vec!["etc/audit/audit.rules".to_string()];
    if let Ok(dir) = std::fs::read_dir(root.join("etc/audit/rules.d")) {
        let mut names: Vec<String> = dir
            .filter_map(|e| e.ok())
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| n.ends_with(".rules"))
            .collect();
        names.sort();
        files.extend(names.into_iter().map(|n| format!("etc/audit/rules.d/{n}")));
    }
    let mut out = Vec::new();
    for file in files {
        let Ok(text) = std::fs::read_to_string(root.join(&file)) else {
            continue;
        };
        for (i, line) in text.lines().enumerate() {
            let line = line.trim();
            if !line.is_empty() && !line.starts_with('#') {
                out.push((format!("/{file}:{}", i + 1), line.to_string()));
            }
        }
    }
    out
}

/// True when the rule `line` watches `path`.
fn covers(line: &str, path: &str) -> bool {
    let words: Vec<&str> = line.split_whitespace().collect();
    words.windows(2).any(|w| {
        (w[0] == "-w" && w[1] == path)
            || (w[0] == "-F" && (w[1] == format!("path={path}") || w[1] == format!("dir={path}")))
    })
}

/// The 1.1.x checks.
pub fn checks(root: &Path) -> Vec<Check> {
    let rules = rules(root);
    ITEMS
        .iter()
        .map(|(cis, target, what)| {
            let title = format!("Auditing is configured for {what}");
            let path = match target.strip_prefix("unit:") {
                Some(name) => unit(root, name).map(|p| format!("/{p}")),
                None => Some((*target).to_string()),
            };
            let path = path.filter(|p| {
                root.join(p.trim_start_matches('/'))
                    .symlink_metadata()
                    .is_ok()
            });
            let Some(path) = path else {
                return host_check(
                    cis,
                    &title,
                    Severity::Low,
                    CheckResult::NotApplicable,
                    vec![format!("{what} is not on this host")],
                );
            };
            match rules.iter().find(|(_, line)| covers(line, &path)) {
                Some((at, line)) => host_check(
                    cis,
                    &title,
                    Severity::Low,
                    CheckResult::Pass,
                    vec![format!("{at}: {line}")],
                ),
                None => host_check(
                    cis,
                    &title,
                    Severity::Low,
                    CheckResult::Fail,
                    vec![format!(
                        "no audit rule watches {path} (e.g. `-w {path} -k docker`)"
                    )],
                ),
            }
        })
        .collect()
}
