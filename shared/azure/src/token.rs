//! Entra ID bearer tokens for Blob and Queue storage, from the host's managed identity (the
//! production path: a Function App's system-assigned identity with the storage data roles).
//!
//! Same protocol as `layerwatch_registry`'s `ManagedIdentityTokenSource`, with the storage
//! audience: the App Service / Functions identity endpoint (`IDENTITY_ENDPOINT` with the
//! `X-IDENTITY-HEADER` secret) when set, else the VM instance metadata service. A token is
//! reused until five minutes before it expires.

use std::sync::Mutex;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde::Deserialize;

use crate::error::AzureError;

/// The Entra ID resource (audience) of Azure Storage.
pub const STORAGE_RESOURCE: &str = "https://storage.azure.com/";
const IMDS: &str = "http://169.254.169.254/metadata/identity/oauth2/token";

/// Something that hands out bearer tokens for Azure Storage.
#[async_trait::async_trait]
pub trait TokenProvider: Send + Sync + std::fmt::Debug {
    /// A token valid for at least a few minutes.
    async fn token(&self) -> Result<String, AzureError>;
}

#[derive(Deserialize)]
struct Response {
    access_token: String,
    /// Seconds since the epoch; a string from the identity endpoints, a number from some.
    #[serde(default)]
    expires_on: Option<serde_json::Value>,
}

/// Tokens from the host's managed identity.
pub struct ManagedIdentity {
    endpoint: String,
    identity_header: Option<String>,
    client_id: Option<String>,
    http: reqwest::Client,
    cached: Mutex<Option<(String, SystemTime)>>,
}

impl std::fmt::Debug for ManagedIdentity {
    // The identity header is a secret: never print it.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ManagedIdentity")
            .field("endpoint", &self.endpoint)
            .field("client_id", &self.client_id)
            .finish_non_exhaustive()
    }
}

impl ManagedIdentity {
    /// From the environment: `IDENTITY_ENDPOINT` + `IDENTITY_HEADER` (App Service, Functions),
    /// else IMDS; `AZURE_CLIENT_ID` picks a user-assigned identity.
    pub fn from_env() -> Result<Self, AzureError> {
        let var = |k: &str| std::env::var(k).ok().filter(|v| !v.is_empty());
        match (var("IDENTITY_ENDPOINT"), var("IDENTITY_HEADER")) {
            (Some(endpoint), Some(header)) => {
                Self::new(endpoint, Some(header), var("AZURE_CLIENT_ID"))
            }
            _ => Self::new(IMDS.to_string(), None, var("AZURE_CLIENT_ID")),
        }
    }

    /// An explicit endpoint; with `identity_header` it speaks the App Service protocol
    /// (api-version 2019-08-01), without it the IMDS one (2018-02-01, `Metadata: true`).
    pub fn new(
        endpoint: String,
        identity_header: Option<String>,
        client_id: Option<String>,
    ) -> Result<Self, AzureError> {
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(10))
            .build()
            .map_err(|e| AzureError::Config(format!("http client: {e}")))?;
        Ok(ManagedIdentity {
            endpoint,
            identity_header,
            client_id,
            http,
            cached: Mutex::new(None),
        })
    }

    async fn fetch(&self) -> Result<(String, SystemTime), AzureError> {
        let fail = |reason: String| AzureError::Token(format!("{}: {reason}", self.endpoint));
        let api_version = if self.identity_header.is_some() {
            "2019-08-01"
        } else {
            "2018-02-01"
        };
        let mut url = url::Url::parse(&self.endpoint)
            .map_err(|_| fail("identity endpoint is not a URL".into()))?;
        url.query_pairs_mut()
            .append_pair("resource", STORAGE_RESOURCE)
            .append_pair("api-version", api_version);
        if let Some(id) = &self.client_id {
            url.query_pairs_mut().append_pair("client_id", id);
        }
        let req = match &self.identity_header {
            Some(h) => self.http.get(url).header("X-IDENTITY-HEADER", h),
            None => self.http.get(url).header("Metadata", "true"),
        };
        let resp = req
            .send()
            .await
            .map_err(|e| fail(e.without_url().to_string()))?;
        if !resp.status().is_success() {
            return Err(fail(format!("HTTP {}", resp.status().as_u16())));
        }
        let bytes = resp
            .bytes()
            .await
            .map_err(|e| fail(e.without_url().to_string()))?;
        let body: Response = serde_json::from_slice(&bytes)
            .map_err(|e| fail(format!("invalid token response: {e}")))?;
        let expires = body
            .expires_on
            .and_then(|v| v.as_u64().or_else(|| v.as_str()?.parse().ok()))
            .map_or_else(
                || SystemTime::now() + Duration::from_secs(600),
                |s| UNIX_EPOCH + Duration::from_secs(s),
            );
        Ok((body.access_token, expires))
    }
}

#[async_trait::async_trait]
impl TokenProvider for ManagedIdentity {
    async fn token(&self) -> Result<String, AzureError> {
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
