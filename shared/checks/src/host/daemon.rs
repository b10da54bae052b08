//! CIS 2.x: the Docker daemon's options. They are gathered from `etc/docker/daemon.json`,
//! `DOCKER_OPTS` in `etc/default/docker` and the `dockerd` flags of `docker.service`'s
//! `ExecStart`; an option none of them sets has Docker's default.

use std::path::Path;

use layerwatch_report::{Check, CheckResult, Severity};
use serde_json::Value;

use super::{host_check, unit};

/// The daemon's options as the files set them.
#[derive(Debug, Default)]
pub struct Settings {
    /// Options as `(name, value, where)`: daemon.json keys, and flags without their dashes.
    options: Vec<(String, Value, String)>,
    /// Problems reading the files (a daemon.json that is not JSON).
    pub problems: Vec<String>,
}

impl Settings {
    /// Reads the three sources under `root`.
    pub fn read(root: &Path) -> Settings {
        let mut s = Settings::default();
        if let Ok(text) = std::fs::read_to_string(root.join("etc/docker/daemon.json")) {
            match serde_json::from_str::<serde_json::Map<String, Value>>(&text) {
                Ok(map) => {
                    for (k, v) in map {
                        s.options.push((k, v, "/etc/docker/daemon.json".into()));
                    }
                }
                Err(e) => s
                    .problems
                    .push(format!("/etc/docker/daemon.json is not a JSON object: {e}")),
            }
        }
        if let Ok(text) = std::fs::read_to_string(root.join("etc/default/docker")) {
            for line in text.lines() {
                if let Some(v) = line.trim().strip_prefix("DOCKER_OPTS=") {
                    s.flags(
                        v.trim_matches(['"', '\'']),
                        "/etc/default/docker DOCKER_OPTS",
                    );
                }
            }
        }
        if let Some(path) = unit(root, "docker.service")
            && let Ok(text) = std::fs::read_to_string(root.join(&path))
        {
            for line in text.lines() {
                if let Some(v) = line.trim().strip_prefix("ExecStart=") {
                    s.flags(v, &format!("/{path} ExecStart"));
                }
            }
        }
        s
    }

    /// Adds `--name[=value]` and `-H value` flags of a command line.
    fn flags(&mut self, line: &str, from: &str) {
        let words: Vec<&str> = line.split_whitespace().collect();
        let mut i = 0;
        while i < words.len() {
            let w = words[i];
            i += 1;
            let (name, value) = if let Some(f) = w.strip_prefix("--") {
                match f.split_once('=') {
                    Some((n, v)) => (n.to_string(), Value::from(v)),
                    // A flag alone is a boolean, unless the next word is its value.
                    None if words.get(i).is_some_and(|n| !n.starts_with('-'))
                        && VALUED.contains(&f) =>
                    {
                        i += 1;
                        (f.to_string(), Value::from(words[i - 1]))
                    }
                    None => (f.to_string(), Value::Bool(true)),
                }
            } else if w == "-H" {
                i += 1;
                (
                    "host".to_string(),
                    Value::from(words.get(i - 1).copied().unwrap_or("")),
                )
            } else {
                continue;
            };
            // Flag names are singular where daemon.json keys are plural lists.
            let name = match name.as_str() {
                "host" => "hosts".to_string(),
                "insecure-registry" => "insecure-registries".to_string(),
                "authorization-plugin" => "authorization-plugins".to_string(),
                _ => name,
            };
            self.options.push((name, value, from.to_string()));
        }
    }

    /// Every value set for `key`, with where.
    fn all(&self, key: &str) -> Vec<(&Value, &str)> {
        self.options
            .iter()
            .filter(|(k, _, _)| k == key)
            .map(|(_, v, w)| (v, w.as_str()))
            .collect()
    }

    /// The last boolean set for `key` (`"false"` strings from flags count as false).
    fn bool(&self, key: &str) -> Option<(bool, String)> {
        self.all(key).last().map(|(v, w)| {
            let b = match v {
                Value::Bool(b) => *b,
                Value::String(s) => s != "false",
                _ => true,
            };
            (b, format!("{key}={b} in {w}"))
        })
    }

    /// The last string set for `key`.
    fn string(&self, key: &str) -> Option<(String, String)> {
        self.all(key).last().and_then(|(v, w)| {
            let s = v.as_str()?.to_string();
            Some((s.clone(), format!("{key}={s} in {w}")))
        })
    }

    /// Every string of the list `key` (lists in daemon.json, repeated flags).
    fn list(&self, key: &str) -> Vec<(String, String)> {
        let mut out = Vec::new();
        for (v, w) in self.all(key) {
            let items: Vec<String> = match v {
                Value::Array(a) => a
                    .iter()
                    .filter_map(|x| x.as_str().map(str::to_string))
                    .collect(),
                Value::String(s) => vec![s.clone()],
                _ => Vec::new(),
            };
            out.extend(items.into_iter().map(|s| (s, w.to_string())));
        }
        out
    }
}

/// Flags that take a separate value word (`--log-driver syslog`).
const VALUED: [&str; 8] = [
    "log-driver",
    "log-level",
    "userns-remap",
    "storage-driver",
    "insecure-registry",
    "authorization-plugin",
    "tlscacert",
    "host",
];

fn verdict(ok: bool) -> CheckResult {
    if ok {
        CheckResult::Pass
    } else {
        CheckResult::Fail
    }
}

/// A boolean item: passes when `key` is `want`; `default` applies when nothing sets it.
fn boolean(
    s: &Settings,
    cis: &str,
    title: &str,
    sev: Severity,
    key: &str,
    want: bool,
    default: bool,
) -> Check {
    let (value, said) = s.bool(key).unwrap_or((
        default,
        format!("{key} is not set (Docker's default is {default})"),
    ));
    host_check(cis, title, sev, verdict(value == want), vec![said])
}

/// The 2.x checks.
pub fn checks(root: &Path) -> Vec<Check> {
    let s = Settings::read(root);
    let mut out = vec![boolean(
        &s,
        "2.2",
        "Inter-container traffic on the default bridge is off (icc=false)",
        Severity::Medium,
        "icc",
        false,
        true,
    )];
    let level = s.string("log-level");
    let level_ok = level.as_ref().is_none_or(|(l, _)| l == "info");
    let said = level.map_or("log-level is not set (info)".to_string(), |(_, w)| w);
    out.push(host_check(
        "2.3",
        "Logging level is info",
        Severity::Low,
        verdict(level_ok),
        vec![said],
    ));
    out.push(boolean(
        &s,
        "2.4",
        "Docker may change iptables",
        Severity::Medium,
        "iptables",
        true,
        true,
    ));
    let insecure = s.list("insecure-registries");
    let said: Vec<String> = insecure
        .iter()
        .map(|(r, w)| format!("insecure registry {r} in {w}"))
        .collect();
    out.push(host_check(
        "2.5",
        "No insecure registries",
        Severity::Medium,
        verdict(said.is_empty()),
        said,
    ));
    let driver = s.string("storage-driver");
    let aufs = driver.as_ref().is_some_and(|(d, _)| d == "aufs");
    let said = driver.map_or("storage-driver is not set".to_string(), |(_, w)| w);
    out.push(host_check(
        "2.6",
        "The aufs storage driver is not used",
        Severity::Medium,
        verdict(!aufs),
        vec![said],
    ));
    out.push(tls(&s));
    let remap = s.string("userns-remap");
    let said = remap
        .clone()
        .map_or("userns-remap is not set".to_string(), |(_, w)| w);
    let remap_ok = remap.is_some_and(|(r, _)| !r.is_empty());
    out.push(host_check(
        "2.9",
        "User namespace remapping is on (userns-remap)",
        Severity::Medium,
        verdict(remap_ok),
        vec![said],
    ));
    let plugins = s.list("authorization-plugins");
    let said = if plugins.is_empty() {
        vec!["authorization-plugins is not set".to_string()]
    } else {
        plugins
            .iter()
            .map(|(p, w)| format!("authorization plugin {p} in {w}"))
            .collect()
    };
    out.push(host_check(
        "2.12",
        "Authorization for Docker client commands is on",
        Severity::Medium,
        verdict(!plugins.is_empty()),
        said,
    ));
    let log = s.string("log-driver");
    let central = log
        .as_ref()
        .is_some_and(|(d, _)| !matches!(d.as_str(), "json-file" | "local" | "none"));
    let said = log.map_or(
        "log-driver is not set (json-file, local to the host)".to_string(),
        |(_, w)| w,
    );
    out.push(host_check(
        "2.13",
        "Centralized and remote logging is configured (log-driver)",
        Severity::Low,
        verdict(central),
        vec![said],
    ));
    out.push(boolean(
        &s,
        "2.14",
        "Live restore is on",
        Severity::Low,
        "live-restore",
        true,
        false,
    ));
    out.push(boolean(
        &s,
        "2.15",
        "The userland proxy is off",
        Severity::Low,
        "userland-proxy",
        false,
        true,
    ));
    out.push(boolean(
        &s,
        "2.17",
        "Experimental features are off",
        Severity::Low,
        "experimental",
        false,
        false,
    ));
    out.push(boolean(
        &s,
        "2.18",
        "Containers cannot gain new privileges (no-new-privileges)",
        Severity::Medium,
        "no-new-privileges",
        true,
        false,
    ));
    if !s.problems.is_empty() {
        for c in &mut out {
            c.evidence.extend(s.problems.iter().cloned());
        }
    }
    out
}

/// 2.7: a daemon listening on TCP must verify TLS client certificates.
fn tls(s: &Settings) -> Check {
    let title = "TLS authentication is on for a daemon reachable over TCP";
    let tcp: Vec<(String, String)> = s
        .list("hosts")
        .into_iter()
        .filter(|(h, _)| h.starts_with("tcp://"))
        .collect();
    if tcp.is_empty() {
        return host_check(
            "2.7",
            title,
            Severity::High,
            CheckResult::Pass,
            vec!["the daemon listens on no TCP socket".to_string()],
        );
    }
    let mut evidence: Vec<String> = tcp
        .iter()
        .map(|(h, w)| format!("listens on {h} ({w})"))
        .collect();
    let verify = s.bool("tlsverify").is_some_and(|(b, _)| b);
    let missing: Vec<&str> = ["tlscacert", "tlscert", "tlskey"]
        .into_iter()
        .filter(|k| s.string(k).is_none())
        .collect();
    if !verify {
        evidence.push("tlsverify is not true".to_string());
    }
    if !missing.is_empty() {
        evidence.push(format!("not set: {}", missing.join(", ")));
    }
    host_check(
        "2.7",
        title,
        Severity::High,
        verdict(verify && missing.is_empty()),
        evidence,
    )
}
