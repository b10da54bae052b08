//! Credentials from the Docker config file (`$DOCKER_CONFIG/config.json`, else
//! `~/.docker/config.json`), as `docker login` writes them.
//!
//! Order, as the Docker CLI does it: a `credHelpers` entry for the host runs
//! `docker-credential-<name> get`; else an `auths` entry with `auth` (base64 `user:password`) or
//! `identitytoken`; else a `credsStore` helper; else anonymous.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::Stdio;

use base64::Engine as _;
use serde::Deserialize;
use tokio::io::AsyncWriteExt;

use crate::credentials::{Credential, CredentialProvider};
use crate::error::RegistryError;
use crate::redact::Secret;

/// The registry hosts Docker Hub is known by; `auths` stores it under its v1 index URL.
const DOCKER_HUB: [&str; 4] = [
    "docker.io",
    "index.docker.io",
    "registry-1.docker.io",
    "registry.hub.docker.com",
];

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
struct RawConfig {
    #[serde(default)]
    auths: HashMap<String, RawAuth>,
    #[serde(default)]
    cred_helpers: HashMap<String, String>,
    #[serde(default)]
    creds_store: Option<String>,
}

#[derive(Deserialize, Default)]
struct RawAuth {
    #[serde(default)]
    auth: Option<String>,
    #[serde(default)]
    identitytoken: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct HelperOutput {
    username: String,
    secret: String,
}

/// A parsed Docker config file, used as a [`CredentialProvider`].
pub struct DockerConfig {
    auths: HashMap<String, Credential>,
    cred_helpers: HashMap<String, String>,
    creds_store: Option<String>,
    helper_prefix: PathBuf,
}

impl std::fmt::Debug for DockerConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let hosts: Vec<&String> = self.auths.keys().collect();
        f.debug_struct("DockerConfig")
            .field("auths", &hosts)
            .field("cred_helpers", &self.cred_helpers)
            .field("creds_store", &self.creds_store)
            .finish()
    }
}

impl DockerConfig {
    /// Loads `$DOCKER_CONFIG/config.json` or `$HOME/.docker/config.json`; a missing file is an
    /// empty config (anonymous everywhere).
    pub fn load_default() -> Result<Self, RegistryError> {
        let dir = std::env::var_os("DOCKER_CONFIG")
            .map(PathBuf::from)
            .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".docker")));
        match dir.map(|d| d.join("config.json")) {
            Some(p) if p.exists() => Self::load(&p),
            _ => Self::from_json(b"{}"),
        }
    }

    /// Loads a config file.
    pub fn load(path: &Path) -> Result<Self, RegistryError> {
        let bytes = std::fs::read(path).map_err(|e| RegistryError::Credentials {
            registry: "*".into(),
            reason: format!("cannot read docker config {}: {e}", path.display()),
        })?;
        Self::from_json(&bytes)
    }

    /// Parses the JSON of a config file.
    pub fn from_json(bytes: &[u8]) -> Result<Self, RegistryError> {
        let raw: RawConfig =
            serde_json::from_slice(bytes).map_err(|e| RegistryError::Credentials {
                registry: "*".into(),
                reason: format!("docker config is not valid: {e}"),
            })?;
        let mut auths = HashMap::new();
        for (key, entry) in raw.auths {
            let host = normalize_host(&key);
            let credential = if let Some(token) = entry.identitytoken.filter(|t| !t.is_empty()) {
                Credential::RefreshToken(Secret::new(token))
            } else if let Some(auth) = entry.auth.filter(|a| !a.is_empty()) {
                decode_auth(&host, &auth)?
            } else {
                // `{}` entries are markers written next to a credsStore.
                continue;
            };
            auths.insert(host, credential);
        }
        Ok(DockerConfig {
            auths,
            cred_helpers: raw
                .cred_helpers
                .into_iter()
                .map(|(k, v)| (normalize_host(&k), v))
                .collect(),
            creds_store: raw.creds_store.filter(|s| !s.is_empty()),
            helper_prefix: PathBuf::from("docker-credential-"),
        })
    }

    /// Runs helpers as `<prefix><name>` instead of `docker-credential-<name>` from `PATH`.
    pub fn with_helper_prefix(mut self, prefix: impl Into<PathBuf>) -> Self {
        self.helper_prefix = prefix.into();
        self
    }

    async fn run_helper(&self, name: &str, registry: &str) -> Result<Credential, RegistryError> {
        let mut program = self.helper_prefix.clone().into_os_string();
        program.push(name);
        let fail = |reason: String| RegistryError::Credentials {
            registry: registry.to_string(),
            reason,
        };
        let mut child = tokio::process::Command::new(&program)
            .arg("get")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .kill_on_drop(true)
            .spawn()
            .map_err(|e| fail(format!("cannot run docker-credential-{name}: {e}")))?;
        if let Some(mut stdin) = child.stdin.take() {
            stdin
                .write_all(registry.as_bytes())
                .await
                .map_err(|e| fail(format!("docker-credential-{name}: {e}")))?;
        }
        let out = child
            .wait_with_output()
            .await
            .map_err(|e| fail(format!("docker-credential-{name}: {e}")))?;
        if !out.status.success() {
            // Helpers say "credentials not found" with a failure status: that is "no credential".
            let stderr = String::from_utf8_lossy(&out.stdout).to_lowercase()
                + &String::from_utf8_lossy(&out.stderr).to_lowercase();
            if stderr.contains("not found") {
                return Ok(Credential::Anonymous);
            }
            return Err(fail(format!(
                "docker-credential-{name} get exited with {}",
                out.status
            )));
        }
        let parsed: HelperOutput = serde_json::from_slice(&out.stdout).map_err(|e| {
            fail(format!(
                "docker-credential-{name} printed no credential JSON: {e}"
            ))
        })?;
        Ok(if parsed.username == "<token>" {
            Credential::RefreshToken(Secret::new(parsed.secret))
        } else {
            Credential::basic(parsed.username, parsed.secret)
        })
    }
}

#[async_trait::async_trait]
impl CredentialProvider for DockerConfig {
    async fn credential(&self, registry: &str) -> Result<Credential, RegistryError> {
        let host = normalize_host(registry);
        if let Some(helper) = self.cred_helpers.get(&host) {
            return self.run_helper(helper, registry).await;
        }
        if let Some(c) = self.auths.get(&host) {
            return Ok(c.clone());
        }
        match &self.creds_store {
            Some(store) => self.run_helper(store, registry).await,
            None => Ok(Credential::Anonymous),
        }
    }
}

/// `https://index.docker.io/v1/` -> `docker.io`, `https://host:5000/` -> `host:5000`.
fn normalize_host(key: &str) -> String {
    let no_scheme = key.split_once("://").map_or(key, |(_, rest)| rest);
    let host = no_scheme
        .split('/')
        .next()
        .unwrap_or("")
        .to_ascii_lowercase();
    if DOCKER_HUB.contains(&host.as_str()) {
        "docker.io".to_string()
    } else {
        host
    }
}

fn decode_auth(host: &str, auth: &str) -> Result<Credential, RegistryError> {
    let bad = || RegistryError::Credentials {
        registry: host.to_string(),
        reason: "docker config `auth` is not base64 of `user:password`".into(),
    };
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(auth.trim())
        .map_err(|_| bad())?;
    let text = String::from_utf8(bytes).map_err(|_| bad())?;
    let (user, pass) = text.split_once(':').ok_or_else(bad)?;
    Ok(Credential::basic(user, pass))
}

#[cfg(test)]
mod tests;
