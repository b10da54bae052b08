//! Authentication state per registry: the challenge each host answered with, bearer tokens
//! cached per (host, scope) until they expire, and ACR refresh tokens.
//!
//! The first request to a host goes out anonymously; a 401 teaches us the host's challenge
//! (Basic or Bearer), and the request is repeated with credentials. Bearer tokens come from the
//! challenge's realm: a GET with Basic credentials (Docker token auth), or a POST with a refresh
//! token (`identitytoken`, and ACR after exchanging an Entra ID token).

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use base64::Engine as _;
use reqwest::header::{HeaderMap, HeaderValue};
use reqwest::{Method, Response};
use serde::Deserialize;
use url::Url;

use crate::acr::exchange_url;
use crate::challenge::Challenge;
use crate::credentials::{Credential, CredentialProvider};
use crate::error::RegistryError;
use crate::http::{Http, transport};
use crate::redact::{Secret, redact_url};

/// Tokens without `expires_in` live 60 s (distribution's token spec default).
const DEFAULT_TOKEN_LIFETIME: Duration = Duration::from_secs(60);
/// ACR refresh tokens are valid for hours; refresh well before that.
const REFRESH_TOKEN_LIFETIME: Duration = Duration::from_secs(30 * 60);

#[derive(Deserialize)]
struct TokenResponse {
    #[serde(default)]
    token: Option<String>,
    #[serde(default)]
    access_token: Option<String>,
    #[serde(default)]
    refresh_token: Option<String>,
    #[serde(default)]
    expires_in: Option<u64>,
}

#[derive(Clone)]
struct Cached {
    value: Secret,
    until: Instant,
}

/// What a token request is for, so failures name the repository and reference.
pub(crate) struct Target<'a> {
    pub registry: &'a str,
    pub repository: &'a str,
    pub reference: &'a str,
}

impl Target<'_> {
    pub(crate) fn repo_name(&self) -> String {
        format!("{}/{}", self.registry, self.repository)
    }

    fn denied(&self, status: u16, detail: String) -> RegistryError {
        RegistryError::Denied {
            repository: self.repo_name(),
            reference: self.reference.to_string(),
            status,
            detail,
        }
    }
}

pub(crate) struct Authenticator {
    credentials: Arc<dyn CredentialProvider>,
    http: Http,
    challenges: Mutex<HashMap<String, Challenge>>,
    tokens: Mutex<HashMap<(String, String), Cached>>,
    refresh_tokens: Mutex<HashMap<String, Cached>>,
}

impl Authenticator {
    pub(crate) fn new(credentials: Arc<dyn CredentialProvider>, http: Http) -> Self {
        Authenticator {
            credentials,
            http,
            challenges: Mutex::default(),
            tokens: Mutex::default(),
            refresh_tokens: Mutex::default(),
        }
    }

    /// Remembers a host's challenge and forgets the token that was just refused.
    pub(crate) fn learn(&self, registry: &str, scope: &str, challenge: Challenge) {
        lock(&self.challenges).insert(registry.to_string(), challenge);
        lock(&self.tokens).remove(&(registry.to_string(), scope.to_string()));
    }

    /// The `Authorization` value for a request, `None` while the host's challenge is unknown.
    pub(crate) async fn header(
        &self,
        t: &Target<'_>,
        scope: &str,
    ) -> Result<Option<HeaderValue>, RegistryError> {
        let challenge = lock(&self.challenges).get(t.registry).cloned();
        let value = match challenge {
            None => return Ok(None),
            Some(Challenge::Basic) => match self.credentials.credential(t.registry).await? {
                Credential::Basic { username, password } => basic_value(&username, &password),
                _ => return Ok(None),
            },
            Some(Challenge::Bearer { realm, service, .. }) => {
                let token = self.token(t, scope, &realm, service.as_deref()).await?;
                format!("Bearer {}", token.expose())
            }
        };
        let mut hv = HeaderValue::from_str(&value).map_err(|_| RegistryError::Auth {
            registry: t.registry.into(),
            reason: "credential is not a valid header".into(),
        })?;
        hv.set_sensitive(true);
        Ok(Some(hv))
    }

    async fn token(
        &self,
        t: &Target<'_>,
        scope: &str,
        realm: &str,
        service: Option<&str>,
    ) -> Result<Secret, RegistryError> {
        let key = (t.registry.to_string(), scope.to_string());
        if let Some(c) = lock(&self.tokens)
            .get(&key)
            .filter(|c| c.until > Instant::now())
        {
            return Ok(c.value.clone());
        }
        let realm_url = Url::parse(realm).map_err(|_| RegistryError::Auth {
            registry: t.registry.into(),
            reason: "challenge realm is not a URL".into(),
        })?;
        let service = service.unwrap_or(t.registry);
        let resp = match self.credentials.credential(t.registry).await? {
            Credential::Anonymous => self.get_token(t, &realm_url, service, scope, None).await?,
            Credential::Basic { username, password } => {
                let basic = basic_value(&username, &password);
                self.get_token(t, &realm_url, service, scope, Some(basic))
                    .await?
            }
            Credential::RefreshToken(rt) => {
                self.post_refresh(t, &realm_url, service, scope, &rt)
                    .await?
            }
            Credential::AzureAd(source) => {
                let refresh = self
                    .acr_refresh(t, &realm_url, service, source.as_ref())
                    .await?;
                let r = self
                    .post_refresh(t, &realm_url, service, scope, &refresh)
                    .await;
                if r.is_err() {
                    // A revoked or expired refresh token: exchange again on the next attempt.
                    lock(&self.refresh_tokens).remove(t.registry);
                }
                r?
            }
        };
        let token = resp
            .token
            .or(resp.access_token)
            .filter(|s| !s.is_empty())
            .ok_or_else(|| RegistryError::Auth {
                registry: t.registry.into(),
                reason: format!("token server {} returned no token", redact_url(&realm_url)),
            })?;
        let lifetime = resp
            .expires_in
            .map_or(DEFAULT_TOKEN_LIFETIME, Duration::from_secs);
        let value = Secret::new(token);
        // Refresh a little early so a token does not expire between check and use.
        let until =
            Instant::now() + lifetime.saturating_sub(lifetime.min(Duration::from_secs(30)) / 2);
        lock(&self.tokens).insert(
            key,
            Cached {
                value: value.clone(),
                until,
            },
        );
        Ok(value)
    }

    async fn get_token(
        &self,
        t: &Target<'_>,
        realm: &Url,
        service: &str,
        scope: &str,
        basic: Option<String>,
    ) -> Result<TokenResponse, RegistryError> {
        let mut url = realm.clone();
        url.query_pairs_mut()
            .append_pair("service", service)
            .append_pair("scope", scope);
        let auth = basic.and_then(|b| HeaderValue::from_str(&b).ok());
        let resp = self
            .http
            .send(Method::GET, url.clone(), HeaderMap::new(), auth, None)
            .await?;
        read_token(t, &Method::GET, &url, resp).await
    }

    async fn post_refresh(
        &self,
        t: &Target<'_>,
        realm: &Url,
        service: &str,
        scope: &str,
        refresh: &Secret,
    ) -> Result<TokenResponse, RegistryError> {
        let form = [
            ("grant_type", "refresh_token"),
            ("service", service),
            ("scope", scope),
            ("refresh_token", refresh.expose()),
            ("client_id", "layerwatch"),
        ];
        let resp = self
            .http
            .send(
                Method::POST,
                realm.clone(),
                HeaderMap::new(),
                None,
                Some(&form),
            )
            .await?;
        read_token(t, &Method::POST, realm, resp).await
    }

    async fn acr_refresh(
        &self,
        t: &Target<'_>,
        realm: &Url,
        service: &str,
        source: &dyn crate::acr::TokenSource,
    ) -> Result<Secret, RegistryError> {
        if let Some(c) = lock(&self.refresh_tokens)
            .get(t.registry)
            .filter(|c| c.until > Instant::now())
        {
            return Ok(c.value.clone());
        }
        let entra = source.entra_token().await?;
        let url = exchange_url(realm);
        let form = [
            ("grant_type", "access_token"),
            ("service", service),
            ("access_token", entra.expose()),
        ];
        let resp = self
            .http
            .send(
                Method::POST,
                url.clone(),
                HeaderMap::new(),
                None,
                Some(&form),
            )
            .await?;
        let body = read_token(t, &Method::POST, &url, resp).await?;
        let refresh = body
            .refresh_token
            .filter(|s| !s.is_empty())
            .map(Secret::new)
            .ok_or_else(|| RegistryError::Auth {
                registry: t.registry.into(),
                reason: format!("{} returned no refresh_token", redact_url(&url)),
            })?;
        let until = Instant::now() + REFRESH_TOKEN_LIFETIME;
        lock(&self.refresh_tokens).insert(
            t.registry.to_string(),
            Cached {
                value: refresh.clone(),
                until,
            },
        );
        Ok(refresh)
    }
}

async fn read_token(
    t: &Target<'_>,
    method: &Method,
    url: &Url,
    resp: Response,
) -> Result<TokenResponse, RegistryError> {
    let status = resp.status().as_u16();
    match status {
        200..=299 => {}
        401 | 403 => {
            return Err(t.denied(
                status,
                format!(": token server {} refused the credentials", redact_url(url)),
            ));
        }
        _ => {
            return Err(RegistryError::Status {
                method: method.to_string(),
                url: redact_url(url),
                status,
            });
        }
    }
    let bytes = resp.bytes().await.map_err(|e| transport(method, url, &e))?;
    serde_json::from_slice(&bytes).map_err(|e| RegistryError::Auth {
        registry: t.registry.into(),
        reason: format!("token server {} sent invalid JSON: {e}", redact_url(url)),
    })
}

fn basic_value(username: &str, password: &Secret) -> String {
    let raw = format!("{username}:{}", password.expose());
    format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(raw)
    )
}

/// Locks a cache; a panic elsewhere cannot leave these maps inconsistent, so poison is ignored.
fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}
