//! Credentials per registry host, and the providers that find them.
//!
//! A [`CredentialProvider`] answers "what credential do I use for this host?". Providers compose
//! with [`ChainProvider`] (first one that has something wins): environment variables
//! ([`EnvCredentials`]), the Docker config file ([`crate::DockerConfig`]), ECR
//! (`EcrCredentials`, feature `ecr`) and ACR's Entra ID exchange ([`Credential::AzureAd`]).

use std::collections::HashMap;
use std::fmt;
use std::sync::Arc;

use crate::acr::TokenSource;
use crate::error::RegistryError;
use crate::redact::Secret;

/// How to authenticate to one registry.
#[derive(Clone, Default)]
pub enum Credential {
    /// No credential: anonymous pulls, or an anonymous bearer token when the registry offers one.
    #[default]
    Anonymous,
    /// User name and password (or ECR's `AWS` + authorization token): sent as HTTP Basic, or to
    /// the token server as Basic when the registry asks for a bearer token.
    Basic {
        /// User name.
        username: String,
        /// Password or token.
        password: Secret,
    },
    /// An OAuth2 refresh token (Docker config `identitytoken`), traded for access tokens at the
    /// token server with `grant_type=refresh_token`.
    RefreshToken(Secret),
    /// Azure Container Registry with an Entra ID token: exchanged at `/oauth2/exchange` for a
    /// refresh token, then at `/oauth2/token` for repository-scoped access tokens.
    AzureAd(Arc<dyn TokenSource>),
}

impl fmt::Debug for Credential {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Credential::Anonymous => f.write_str("Anonymous"),
            Credential::Basic { username, .. } => f
                .debug_struct("Basic")
                .field("username", username)
                .field("password", &"***")
                .finish(),
            Credential::RefreshToken(_) => f.write_str("RefreshToken(***)"),
            Credential::AzureAd(_) => f.write_str("AzureAd(<token source>)"),
        }
    }
}

impl Credential {
    /// A Basic credential.
    pub fn basic(username: impl Into<String>, password: impl Into<String>) -> Self {
        Credential::Basic {
            username: username.into(),
            password: Secret::new(password),
        }
    }

    /// True for [`Credential::Anonymous`].
    pub fn is_anonymous(&self) -> bool {
        matches!(self, Credential::Anonymous)
    }
}

/// Finds the credential for a registry host (`host` or `host:port`).
#[async_trait::async_trait]
pub trait CredentialProvider: Send + Sync {
    /// The credential to use; [`Credential::Anonymous`] when this provider has none.
    async fn credential(&self, registry: &str) -> Result<Credential, RegistryError>;
}

/// Fixed credentials per host, e.g. from the CLI's flags or a test.
#[derive(Debug, Clone, Default)]
pub struct StaticCredentials {
    by_host: HashMap<String, Credential>,
}

impl StaticCredentials {
    /// No credentials at all (anonymous everywhere).
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a credential for `registry`.
    pub fn with(mut self, registry: impl Into<String>, credential: Credential) -> Self {
        self.by_host.insert(registry.into(), credential);
        self
    }
}

#[async_trait::async_trait]
impl CredentialProvider for StaticCredentials {
    async fn credential(&self, registry: &str) -> Result<Credential, RegistryError> {
        Ok(self.by_host.get(registry).cloned().unwrap_or_default())
    }
}

/// Credentials from `LAYERWATCH_REGISTRY_USERNAME` and `LAYERWATCH_REGISTRY_PASSWORD`, for the
/// host in `LAYERWATCH_REGISTRY_HOST` when that is set, else for every host.
#[derive(Debug, Clone, Default)]
pub struct EnvCredentials {
    host: Option<String>,
    credential: Option<Credential>,
}

impl EnvCredentials {
    /// Reads the process environment.
    pub fn from_env() -> Self {
        Self::from_lookup(|k| std::env::var(k).ok())
    }

    /// Reads variables through `lookup` (tests pass a map instead of touching the environment).
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Self {
        let user = lookup("LAYERWATCH_REGISTRY_USERNAME").filter(|s| !s.is_empty());
        let pass = lookup("LAYERWATCH_REGISTRY_PASSWORD");
        EnvCredentials {
            host: lookup("LAYERWATCH_REGISTRY_HOST").filter(|s| !s.is_empty()),
            credential: user.zip(pass).map(|(u, p)| Credential::basic(u, p)),
        }
    }
}

#[async_trait::async_trait]
impl CredentialProvider for EnvCredentials {
    async fn credential(&self, registry: &str) -> Result<Credential, RegistryError> {
        let applies = self.host.as_deref().is_none_or(|h| h == registry);
        Ok(match (&self.credential, applies) {
            (Some(c), true) => c.clone(),
            _ => Credential::Anonymous,
        })
    }
}

/// Asks each provider in turn; the first non-anonymous credential wins.
#[derive(Clone, Default)]
pub struct ChainProvider(pub Vec<Arc<dyn CredentialProvider>>);

#[async_trait::async_trait]
impl CredentialProvider for ChainProvider {
    async fn credential(&self, registry: &str) -> Result<Credential, RegistryError> {
        for p in &self.0 {
            let c = p.credential(registry).await?;
            if !c.is_anonymous() {
                return Ok(c);
            }
        }
        Ok(Credential::Anonymous)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn env_credentials_apply_to_their_host_only() {
        let vars = HashMap::from([
            ("LAYERWATCH_REGISTRY_USERNAME", "u"),
            ("LAYERWATCH_REGISTRY_PASSWORD", "p4ss"),
            ("LAYERWATCH_REGISTRY_HOST", "reg.example:5000"),
        ]);
        let env = EnvCredentials::from_lookup(|k| vars.get(k).map(|v| v.to_string()));
        let c = env.credential("reg.example:5000").await.unwrap();
        assert!(
            matches!(&c, Credential::Basic { username, password } if username == "u" && password.expose() == "p4ss")
        );
        assert!(
            !format!("{c:?}").contains("p4ss"),
            "Debug must not print the password"
        );
        assert!(env.credential("other").await.unwrap().is_anonymous());
        let chain = ChainProvider(vec![Arc::new(StaticCredentials::new()), Arc::new(env)]);
        assert!(
            !chain
                .credential("reg.example:5000")
                .await
                .unwrap()
                .is_anonymous()
        );
    }
}
