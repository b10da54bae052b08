//! Checks on the config's run settings, the merged inventory and the reference.

use std::collections::BTreeMap;

use layerwatch_oci::Digest;
use layerwatch_report::{Check, CheckResult};

use crate::catalog::CheckDef;
use crate::{ImageFacts, ImageName, make, no_config};

/// 4.1: fails when `User` is empty, `root`, `0`, or a `root`/`0` user with a group.
pub(crate) fn user(def: &CheckDef, facts: &ImageFacts<'_>) -> Check {
    let Some(config) = facts.config else {
        return no_config(def);
    };
    let user = config.config.user.as_deref().unwrap_or("").trim();
    let name = user.split(':').next().unwrap_or("");
    if name.is_empty() || name == "root" || name == "0" {
        let said = if user.is_empty() {
            "User is not set: containers run as root".to_string()
        } else {
            format!("User is `{user}`: containers run as root")
        };
        make(def, CheckResult::Fail, vec![said], None)
    } else {
        make(
            def,
            CheckResult::Pass,
            vec![format!("User is `{user}`")],
            None,
        )
    }
}

/// 4.6: fails without a health check, or with `HEALTHCHECK NONE`.
pub(crate) fn healthcheck(def: &CheckDef, facts: &ImageFacts<'_>) -> Check {
    let Some(config) = facts.config else {
        return no_config(def);
    };
    match &config.config.healthcheck {
        Some(h) if h.test.first().is_some_and(|t| t != "NONE") => make(
            def,
            CheckResult::Pass,
            vec![format!("Healthcheck test is {}", h.test.join(" "))],
            None,
        ),
        Some(_) => make(
            def,
            CheckResult::Fail,
            vec!["HEALTHCHECK NONE".to_string()],
            None,
        ),
        None => make(
            def,
            CheckResult::Fail,
            vec!["no HEALTHCHECK in the config".to_string()],
            None,
        ),
    }
}

/// 4.8: one failing check per layer that wrote setuid or setgid files still in the image.
pub(crate) fn setuid(def: &CheckDef, facts: &ImageFacts<'_>) -> Vec<Check> {
    let mut by_layer: BTreeMap<Digest, Vec<String>> = BTreeMap::new();
    for special in &facts.inventory.special_files {
        let f = &special.file;
        let bits = match (f.mode & 0o4000 != 0, f.mode & 0o2000 != 0) {
            (true, true) => "setuid+setgid",
            (true, false) => "setuid",
            _ => "setgid",
        };
        by_layer
            .entry(special.layer.clone())
            .or_default()
            .push(format!(
                "{} ({bits}, mode {:04o}, uid {}, gid {})",
                f.path,
                f.mode & 0o7777,
                f.uid,
                f.gid
            ));
    }
    if by_layer.is_empty() {
        return vec![make(def, CheckResult::Pass, Vec::new(), None)];
    }
    // Bottom layer first, as the report lists layers.
    let order = |d: &Digest| facts.layers.iter().position(|l| l.digest == *d);
    let mut layers: Vec<(Digest, Vec<String>)> = by_layer.into_iter().collect();
    layers.sort_by_key(|(d, _)| order(d));
    layers
        .into_iter()
        .map(|(layer, files)| make(def, CheckResult::Fail, files, Some(layer)))
        .collect()
}

/// sudo: fails when a package named `sudo` is installed, or a `sudo` binary has the setuid bit.
pub(crate) fn sudo(def: &CheckDef, facts: &ImageFacts<'_>) -> Check {
    if let Some(p) = facts
        .inventory
        .packages
        .iter()
        .find(|p| p.package.name == "sudo")
    {
        let evidence = format!(
            "package sudo {} ({}) from {}",
            p.package.version,
            p.package.ecosystem.as_str(),
            p.path
        );
        return make(
            def,
            CheckResult::Fail,
            vec![evidence],
            Some(p.layer.clone()),
        );
    }
    let binary = facts
        .inventory
        .special_files
        .iter()
        .find(|s| s.file.path.rsplit('/').next() == Some("sudo") && s.file.mode & 0o4000 != 0);
    if let Some(s) = binary {
        let evidence = format!("setuid binary {}", s.file.path);
        return make(
            def,
            CheckResult::Fail,
            vec![evidence],
            Some(s.layer.clone()),
        );
    }
    make(def, CheckResult::Pass, Vec::new(), None)
}

/// Caches: one failing check per layer whose apt, apk or pip cache files are still there.
pub(crate) fn caches(def: &CheckDef, facts: &ImageFacts<'_>) -> Vec<Check> {
    let mut by_layer: Vec<(Digest, BTreeMap<&str, Vec<&str>>)> = Vec::new();
    for cache in &facts.inventory.caches {
        let at = match by_layer.iter().position(|(d, _)| *d == cache.layer) {
            Some(i) => i,
            None => {
                by_layer.push((cache.layer.clone(), BTreeMap::new()));
                by_layer.len() - 1
            }
        };
        by_layer[at]
            .1
            .entry(cache.file.manager.as_str())
            .or_default()
            .push(cache.file.path.as_str());
    }
    if by_layer.is_empty() {
        return vec![make(def, CheckResult::Pass, Vec::new(), None)];
    }
    by_layer
        .into_iter()
        .map(|(layer, managers)| {
            let evidence = managers
                .into_iter()
                .map(|(manager, paths)| {
                    let more = if paths.len() > 3 { ", ..." } else { "" };
                    let shown: Vec<&str> = paths.iter().take(3).copied().collect();
                    format!("{manager} cache left: {}{more}", shown.join(", "))
                })
                .collect();
            make(def, CheckResult::Fail, evidence, Some(layer))
        })
        .collect()
}

/// Latest: fails for `latest` or no tag; passes for another tag or a digest.
pub(crate) fn latest(def: &CheckDef, facts: &ImageFacts<'_>) -> Check {
    let said = format!("the reference names {}", facts.name);
    match facts.name {
        ImageName::Tag(t) if t != "latest" => make(def, CheckResult::Pass, vec![said], None),
        ImageName::Digest => make(def, CheckResult::Pass, vec![said], None),
        ImageName::Tag(_) | ImageName::Untagged => make(def, CheckResult::Fail, vec![said], None),
        ImageName::Unknown => make(def, CheckResult::NotApplicable, vec![said], None),
    }
}
