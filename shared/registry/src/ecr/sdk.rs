//! `GetAuthorizationToken` through the AWS SDK, cached per registry host until shortly before
//! the token expires.

use std::collections::HashMap;
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, SystemTime};

use aws_sdk_ecr::config::Region;
use base64::Engine as _;

use super::parse_ecr_host;
use crate::credentials::{Credential, CredentialProvider};
use crate::error::RegistryError;

/// Refresh ECR tokens this long before they expire.
const EXPIRY_MARGIN: Duration = Duration::from_secs(5 * 60);

/// ECR credentials from `GetAuthorizationToken`, used as a [`CredentialProvider`]. Hosts that
/// are not ECR hosts get [`Credential::Anonymous`] unless a fallback region is set.
pub struct EcrCredentials {
    sdk: aws_config::SdkConfig,
    endpoint_url: Option<String>,
    fallback_region: Option<String>,
    cache: Mutex<HashMap<String, (Credential, SystemTime)>>,
}

impl std::fmt::Debug for EcrCredentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EcrCredentials")
            .field("endpoint_url", &self.endpoint_url)
            .field("fallback_region", &self.fallback_region)
            .finish_non_exhaustive()
    }
}

impl EcrCredentials {
    /// Uses the default AWS configuration chain (environment, profile, container/instance role).
    pub async fn from_env() -> Self {
        let sdk = aws_config::load_defaults(aws_config::BehaviorVersion::latest()).await;
        Self::from_sdk_config(sdk)
    }

    /// Uses an existing SDK configuration.
    pub fn from_sdk_config(sdk: aws_config::SdkConfig) -> Self {
        EcrCredentials {
            sdk,
            endpoint_url: None,
            fallback_region: None,
            cache: Mutex::default(),
        }
    }

    /// Sends ECR control-plane calls to `url` (moto in tests).
    pub fn with_endpoint_url(mut self, url: impl Into<String>) -> Self {
        self.endpoint_url = Some(url.into());
        self
    }

    /// Treats every non-ECR host as an ECR registry in `region` (a local registry standing in
    /// for ECR's data plane in tests).
    pub fn with_fallback_region(mut self, region: impl Into<String>) -> Self {
        self.fallback_region = Some(region.into());
        self
    }

    async fn fetch(
        &self,
        registry: &str,
        region: String,
    ) -> Result<(Credential, SystemTime), RegistryError> {
        let fail = |reason: String| RegistryError::Credentials {
            registry: registry.to_string(),
            reason,
        };
        let mut cfg =
            aws_sdk_ecr::config::Builder::from(&self.sdk).region(Region::new(region.clone()));
        if let Some(url) = &self.endpoint_url {
            cfg = cfg.endpoint_url(url);
        }
        let client = aws_sdk_ecr::Client::from_conf(cfg.build());
        let out = client.get_authorization_token().send().await.map_err(|e| {
            fail(format!(
                "ecr GetAuthorizationToken in {region}: {}",
                aws_sdk_ecr::error::DisplayErrorContext(&e)
            ))
        })?;
        let data = out
            .authorization_data()
            .first()
            .ok_or_else(|| fail("GetAuthorizationToken returned no data".into()))?;
        let token = data
            .authorization_token()
            .ok_or_else(|| fail("GetAuthorizationToken returned no token".into()))?;
        let decoded = base64::engine::general_purpose::STANDARD
            .decode(token)
            .ok()
            .and_then(|b| String::from_utf8(b).ok())
            .ok_or_else(|| fail("ecr authorization token is not base64 text".into()))?;
        let (user, pass) = decoded
            .split_once(':')
            .ok_or_else(|| fail("ecr authorization token is not user:password".into()))?;
        let expires = data
            .expires_at()
            .and_then(|t| SystemTime::try_from(*t).ok())
            .unwrap_or_else(|| SystemTime::now() + Duration::from_secs(3600));
        Ok((Credential::basic(user, pass), expires))
    }
}

#[async_trait::async_trait]
impl CredentialProvider for EcrCredentials {
    async fn credential(&self, registry: &str) -> Result<Credential, RegistryError> {
        let region = match parse_ecr_host(registry) {
            Some(h) => h.region,
            None => match &self.fallback_region {
                Some(r) => r.clone(),
                None => return Ok(Credential::Anonymous),
            },
        };
        let cached = self
            .cache
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .get(registry)
            .cloned();
        if let Some((c, expires)) = cached
            && SystemTime::now() + EXPIRY_MARGIN < expires
        {
            return Ok(c);
        }
        let (c, expires) = self.fetch(registry, region).await?;
        self.cache
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(registry.to_string(), (c.clone(), expires));
        Ok(c)
    }
}
