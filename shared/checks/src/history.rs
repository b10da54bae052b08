//! Checks on the build history (`created_by` of each config history entry).
//!
//! Builders write the instruction in several shapes: the classic builder
//! `/bin/sh -c #(nop)  ADD file:ab12 in /` and `/bin/sh -c apt-get update` (a RUN), BuildKit
//! `ADD https://x/y.tgz /opt/ # buildkit` and `RUN /bin/sh -c apt-get update # buildkit`, and
//! ARG values before a RUN as `|1 NAME=value /bin/sh -c ...`. [`instruction`] reads them all.

use layerwatch_oci::{Digest, ImageConfig};
use layerwatch_report::{Check, CheckResult};

use crate::catalog::CheckDef;
use crate::{ImageFacts, make, no_config};

/// An instruction: its keyword (upper case, `RUN` for a shell command) and its arguments.
pub(crate) fn instruction(created_by: &str) -> (String, String) {
    let mut s = created_by.trim();
    s = s.strip_suffix("# buildkit").unwrap_or(s).trim_end();
    // `|2 A=1 B=2 /bin/sh -c ...`: build arguments of a RUN.
    if let Some(rest) = s.strip_prefix('|')
        && let Some(at) = rest.find("/bin/sh -c")
    {
        s = &rest[at..];
    }
    s = s.strip_prefix("/bin/sh -c").unwrap_or(s).trim_start();
    if let Some(rest) = s.strip_prefix("#(nop)") {
        s = rest.trim_start();
    }
    let (word, rest) = s.split_once(char::is_whitespace).unwrap_or((s, ""));
    let upper = word.to_ascii_uppercase();
    const KEYWORDS: [&str; 17] = [
        "ADD",
        "COPY",
        "ENV",
        "ARG",
        "RUN",
        "LABEL",
        "USER",
        "WORKDIR",
        "CMD",
        "ENTRYPOINT",
        "EXPOSE",
        "VOLUME",
        "HEALTHCHECK",
        "SHELL",
        "STOPSIGNAL",
        "ONBUILD",
        "MAINTAINER",
    ];
    if KEYWORDS.contains(&upper.as_str()) {
        let rest = rest.trim();
        // BuildKit's RUN keeps the shell: `RUN /bin/sh -c apt-get update`.
        let rest = rest.strip_prefix("/bin/sh -c").unwrap_or(rest).trim();
        (upper, rest.to_string())
    } else {
        ("RUN".to_string(), s.to_string())
    }
}

/// Each history entry with the digest of the layer it made, if it made one.
fn entries<'a>(
    facts: &ImageFacts<'_>,
    config: &'a ImageConfig,
) -> Vec<(usize, &'a str, Option<Digest>)> {
    let mut layer = 0;
    config
        .history
        .iter()
        .enumerate()
        .map(|(i, h)| {
            let digest = if h.empty_layer {
                None
            } else {
                layer += 1;
                facts.layer(layer - 1)
            };
            (i, h.created_by.as_deref().unwrap_or(""), digest)
        })
        .collect()
}

const ARCHIVE_SUFFIXES: [&str; 11] = [
    ".tar",
    ".tar.gz",
    ".tgz",
    ".tar.bz2",
    ".tbz2",
    ".tbz",
    ".tar.xz",
    ".txz",
    ".tar.zst",
    ".tar.lz",
    ".tar.lzma",
];

/// 4.9: fails for each ADD of a remote URL or of a local archive (which ADD unpacks); the
/// bottom layer's ADD of an archive to `/` is how base images lay down their root filesystem
/// and passes.
pub(crate) fn add(def: &CheckDef, facts: &ImageFacts<'_>) -> Vec<Check> {
    let Some(config) = facts.config else {
        return vec![no_config(def)];
    };
    let mut failed = Vec::new();
    for (index, created_by, layer) in entries(facts, config) {
        let (keyword, args) = instruction(created_by);
        if keyword != "ADD" {
            continue;
        }
        let words: Vec<&str> = args
            .split_whitespace()
            .filter(|w| !w.starts_with("--"))
            .collect();
        // Classic builder: `ADD file:ab12 in /dest`; BuildKit: `ADD src... dest`.
        let (sources, dest) = match words.iter().position(|w| *w == "in") {
            Some(at) => (&words[..at], words.get(at + 1).copied().unwrap_or("")),
            None if words.len() >= 2 => (&words[..words.len() - 1], words[words.len() - 1]),
            None => continue,
        };
        for src in sources {
            let lower = src.to_ascii_lowercase();
            let why = if lower.contains("://") || lower.starts_with("git@") {
                "a remote URL"
            } else if ARCHIVE_SUFFIXES.iter().any(|s| lower.ends_with(s)) {
                let base_rootfs = layer.is_some() && layer == facts.layer(0) && dest == "/";
                if base_rootfs {
                    continue;
                }
                "an archive ADD unpacks"
            } else {
                continue;
            };
            failed.push(make(
                def,
                CheckResult::Fail,
                vec![format!(
                    "history[{index}]: ADD {src} ({why}); use COPY, or RUN with a checked download"
                )],
                layer.clone(),
            ));
        }
    }
    if failed.is_empty() {
        failed.push(make(def, CheckResult::Pass, Vec::new(), None));
    }
    failed
}

/// Splits a shell command into words and `;`, `&&`, `||`, `|` separators.
fn shell_words(cmd: &str) -> Vec<&str> {
    cmd.split(|c: char| c.is_whitespace() || c == '\\')
        .flat_map(|w| {
            let mut parts = Vec::new();
            let mut rest = w;
            while let Some(at) = rest.find([';', '&', '|']) {
                if at > 0 {
                    parts.push(&rest[..at]);
                }
                parts.push(";");
                rest = rest[at..].trim_start_matches([';', '&', '|']);
            }
            if !rest.is_empty() {
                parts.push(rest);
            }
            parts
        })
        .filter(|w| !w.is_empty())
        .collect()
}

/// The subcommands (`update`, `install`, `add`, ...) given to `apt-get`, `apt` or `apk`.
fn package_commands(cmd: &str) -> Vec<(&str, &str)> {
    let words = shell_words(cmd);
    let mut out = Vec::new();
    for (i, w) in words.iter().enumerate() {
        let tool = w.rsplit('/').next().unwrap_or(w);
        if !matches!(tool, "apt-get" | "apt" | "apk") {
            continue;
        }
        let sub = words[i + 1..]
            .iter()
            .take_while(|w| **w != ";")
            .find(|w| !w.starts_with('-'));
        if let Some(sub) = sub {
            out.push((tool, *sub));
        }
    }
    out
}

/// 4.7: fails for each RUN that updates the package index (`apt-get update`, `apk update`)
/// without installing or upgrading in the same instruction, which leaves a stale index cached
/// in its layer for later instructions to install from.
pub(crate) fn update_alone(def: &CheckDef, facts: &ImageFacts<'_>) -> Vec<Check> {
    let Some(config) = facts.config else {
        return vec![no_config(def)];
    };
    let mut failed = Vec::new();
    for (index, created_by, layer) in entries(facts, config) {
        let (keyword, cmd) = instruction(created_by);
        if keyword != "RUN" {
            continue;
        }
        let subs = package_commands(&cmd);
        let updates = subs.iter().any(|(_, s)| *s == "update");
        let installs = subs.iter().any(|(_, s)| {
            matches!(
                *s,
                "install" | "upgrade" | "dist-upgrade" | "full-upgrade" | "add"
            )
        });
        if updates && !installs {
            let tool = subs
                .iter()
                .find(|(_, s)| *s == "update")
                .map_or("apt-get", |(t, _)| t);
            failed.push(make(
                def,
                CheckResult::Fail,
                vec![format!(
                    "history[{index}]: `{tool} update` without an install in the same RUN"
                )],
                layer,
            ));
        }
    }
    if failed.is_empty() {
        failed.push(make(def, CheckResult::Pass, Vec::new(), None));
    }
    failed
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn instructions_of_each_builder_are_read() {
        let cases = [
            ("/bin/sh -c #(nop)  ENV A=b", ("ENV", "A=b")),
            (
                "/bin/sh -c #(nop) ADD file:ab12 in / ",
                ("ADD", "file:ab12 in /"),
            ),
            ("/bin/sh -c apt-get update", ("RUN", "apt-get update")),
            (
                "RUN /bin/sh -c apt-get update # buildkit",
                ("RUN", "apt-get update"),
            ),
            (
                "ADD https://x/y.tgz /opt/ # buildkit",
                ("ADD", "https://x/y.tgz /opt/"),
            ),
            ("|1 TOKEN=abc /bin/sh -c make", ("RUN", "make")),
            ("apk add curl", ("RUN", "apk add curl")),
        ];
        for (line, (kw, args)) in cases {
            assert_eq!(
                instruction(line),
                (kw.to_string(), args.to_string()),
                "{line}"
            );
        }
    }

    #[test]
    fn package_subcommands_per_tool() {
        assert_eq!(
            package_commands("apt-get -qq update && apt-get install -y curl"),
            vec![("apt-get", "update"), ("apt-get", "install")]
        );
        assert_eq!(
            package_commands("set -e; /usr/bin/apt update;echo ok"),
            vec![("apt", "update")]
        );
        assert_eq!(package_commands("echo apt-get"), vec![]);
    }
}
