//! 4.10: secrets in the image config. Environment variables, labels and history lines are
//! searched with the layer reader's token rules, and `NAME=value` pairs whose name looks like a
//! credential are reported. Evidence names where, the name and the rule: never the value.

use layerwatch_layer::content::secrets::{credential_name, is_placeholder, scan_text};
use layerwatch_report::{Check, CheckResult};

use crate::catalog::CheckDef;
use crate::history::instruction;
use crate::{ImageFacts, make, no_config};

/// Why `name=value` is a secret, if it is one.
fn judge(name: &str, value: &str) -> Option<String> {
    let rules = scan_text(value);
    if !rules.is_empty() {
        return Some(format!("value matches {} (redacted)", rules.join(", ")));
    }
    (credential_name(name) && !is_placeholder(value))
        .then(|| "credential-looking name with a value (redacted)".to_string())
}

/// `NAME=value` words of a history line (ENV, ARG, LABEL, build args, `export` in a RUN).
fn assignments(args: &str) -> Vec<(&str, &str)> {
    args.split_whitespace()
        .filter_map(|w| w.split_once('='))
        .map(|(n, v)| {
            (
                n.trim_start_matches("--build-arg")
                    .trim_matches(['"', '\'']),
                v,
            )
        })
        .filter(|(n, _)| {
            !n.is_empty()
                && n.chars()
                    .all(|c| c.is_ascii_alphanumeric() || "_.-".contains(c))
        })
        .collect()
}

/// The check over env, labels and history.
pub(crate) fn check(def: &CheckDef, facts: &ImageFacts<'_>) -> Check {
    let Some(config) = facts.config else {
        return no_config(def);
    };
    let mut evidence = Vec::new();
    for entry in &config.config.env {
        let (name, value) = entry.split_once('=').unwrap_or((entry, ""));
        if let Some(why) = judge(name, value) {
            evidence.push(format!("Env {name}: {why}"));
        }
    }
    for (name, value) in &config.config.labels {
        if let Some(why) = judge(name, value) {
            evidence.push(format!("Label {name}: {why}"));
        }
    }
    for (index, h) in config.history.iter().enumerate() {
        let Some(line) = h.created_by.as_deref() else {
            continue;
        };
        let (keyword, _) = instruction(line);
        // The raw line keeps the `|1 NAME=value` build arguments that `instruction` drops.
        let mut whys: Vec<String> = assignments(line)
            .into_iter()
            .filter(|(n, v)| credential_name(n) && !is_placeholder(v))
            .map(|(n, _)| format!("{n}=<redacted>"))
            .collect();
        let rules = scan_text(line);
        if !rules.is_empty() {
            whys.push(format!("matches {} (redacted)", rules.join(", ")));
        }
        if !whys.is_empty() {
            evidence.push(format!("history[{index}] ({keyword}): {}", whys.join("; ")));
        }
    }
    if evidence.is_empty() {
        make(def, CheckResult::Pass, Vec::new(), None)
    } else {
        make(def, CheckResult::Fail, evidence, None)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn assignments_of_history_lines() {
        assert_eq!(
            assignments("|2 DB_PASSWORD=hunter22 USER=x /bin/sh -c make"),
            vec![("DB_PASSWORD", "hunter22"), ("USER", "x")]
        );
        assert_eq!(assignments("ENV PATH=/usr/bin"), vec![("PATH", "/usr/bin")]);
    }
}
