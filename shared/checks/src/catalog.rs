//! The image checks: stable ids, titles, severities and CIS Docker Benchmark (v1.6) references.
//!
//! Ids are `LW-CIS-<section>` where the benchmark has the rule, `LW-DI-<n>` after Dockle's
//! `DKL-DI-<n>` for the ones it adds (sudo 0001, caches 0005, latest tag 0006; 0010 is ours),
//! and `LW-SECRET-<RULE>` for each secret rule of the layer reader.

use layerwatch_report::Severity;

/// Which `--checks` scope a check belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Group {
    /// Secrets in layer files and in the config: on by default.
    Secrets,
    /// Configuration rules: with `--checks` (all).
    Config,
}

/// One check's fixed description.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CheckDef {
    /// Stable id.
    pub id: &'static str,
    /// CIS Docker Benchmark section, where it has the rule.
    pub cis: Option<&'static str>,
    /// What holds when the check passes.
    pub title: &'static str,
    /// Severity of a failure.
    pub severity: Severity,
    /// Scope group.
    pub group: Group,
    /// For secret checks: the layer reader's rule id.
    pub rule: Option<&'static str>,
}

/// 4.1: the image runs as a non-root user.
pub const USER: &str = "LW-CIS-4.1";
/// 4.5: the image is signed (content trust needs a signature).
pub const SIGNATURE: &str = "LW-DI-0010";
/// 4.6: a HEALTHCHECK is defined.
pub const HEALTHCHECK: &str = "LW-CIS-4.6";
/// 4.7: update instructions are not used alone.
pub const UPDATE_ALONE: &str = "LW-CIS-4.7";
/// 4.8: no setuid or setgid files.
pub const SETUID: &str = "LW-CIS-4.8";
/// 4.9: ADD is not used for remote URLs or archives.
pub const ADD: &str = "LW-CIS-4.9";
/// 4.10: no secrets in the config (environment, labels, history).
pub const CONFIG_SECRETS: &str = "LW-CIS-4.10";
/// sudo is not installed.
pub const SUDO: &str = "LW-DI-0001";
/// Package manager caches are removed.
pub const CACHES: &str = "LW-DI-0005";
/// The reference names a tag other than `latest`, or a digest.
pub const LATEST: &str = "LW-DI-0006";
/// Prefix of the secret-file checks.
pub const SECRET_PREFIX: &str = "LW-SECRET-";

const fn config(
    id: &'static str,
    cis: Option<&'static str>,
    title: &'static str,
    severity: Severity,
) -> CheckDef {
    CheckDef {
        id,
        cis,
        title,
        severity,
        group: Group::Config,
        rule: None,
    }
}

const fn secret(
    id: &'static str,
    rule: &'static str,
    title: &'static str,
    severity: Severity,
) -> CheckDef {
    CheckDef {
        id,
        cis: Some("4.10"),
        title,
        severity,
        group: Group::Secrets,
        rule: Some(rule),
    }
}

/// Every image check, in report order.
pub const CATALOG: [CheckDef; 23] = [
    config(
        USER,
        Some("4.1"),
        "Image runs as a non-root user",
        Severity::Medium,
    ),
    config(
        HEALTHCHECK,
        Some("4.6"),
        "Image defines a HEALTHCHECK",
        Severity::Low,
    ),
    config(
        UPDATE_ALONE,
        Some("4.7"),
        "Package index updates are not run alone",
        Severity::Low,
    ),
    config(
        SETUID,
        Some("4.8"),
        "No setuid or setgid files",
        Severity::Low,
    ),
    config(
        ADD,
        Some("4.9"),
        "ADD is not used for remote URLs or archives",
        Severity::Low,
    ),
    CheckDef {
        group: Group::Secrets,
        ..config(
            CONFIG_SECRETS,
            Some("4.10"),
            "No secrets in the image config",
            Severity::High,
        )
    },
    config(SUDO, None, "sudo is not installed", Severity::Medium),
    config(
        CACHES,
        None,
        "Package manager caches are removed",
        Severity::Low,
    ),
    config(
        LATEST,
        None,
        "Reference pins a version tag or digest, not latest",
        Severity::Low,
    ),
    config(
        SIGNATURE,
        Some("4.5"),
        "Image is signed in its registry",
        Severity::Low,
    ),
    secret(
        "LW-SECRET-PRIVATE-KEY",
        "private-key",
        "No private keys in layer files",
        Severity::High,
    ),
    secret(
        "LW-SECRET-AWS-ACCESS-KEY-PAIR",
        "aws-access-key-pair",
        "No AWS access keys in layer files",
        Severity::Critical,
    ),
    secret(
        "LW-SECRET-AWS-CREDENTIALS-FILE",
        "aws-credentials-file",
        "No AWS credentials files",
        Severity::Critical,
    ),
    secret(
        "LW-SECRET-GCP-CREDENTIALS",
        "gcp-credentials",
        "No GCP credentials in layer files",
        Severity::Critical,
    ),
    secret(
        "LW-SECRET-AZURE-CREDENTIALS-FILE",
        "azure-credentials-file",
        "No Azure CLI credential caches",
        Severity::High,
    ),
    secret(
        "LW-SECRET-AZURE-STORAGE-KEY",
        "azure-storage-key",
        "No Azure storage account keys in layer files",
        Severity::Critical,
    ),
    secret(
        "LW-SECRET-DOTENV-CREDENTIAL",
        "dotenv-credential",
        "No credentials in .env files",
        Severity::High,
    ),
    secret(
        "LW-SECRET-GITHUB-TOKEN",
        "github-token",
        "No GitHub tokens in layer files",
        Severity::Critical,
    ),
    secret(
        "LW-SECRET-GITLAB-TOKEN",
        "gitlab-token",
        "No GitLab tokens in layer files",
        Severity::Critical,
    ),
    secret(
        "LW-SECRET-SLACK-TOKEN",
        "slack-token",
        "No Slack tokens or webhooks in layer files",
        Severity::High,
    ),
    secret(
        "LW-SECRET-DOCKER-CONFIG-AUTH",
        "docker-config-auth",
        "No registry credentials in .docker/config.json",
        Severity::High,
    ),
    secret(
        "LW-SECRET-NPM-TOKEN",
        "npm-token",
        "No npm tokens in .npmrc",
        Severity::High,
    ),
    secret(
        "LW-SECRET-GIT-CREDENTIALS",
        "git-credentials",
        "No passwords in .git-credentials",
        Severity::High,
    ),
];

/// The definition of check `id` (case-insensitive).
pub fn find(id: &str) -> Option<&'static CheckDef> {
    CATALOG.iter().find(|d| d.id.eq_ignore_ascii_case(id))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_secret_rule_of_the_layer_reader_has_one_check() {
        let mut rules: Vec<&str> = CATALOG.iter().filter_map(|d| d.rule).collect();
        let mut known = layerwatch_layer::content::secrets::RULES.to_vec();
        rules.sort_unstable();
        known.sort_unstable();
        assert_eq!(rules, known);
        let mut ids: Vec<&str> = CATALOG.iter().map(|d| d.id).collect();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), CATALOG.len(), "ids are unique");
    }
}
