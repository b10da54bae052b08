//! Azure Container Registry: Entra ID (Azure AD) tokens and the refresh-token exchange.
//!
//! ACR does not take an Entra ID token directly. The flow (ACR's documented OAuth2 flow):
//! 1. get an Entra ID access token for `https://containerregistry.azure.net` from a
//!    [`TokenSource`] (managed identity in Azure; a fixed token in tests);
//! 2. `POST /oauth2/exchange` (`grant_type=access_token`, `service`, `access_token`) returns an
//!    ACR refresh token;
//! 3. `POST /oauth2/token` (`grant_type=refresh_token`, `service`, `scope`, `refresh_token`) returns
//!    a repository-scoped access token, sent as `Authorization: Bearer`.
//!
//! The refresh token is never sent as Basic credentials. Steps 2 and 3 live in `auth.rs`.
//! [`ManagedIdentityTokenSource`] does step 1 on an Azure host.

use std::fmt;

mod managed_identity;
pub use managed_identity::{ACR_RESOURCE, ManagedIdentityTokenSource};

use crate::error::RegistryError;
use crate::redact::Secret;

/// Where Entra ID access tokens come from. Implemented by managed-identity code in the Azure
/// function, and by [`StaticTokenSource`] in tests.
#[async_trait::async_trait]
pub trait TokenSource: Send + Sync {
    /// An Entra ID access token whose audience is Azure Container Registry.
    async fn entra_token(&self) -> Result<Secret, RegistryError>;
}

/// A fixed token (tests, or a token handed over by the caller).
#[derive(Clone)]
pub struct StaticTokenSource(Secret);

impl StaticTokenSource {
    /// Wraps a token.
    pub fn new(token: impl Into<String>) -> Self {
        StaticTokenSource(Secret::new(token))
    }
}

impl fmt::Debug for StaticTokenSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("StaticTokenSource(***)")
    }
}

#[async_trait::async_trait]
impl TokenSource for StaticTokenSource {
    async fn entra_token(&self) -> Result<Secret, RegistryError> {
        Ok(self.0.clone())
    }
}

/// The exchange endpoint next to a token realm: `https://r.azurecr.io/oauth2/token` ->
/// `https://r.azurecr.io/oauth2/exchange`.
pub(crate) fn exchange_url(realm: &url::Url) -> url::Url {
    let mut u = realm.clone();
    u.set_query(None);
    u.set_path("/oauth2/exchange");
    u
}
