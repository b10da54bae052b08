//! The HTTP side: one signed request to Blob or Queue storage, retried on throttling and 5xx,
//! answered with the status, the headers the stores need and the body.
//!
//! The pipeline's traits are blocking, so [`Rest::call`] drives the async client on the runtime
//! handle it was given: call it from a blocking thread (`spawn_blocking`, a plain thread), never
//! from inside an async task.

use std::sync::Arc;
use std::time::{Duration, SystemTime};

use layerwatch_pipeline::StoreError;
use reqwest::Method;
use tokio::runtime::Handle;

use crate::sign::{ToSign, authorization};
use crate::token::TokenProvider;

/// The storage service version sent as `x-ms-version`.
pub const API_VERSION: &str = "2021-08-06";
const ATTEMPTS: u32 = 4;

/// How requests are authorised.
#[derive(Clone)]
pub enum Credential {
    /// The account key (connection strings, Azurite).
    SharedKey {
        /// Account name as it appears in the canonical resource.
        account: String,
        /// The decoded account key.
        key: Vec<u8>,
    },
    /// Entra ID bearer tokens (managed identity).
    Token(Arc<dyn TokenProvider>),
}

impl std::fmt::Debug for Credential {
    // The key is a secret: print only which kind.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Credential::SharedKey { account, .. } => write!(f, "SharedKey({account})"),
            Credential::Token(p) => write!(f, "Token({p:?})"),
        }
    }
}

/// A storage answer: any status; the caller decides what 404, 409 and 412 mean.
#[derive(Debug)]
pub struct Reply {
    /// HTTP status.
    pub status: u16,
    /// `ETag`, when sent.
    pub etag: Option<String>,
    /// `x-ms-error-code`, when sent.
    pub error_code: Option<String>,
    /// The body.
    pub body: Vec<u8>,
}

impl Reply {
    /// True for 2xx.
    pub fn ok(&self) -> bool {
        (200..300).contains(&self.status)
    }

    /// The error for an answer the caller did not expect: throttling and 5xx are transient,
    /// the rest (400, 401, 403, 404 of a container, ...) permanent.
    pub fn unexpected(&self, what: &str) -> StoreError {
        let code = self.error_code.as_deref().unwrap_or("no error code");
        let msg = format!("azure storage {what}: HTTP {} ({code})", self.status);
        if self.status == 429 || self.status == 408 || self.status >= 500 {
            StoreError::Transient(msg)
        } else {
            StoreError::Permanent(msg)
        }
    }
}

/// A signed-request client bound to a runtime.
#[derive(Debug, Clone)]
pub struct Rest {
    http: reqwest::Client,
    credential: Credential,
    runtime: Handle,
}

impl Rest {
    /// A client using `credential`, running its requests on `runtime` (a multi-thread
    /// runtime: a current-thread one cannot make progress from [`Handle::block_on`]).
    pub fn new(credential: Credential, runtime: Handle) -> Result<Self, crate::AzureError> {
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(30))
            .connect_timeout(Duration::from_secs(5))
            .build()
            .map_err(|e| crate::AzureError::Config(format!("http client: {e}")))?;
        Ok(Rest {
            http,
            credential,
            runtime,
        })
    }

    /// Sends one request (retrying transient failures) and returns the final answer.
    /// `what` names the object for error messages.
    pub fn call(
        &self,
        method: Method,
        url: &url::Url,
        headers: &[(&str, &str)],
        body: Vec<u8>,
        what: &str,
    ) -> Result<Reply, StoreError> {
        self.runtime
            .block_on(self.call_async(method, url, headers, body, what))
    }

    async fn call_async(
        &self,
        method: Method,
        url: &url::Url,
        headers: &[(&str, &str)],
        body: Vec<u8>,
        what: &str,
    ) -> Result<Reply, StoreError> {
        let mut last = None;
        for attempt in 0..ATTEMPTS {
            if attempt > 0 {
                // Backoff with jitter so concurrent workers do not retry in step.
                let base = 100u64 << attempt;
                let jitter = fastrand::u64(0..50);
                tokio::time::sleep(Duration::from_millis(base + jitter)).await;
            }
            match self
                .once(method.clone(), url, headers, body.clone(), what)
                .await
            {
                Ok(reply) if reply.status == 429 || reply.status == 500 || reply.status == 503 => {
                    last = Some(reply.unexpected(what));
                }
                Ok(reply) => return Ok(reply),
                Err(e) if e.is_retryable() => last = Some(e),
                Err(e) => return Err(e),
            }
        }
        Err(last.unwrap_or_else(|| {
            StoreError::Transient(format!("azure storage {what}: no attempt made"))
        }))
    }

    async fn once(
        &self,
        method: Method,
        url: &url::Url,
        headers: &[(&str, &str)],
        body: Vec<u8>,
        what: &str,
    ) -> Result<Reply, StoreError> {
        let mut all: Vec<(String, String)> = headers
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        all.push(("x-ms-version".into(), API_VERSION.into()));
        all.push((
            "x-ms-date".into(),
            httpdate::fmt_http_date(SystemTime::now()),
        ));
        let auth = match &self.credential {
            Credential::SharedKey { account, key } => authorization(
                account,
                key,
                &ToSign {
                    method: method.as_str(),
                    url,
                    headers: &all,
                    content_length: body.len(),
                },
            ),
            Credential::Token(p) => {
                let t = p
                    .token()
                    .await
                    .map_err(|e| StoreError::Transient(e.to_string()))?;
                format!("Bearer {t}")
            }
        };
        all.push(("Authorization".into(), auth));
        let mut req = self.http.request(method, url.clone());
        for (k, v) in &all {
            req = req.header(k.as_str(), v.as_str());
        }
        let resp = req
            .header("Content-Length", body.len().to_string())
            .body(body)
            .send()
            .await
            .map_err(|e| {
                StoreError::Transient(format!("azure storage {what}: {}", e.without_url()))
            })?;
        let header = |n: &str| {
            resp.headers()
                .get(n)
                .and_then(|v| v.to_str().ok())
                .map(str::to_string)
        };
        let status = resp.status().as_u16();
        let etag = header("etag");
        let error_code = header("x-ms-error-code");
        let body = resp
            .bytes()
            .await
            .map_err(|e| {
                StoreError::Transient(format!("azure storage {what}: {}", e.without_url()))
            })?
            .to_vec();
        Ok(Reply {
            status,
            etag,
            error_code,
            body,
        })
    }
}
