//! Secret rules: a small set, chosen for precision (a false alarm on every image teaches users
//! to ignore the check). Each rule reports a rule id and a line, never the value.
//!
//! | rule | pattern (all must hold) |
//! |---|---|
//! | `private-key` | `-----BEGIN <L>-----` where `<L>` is `PRIVATE KEY`, `RSA\|DSA\|EC\|OPENSSH\|ENCRYPTED PRIVATE KEY` or `PGP PRIVATE KEY BLOCK`; then at least 64 base64 characters (whitespace, literal `\n` escapes and up to 3 `Name: value` header lines allowed between them) and `-----END ` |
//! | `aws-access-key-pair` | an access key id `(AKIA\|ASIA\|ABIA\|ACCA)[A-Z2-7]{16}` and, in the same file, a secret `[A-Za-z0-9/+]{40}` after a name such as `aws_secret_access_key` / `SecretAccessKey` (case-insensitive, then `[\s"':=]{1,6}`); whole words; neither holding `EXAMPLE` |
//! | `aws-credentials-file` | a file `.aws/credentials` or `.aws/config` with a line `aws_secret_access_key = <value>`, value not a placeholder |
//! | `gcp-credentials` | JSON holding `"type": "service_account"` and a `"private_key"` with `PRIVATE KEY`, or (`gcloud/` files) `"refresh_token"` and `"client_secret"` |
//! | `azure-credentials-file` | `.azure/accessTokens.json`, `.azure/msal_token_cache.json` or `.azure/service_principal_entries.json` holding `accessToken`, `refreshToken`, `secret` or `client_secret` keys (any case) |
//! | `azure-storage-key` | `AccountKey=` followed by 86+ base64 characters ending `==`; Azurite's published development key excepted |
//! | `dotenv-credential` | in a `.env`, `.env.*` or `*.env` file, a `[export ]NAME=value` line whose NAME [looks like a credential](credential_name) and whose value is not a [placeholder](is_placeholder) |
//! | `github-token` | `gh[pousr]_[A-Za-z0-9]{36}` or `github_pat_[A-Za-z0-9]{22}_[A-Za-z0-9]{59}`, whole words |
//! | `gitlab-token` | `glpat-[A-Za-z0-9_-]{20,}`, whole words |
//! | `slack-token` | `xox[abpors]-` then `-`-separated parts: at least 3, the first two all digits (8+), the last 24+ alphanumerics; or a webhook `hooks.slack.com/services/T…/B…/<24 alphanumerics>` |
//! | `docker-config-auth` | `.docker/config.json` with a non-empty `"auth"` or `"identitytoken"` value |
//! | `npm-token` | `.npmrc` with a `_authToken=`, `_auth=` or `_password=` line whose value is not a placeholder |
//! | `git-credentials` | `.git-credentials` with a `scheme://user:password@host` line |
//!
//! Documentation, manual pages and test, example and fixture folders are not searched: they are
//! full of sample keys.

mod files;
mod matchers;
#[cfg(test)]
mod tests;

pub use matchers::{credential_name, is_placeholder, scan_text};

/// Largest file read because of its name (keys, credential files).
pub const MAX_NAMED_FILE: u64 = 256 << 10;
/// Largest file read because of its extension (config files that may hold tokens).
pub const MAX_TEXT_FILE: u64 = 64 << 10;

/// Every rule id, for reports that list what was searched.
pub const RULES: [&str; 13] = [
    "private-key",
    "aws-access-key-pair",
    "aws-credentials-file",
    "gcp-credentials",
    "azure-credentials-file",
    "azure-storage-key",
    "dotenv-credential",
    "github-token",
    "gitlab-token",
    "slack-token",
    "docker-config-auth",
    "npm-token",
    "git-credentials",
];

/// Why a file is searched: its name says what it may hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Candidate {
    /// A key file by name (`id_rsa`, `*.pem`, `*.key`, `ssh_host_*_key`).
    KeyFile,
    /// A dotenv file.
    DotEnv,
    /// `.aws/credentials` or `.aws/config`.
    AwsFile,
    /// A JSON file (GCP service account keys have no fixed name).
    Json,
    /// A JSON file of gcloud's configuration folder (`application_default_credentials.json`).
    GcloudFile,
    /// A file of the Azure CLI's credential cache.
    AzureFile,
    /// `.docker/config.json`.
    DockerConfig,
    /// `.npmrc`.
    Npmrc,
    /// `.git-credentials`.
    GitCredentials,
    /// Another configuration or shell file that may hold a token.
    Text,
}

/// A match: the rule and the 1-based line where it starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Found {
    /// Rule id (one of [`RULES`]).
    pub rule: &'static str,
    /// 1-based line.
    pub line: u32,
}

const SKIPPED_DIRS: [&str; 10] = [
    "test", "tests", "testdata", "testing", "example", "examples", "fixtures", "doc", "docs", "man",
];

const TEXT_EXTENSIONS: [&str; 15] = [
    "env",
    "ini",
    "cfg",
    "conf",
    "config",
    "cnf",
    "yaml",
    "yml",
    "toml",
    "properties",
    "sh",
    "bash",
    "xml",
    "tfvars",
    "txt",
];

const TEXT_DOTFILES: [&str; 9] = [
    ".bash_history",
    ".bashrc",
    ".profile",
    ".zshrc",
    ".gitconfig",
    ".netrc",
    ".pgpass",
    ".my.cnf",
    ".pypirc",
];

/// Whether a file at normalised `path` of `size` bytes is searched, and as what. Cheap enough
/// for every entry of a layer: a few comparisons on the last path components.
pub fn candidate(path: &str, size: u64) -> Option<Candidate> {
    if size == 0 || size > MAX_NAMED_FILE {
        return None;
    }
    let (dir, name) = path.rsplit_once('/').unwrap_or(("", path));
    let parent = dir.rsplit('/').next().unwrap_or("");
    let named = match (parent, name) {
        (".aws", "credentials" | "config") => Some(Candidate::AwsFile),
        (".azure", "accessTokens.json" | "msal_token_cache.json")
        | (".azure", "service_principal_entries.json") => Some(Candidate::AzureFile),
        (".docker", "config.json") => Some(Candidate::DockerConfig),
        ("gcloud", n) if n.ends_with(".json") => Some(Candidate::GcloudFile),
        (_, ".npmrc") => Some(Candidate::Npmrc),
        (_, ".git-credentials") => Some(Candidate::GitCredentials),
        (_, "id_rsa" | "id_dsa" | "id_ecdsa" | "id_ed25519") => Some(Candidate::KeyFile),
        _ if name == ".env" || name.starts_with(".env.") || name.ends_with(".env") => {
            Some(Candidate::DotEnv)
        }
        _ if name.starts_with("ssh_host_") && name.ends_with("_key") => Some(Candidate::KeyFile),
        _ => None,
    };
    let found = named.or_else(|| {
        let ext = name.rsplit_once('.').map(|(_, e)| e)?;
        match ext {
            "pem" | "key" | "p8" | "pk8" | "ppk" | "asc" => Some(Candidate::KeyFile),
            "json" if size <= MAX_TEXT_FILE => Some(Candidate::Json),
            _ if size <= MAX_TEXT_FILE && TEXT_EXTENSIONS.contains(&ext) => Some(Candidate::Text),
            _ => None,
        }
    });
    let found = found.or_else(|| {
        (size <= MAX_TEXT_FILE && TEXT_DOTFILES.contains(&name)).then_some(Candidate::Text)
    })?;
    let skipped = path.starts_with("usr/share/doc/")
        || path.starts_with("usr/share/man/")
        || dir.split('/').any(|c| SKIPPED_DIRS.contains(&c));
    (!skipped).then_some(found)
}

/// The rules that match the content `bytes` of a file searched as `candidate`, each once,
/// at its first line.
pub fn scan(candidate: Candidate, bytes: &[u8]) -> Vec<Found> {
    let mut found: Vec<(&'static str, usize)> = Vec::new();
    let specific = match candidate {
        Candidate::AwsFile => files::aws_credentials_file(bytes),
        Candidate::AzureFile => files::azure_credentials_file(bytes),
        Candidate::DockerConfig => files::docker_config_auth(bytes),
        Candidate::Npmrc => files::npm_token(bytes),
        Candidate::GitCredentials => files::git_credentials(bytes),
        Candidate::DotEnv => files::dotenv_credential(bytes),
        Candidate::Json => files::gcp_credentials(bytes, false),
        Candidate::GcloudFile => files::gcp_credentials(bytes, true),
        Candidate::KeyFile | Candidate::Text => None,
    };
    found.extend(specific);
    for (rule, at) in matchers::token_rules(bytes) {
        // A credentials file already says what the pair inside it is.
        if rule == "aws-access-key-pair" && candidate == Candidate::AwsFile {
            continue;
        }
        // The key inside a service account file is the service account key.
        if rule == "private-key" && found.iter().any(|(r, _)| *r == "gcp-credentials") {
            continue;
        }
        if !found.iter().any(|(r, _)| *r == rule) {
            found.push((rule, at));
        }
    }
    found
        .into_iter()
        .map(|(rule, at)| Found {
            rule,
            line: line_of(bytes, at),
        })
        .collect()
}

/// The 1-based line of byte offset `at`.
fn line_of(bytes: &[u8], at: usize) -> u32 {
    let newlines = memchr::memchr_iter(b'\n', &bytes[..at.min(bytes.len())]).count();
    u32::try_from(newlines + 1).unwrap_or(u32::MAX)
}
