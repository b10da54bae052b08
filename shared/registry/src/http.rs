//! One HTTP exchange: the scheme policy (plain http only for listed hosts) and redirects handled
//! by hand, so that `Authorization` never follows a redirect to another origin (registries send
//! blob downloads to pre-signed object-storage URLs, which reject or log foreign credentials).

use reqwest::header::{AUTHORIZATION, HeaderMap, HeaderValue, LOCATION};
use reqwest::{Method, Response, StatusCode};
use url::Url;

use crate::error::RegistryError;
use crate::redact::redact_url;

const MAX_REDIRECTS: usize = 5;

/// The transport shared by registry and token requests.
#[derive(Debug, Clone)]
pub(crate) struct Http {
    client: reqwest::Client,
    insecure_hosts: Vec<String>,
}

impl Http {
    pub(crate) fn new(
        insecure_hosts: Vec<String>,
        user_agent: &str,
    ) -> Result<Self, RegistryError> {
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(user_agent)
            .connect_timeout(std::time::Duration::from_secs(10))
            .read_timeout(std::time::Duration::from_secs(60))
            .build()
            .map_err(|e| RegistryError::Invalid {
                what: "http client",
                value: e.to_string(),
            })?;
        Ok(Http {
            client,
            insecure_hosts,
        })
    }

    /// True when `host` (with or without `:port`) may be reached over plain http.
    pub(crate) fn is_insecure(&self, host_port: &str) -> bool {
        let host = host_port.rsplit_once(':').map_or(host_port, |(h, _)| h);
        self.insecure_hosts
            .iter()
            .any(|h| h == host_port || h == host)
    }

    fn check_scheme(&self, url: &Url) -> Result<(), RegistryError> {
        match url.scheme() {
            "https" => Ok(()),
            "http" => {
                let host = url.host_str().unwrap_or("");
                let hp = url
                    .port()
                    .map_or(host.to_string(), |p| format!("{host}:{p}"));
                if self.is_insecure(&hp) {
                    Ok(())
                } else {
                    Err(RegistryError::Insecure { host: hp })
                }
            }
            _ => Err(RegistryError::Invalid {
                what: "url",
                value: redact_url(url),
            }),
        }
    }

    /// Sends a request, following redirects; `auth` goes only to the first URL's origin.
    pub(crate) async fn send(
        &self,
        method: Method,
        url: Url,
        headers: HeaderMap,
        auth: Option<HeaderValue>,
        form: Option<&[(&str, &str)]>,
    ) -> Result<Response, RegistryError> {
        let origin = url.origin();
        let mut method = method;
        let mut current = url;
        for _ in 0..=MAX_REDIRECTS {
            self.check_scheme(&current)?;
            let mut rb = self
                .client
                .request(method.clone(), current.clone())
                .headers(headers.clone());
            if let Some(a) = auth.as_ref().filter(|_| current.origin() == origin) {
                rb = rb.header(AUTHORIZATION, a.clone());
            }
            if let Some(f) = form {
                rb = rb.form(f);
            }
            let resp = rb
                .send()
                .await
                .map_err(|e| transport(&method, &current, &e))?;
            let location = resp.headers().get(LOCATION).and_then(|l| l.to_str().ok());
            match (resp.status().is_redirection(), location) {
                (true, Some(loc)) => {
                    let next = current.join(loc).map_err(|_| RegistryError::Invalid {
                        what: "redirect location",
                        value: "<unparsable>".into(),
                    })?;
                    tracing::debug!(from = %redact_url(&current), to = %redact_url(&next), "following redirect");
                    if resp.status() == StatusCode::SEE_OTHER {
                        method = Method::GET;
                    }
                    current = next;
                }
                _ => return Ok(resp),
            }
        }
        Err(RegistryError::Status {
            method: method.to_string(),
            url: redact_url(&current),
            status: 310,
        })
    }
}

/// A transport error without the URL that reqwest would print (it may be a signed one).
pub(crate) fn transport(method: &Method, url: &Url, e: &reqwest::Error) -> RegistryError {
    let kind = if e.is_timeout() {
        "timed out"
    } else if e.is_connect() {
        "could not connect"
    } else {
        "transport error"
    };
    let mut reason = kind.to_string();
    let mut src: Option<&dyn std::error::Error> = std::error::Error::source(e);
    while let Some(s) = src {
        reason.push_str(": ");
        reason.push_str(&s.to_string());
        src = s.source();
    }
    RegistryError::Transport {
        method: method.to_string(),
        url: redact_url(url),
        reason,
    }
}
