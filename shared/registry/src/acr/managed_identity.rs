//! Entra ID tokens from the managed identity of the Azure host: the App Service / Functions
//! identity endpoint (`IDENTITY_ENDPOINT` + `IDENTITY_HEADER`), else the VM instance metadata
//! service. Tokens are cached until five minutes before `expires_on`.

use std::sync::Mutex;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde::Deserialize;

use super::TokenSource;
use crate::error::RegistryError;
use crate::redact::{Secret, redact_url_str};

/// The Entra ID resource (audience) of Azure Container Registry.
pub const ACR_RESOURCE: &str = "https://containerregistry.azure.net";
const IMDS: &str = "http://169.254.169.254/metadata/identity/oauth2/token";

#[derive(Deserialize)]
struct Response {
    access_token: String,
    /// Seconds since the epoch; a string from the identity endpoints, a number from some.
    #[serde(default)]
    expires_on: Option<serde_json::Value>,
}

/// A [`TokenSource`] backed by the host's managed identity.
pub struct ManagedIdentityTokenSource {
    endpoint: String,
    identity_header: Option<Secret>,
    client_id: Option<String>,
    http: reqwest::Client,
    cached: Mutex<Option<(Secret, SystemTime)>>,
}

impl std::fmt::Debug for ManagedIdentityTokenSource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ManagedIdentityTokenSource")
            .field("endpoint", &redact_url_str(&self.endpoint))
            .field("client_id", &self.client_id)
            .finish_non_exhaustive()
    }
}

impl ManagedIdentityTokenSource {
    /// From the environment: `IDENTITY_ENDPOINT`/`IDENTITY_HEADER` when set (App Service,
    /// Functions), else IMDS; `AZURE_CLIENT_ID` picks a user-assigned identity.
    pub fn from_env() -> Result<Self, RegistryError> {
        let var = |k: &str| std::env::var(k).ok().filter(|v| !v.is_empty());
        match (var("IDENTITY_ENDPOINT"), var("IDENTITY_HEADER")) {
            (Some(endpoint), Some(header)) => {
                Self::new(endpoint, Some(Secret::new(header)), var("AZURE_CLIENT_ID"))
            }
            _ => Self::new(IMDS.to_string(), None, var("AZURE_CLIENT_ID")),
        }
    }

    /// An explicit endpoint; with `identity_header` it speaks the App Service protocol
    /// (api-version 2019-08-01, `X-IDENTITY-HEADER`), without it the IMDS one (2018-02-01,
    /// `Metadata: true`).
    pub fn new(
        endpoint: String,
        identity_header: Option<Secret>,
        client_id: Option<String>,
    ) -> Result<Self, RegistryError> {
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(10))
            .build()
            .map_err(|e| RegistryError::Invalid {
                what: "http client",
                value: e.to_string(),
            })?;
        Ok(ManagedIdentityTokenSource {
            endpoint,
            identity_header,
            client_id,
            http,
            cached: Mutex::new(None),
        })
    }

    async fn fetch(&self) -> Result<(Secret, SystemTime), RegistryError> {
        let fail = |reason: String| RegistryError::Credentials {
            registry: "azure managed identity".into(),
            reason,
        };
        let api_version = if self.identity_header.is_some() {
            "2019-08-01"
        } else {
            "2018-02-01"
        };
        let mut query = vec![("resource", ACR_RESOURCE), ("api-version", api_version)];
        if let Some(id) = &self.client_id {
            query.push(("client_id", id));
        }
        let mut url = url::Url::parse(&self.endpoint)
            .map_err(|_| fail("identity endpoint is not a URL".into()))?;
        url.query_pairs_mut().extend_pairs(query);
        let mut req = self.http.get(url.clone());
        req = match &self.identity_header {
            Some(h) => req.header("X-IDENTITY-HEADER", h.expose()),
            None => req.header("Metadata", "true"),
        };
        let safe = redact_url_str(url.as_str());
        let resp = req
            .send()
            .await
            .map_err(|e| fail(format!("{safe}: {}", e.without_url())))?;
        if !resp.status().is_success() {
            return Err(fail(format!(
                "{safe} returned HTTP {}",
                resp.status().as_u16()
            )));
        }
        let bytes = resp
            .bytes()
            .await
            .map_err(|e| fail(format!("{safe}: {}", e.without_url())))?;
        let body: Response = serde_json::from_slice(&bytes)
            .map_err(|e| fail(format!("{safe}: invalid response: {e}")))?;
        let expires = body
            .expires_on
            .and_then(|v| v.as_u64().or_else(|| v.as_str()?.parse().ok()))
            .map_or_else(
                || SystemTime::now() + Duration::from_secs(600),
                |s| UNIX_EPOCH + Duration::from_secs(s),
            );
        Ok((Secret::new(body.access_token), expires))
    }
}

#[async_trait::async_trait]
impl TokenSource for ManagedIdentityTokenSource {
    async fn entra_token(&self) -> Result<Secret, RegistryError> {
        let cached = self
            .cached
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone();
        if let Some((t, exp)) = cached
            && SystemTime::now() + Duration::from_secs(300) < exp
        {
            return Ok(t);
        }
        let (t, exp) = self.fetch().await?;
        *self
            .cached
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = Some((t.clone(), exp));
        Ok(t)
    }
}
