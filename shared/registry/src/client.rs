//! The OCI distribution client: manifests by tag or digest, blobs streamed and verified, blob
//! existence checks. Every request goes through the same path: authentication (learned from the
//! host's challenge), redirects without foreign credentials, bounded retries for 429/5xx and
//! transport failures, and permanent errors for 401/403/404 that name repository and reference.

use std::sync::Arc;

use futures_util::{StreamExt, TryStreamExt};
use layerwatch_oci::{Digest, DigestWriter, ImageRef};
use reqwest::header::{
    ACCEPT, CONTENT_LENGTH, CONTENT_TYPE, HeaderMap, HeaderValue, WWW_AUTHENTICATE,
};
use reqwest::{Method, Response};
use url::Url;

use crate::auth::{Authenticator, Target};
use crate::blob::BlobReader;
use crate::challenge::parse_challenge;
use crate::credentials::{CredentialProvider, StaticCredentials};
use crate::error::RegistryError;
use crate::http::{Http, transport};
use crate::manifest::{
    FetchedManifest, ManifestRef, accept_header, check_repository, media_type_of,
};
use crate::redact::redact_url;
use crate::retry::{RetryPolicy, with_retries};

mod referrers;

/// Settings of a [`RegistryClient`].
#[derive(Clone)]
pub struct ClientConfig {
    /// Where credentials come from (anonymous everywhere by default).
    pub credentials: Arc<dyn CredentialProvider>,
    /// Hosts (`host` or `host:port`) reached over plain http; every other host needs https.
    pub insecure_hosts: Vec<String>,
    /// Retry budget for 429, 5xx and transport failures.
    pub retry: RetryPolicy,
    /// Largest manifest accepted, in bytes.
    pub max_manifest_bytes: usize,
    /// `User-Agent` of every request.
    pub user_agent: String,
}

impl Default for ClientConfig {
    fn default() -> Self {
        ClientConfig {
            credentials: Arc::new(StaticCredentials::new()),
            insecure_hosts: Vec::new(),
            retry: RetryPolicy::default(),
            // The distribution spec asks registries to accept manifests of at least 4 MiB.
            max_manifest_bytes: 4 * 1024 * 1024,
            user_agent: concat!("layerwatch/", env!("CARGO_PKG_VERSION")).to_string(),
        }
    }
}

impl std::fmt::Debug for ClientConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ClientConfig")
            .field("insecure_hosts", &self.insecure_hosts)
            .field("retry", &self.retry)
            .field("max_manifest_bytes", &self.max_manifest_bytes)
            .finish_non_exhaustive()
    }
}

/// A registry client; cheap to clone, shares token caches between clones.
#[derive(Clone)]
pub struct RegistryClient {
    inner: Arc<Inner>,
}

struct Inner {
    http: Http,
    auth: Authenticator,
    retry: RetryPolicy,
    max_manifest_bytes: usize,
}

impl std::fmt::Debug for RegistryClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RegistryClient").finish_non_exhaustive()
    }
}

impl RegistryClient {
    /// A client with `config`.
    pub fn new(config: ClientConfig) -> Result<Self, RegistryError> {
        let http = Http::new(config.insecure_hosts, &config.user_agent)?;
        let auth = Authenticator::new(config.credentials, http.clone());
        Ok(RegistryClient {
            inner: Arc::new(Inner {
                http,
                auth,
                retry: config.retry,
                max_manifest_bytes: config.max_manifest_bytes,
            }),
        })
    }

    /// Fetches a manifest or index. By digest, the bytes must hash to it; by tag, the digest is
    /// computed and checked against `Docker-Content-Digest` when the registry sends one.
    pub async fn manifest(
        &self,
        registry: &str,
        repository: &str,
        reference: &ManifestRef,
    ) -> Result<FetchedManifest, RegistryError> {
        let reference_s = reference.to_string();
        let t = Target {
            registry,
            repository,
            reference: &reference_s,
        };
        let path = format!("{repository}/manifests/{reference_s}");
        let accept = accept_header();
        let max = self.inner.max_manifest_bytes;
        let (tr, pathr, acceptr) = (&t, path.as_str(), accept.as_str());
        let (bytes, content_type, header_digest) = with_retries(&self.inner.retry, || async move {
            let resp = self.attempt(tr, Method::GET, pathr, Some(acceptr)).await?;
            let content_type = header_str(&resp, CONTENT_TYPE.as_str());
            let header_digest = header_str(&resp, "docker-content-digest");
            let url = resp.url().clone();
            let bytes = read_limited(resp, max, tr, &url).await?;
            Ok((bytes, content_type, header_digest))
        })
        .await?;
        let media_type = media_type_of(
            content_type.as_deref(),
            &bytes,
            &t.repo_name(),
            &reference_s,
        )?;
        let algorithm = match reference {
            ManifestRef::Digest(d) => d.algorithm(),
            ManifestRef::Tag(_) => layerwatch_oci::Algorithm::Sha256,
        };
        let mut w = DigestWriter::new(algorithm);
        w.update(&bytes);
        let digest = w.finish();
        let registry_digest = header_digest.and_then(|h| h.parse::<Digest>().ok());
        let expected = match reference {
            ManifestRef::Digest(d) => Some(d.clone()),
            ManifestRef::Tag(_) => registry_digest
                .clone()
                .filter(|d| d.algorithm() == digest.algorithm()),
        };
        if let Some(expected) = expected.filter(|e| *e != digest) {
            return Err(RegistryError::DigestMismatch {
                what: "manifest",
                repository: t.repo_name(),
                expected,
                actual: digest,
            });
        }
        tracing::debug!(repository = %t.repo_name(), reference = %reference_s, %digest, %media_type, "fetched manifest");
        Ok(FetchedManifest {
            repository: t.repo_name(),
            reference: reference.clone(),
            media_type,
            digest,
            registry_digest,
            bytes,
        })
    }

    /// Fetches the manifest an [`ImageRef`] names: its digest when pinned, else its tag (or
    /// `latest`), from its registry's API host (`registry-1.docker.io` for Docker Hub).
    pub async fn image_manifest(&self, image: &ImageRef) -> Result<FetchedManifest, RegistryError> {
        let reference = match image.digest() {
            Some(d) => ManifestRef::Digest(d.clone()),
            None => ManifestRef::Tag(image.tag().unwrap_or("latest").to_string()),
        };
        self.manifest(image.registry_api_host(), image.repository(), &reference)
            .await
    }

    /// Opens a blob as a stream that is verified against `digest` when read to the end.
    pub async fn blob(
        &self,
        registry: &str,
        repository: &str,
        digest: &Digest,
    ) -> Result<BlobReader, RegistryError> {
        let (resp, repo_name) = self
            .blob_request(registry, repository, digest, Method::GET)
            .await?;
        let size = resp
            .headers()
            .get(CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok()?.parse().ok());
        let url = resp.url().clone();
        let stream = resp
            .bytes_stream()
            .map_err(move |e| std::io::Error::other(transport(&Method::GET, &url, &e)))
            .boxed();
        Ok(BlobReader::new(stream, digest.clone(), size, repo_name))
    }

    /// True when the blob exists (HEAD 200), false on 404.
    pub async fn blob_exists(
        &self,
        registry: &str,
        repository: &str,
        digest: &Digest,
    ) -> Result<bool, RegistryError> {
        match self
            .blob_request(registry, repository, digest, Method::HEAD)
            .await
        {
            Ok(_) => Ok(true),
            Err(RegistryError::NotFound { .. }) => Ok(false),
            Err(e) => Err(e),
        }
    }

    /// A retried request for a blob (`GET` to read it, `HEAD` to test it), with the
    /// `registry/repository` name its errors and stream carry.
    async fn blob_request(
        &self,
        registry: &str,
        repository: &str,
        digest: &Digest,
        method: Method,
    ) -> Result<(Response, String), RegistryError> {
        let reference = digest.to_string();
        let t = Target {
            registry,
            repository,
            reference: &reference,
        };
        let path = format!("{repository}/blobs/{digest}");
        let (tr, pathr) = (&t, path.as_str());
        let resp = with_retries(&self.inner.retry, || {
            self.attempt(tr, method.clone(), pathr, None)
        })
        .await?;
        Ok((resp, t.repo_name()))
    }

    /// One attempt: send, learn the challenge on a first 401 and send again, classify the status.
    async fn attempt(
        &self,
        t: &Target<'_>,
        method: Method,
        path: &str,
        accept: Option<&str>,
    ) -> Result<Response, RegistryError> {
        check_repository(t.repository)?;
        let url = self
            .base_url(t.registry)?
            .join(path)
            .map_err(|_| RegistryError::Invalid {
                what: "path",
                value: path.into(),
            })?;
        let scope = format!("repository:{}:pull", t.repository);
        let mut headers = HeaderMap::new();
        if let Some(a) = accept.and_then(|a| HeaderValue::from_str(a).ok()) {
            headers.insert(ACCEPT, a);
        }
        let mut relearned = false;
        loop {
            let auth = self.inner.auth.header(t, &scope).await?;
            let resp = self
                .inner
                .http
                .send(method.clone(), url.clone(), headers.clone(), auth, None)
                .await?;
            let status = resp.status().as_u16();
            match status {
                200..=299 => return Ok(resp),
                401 if !relearned => {
                    let challenge = resp
                        .headers()
                        .get_all(WWW_AUTHENTICATE)
                        .iter()
                        .filter_map(|v| v.to_str().ok())
                        .find_map(parse_challenge);
                    let Some(challenge) = challenge else {
                        return Err(denied(t, status, ": no usable WWW-Authenticate challenge"));
                    };
                    self.inner.auth.learn(t.registry, &scope, challenge);
                    relearned = true;
                }
                401 | 403 => return Err(denied(t, status, "")),
                404 => {
                    return Err(RegistryError::NotFound {
                        repository: t.repo_name(),
                        reference: t.reference.to_string(),
                    });
                }
                _ => {
                    return Err(RegistryError::Status {
                        method: method.to_string(),
                        url: redact_url(&url),
                        status,
                    });
                }
            }
        }
    }

    fn base_url(&self, registry: &str) -> Result<Url, RegistryError> {
        let scheme = if self.inner.http.is_insecure(registry) {
            "http"
        } else {
            "https"
        };
        let url = Url::parse(&format!("{scheme}://{registry}/v2/")).map_err(|_| {
            RegistryError::Invalid {
                what: "registry",
                value: registry.into(),
            }
        })?;
        // A registry is a bare host[:port]; anything else would redirect requests elsewhere.
        if url.host_str().is_none()
            || url.path() != "/v2/"
            || !url.username().is_empty()
            || registry.contains(['/', '@', '?', '#'])
        {
            return Err(RegistryError::Invalid {
                what: "registry",
                value: registry.into(),
            });
        }
        Ok(url)
    }
}

fn denied(t: &Target<'_>, status: u16, detail: &str) -> RegistryError {
    RegistryError::Denied {
        repository: t.repo_name(),
        reference: t.reference.to_string(),
        status,
        detail: detail.to_string(),
    }
}

fn header_str(resp: &Response, name: &str) -> Option<String> {
    resp.headers()
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string)
}

async fn read_limited(
    mut resp: Response,
    max: usize,
    t: &Target<'_>,
    url: &Url,
) -> Result<Vec<u8>, RegistryError> {
    let mut out = Vec::new();
    while let Some(chunk) = resp
        .chunk()
        .await
        .map_err(|e| transport(&Method::GET, url, &e))?
    {
        if out.len() + chunk.len() > max {
            return Err(RegistryError::UnsupportedManifest {
                repository: t.repo_name(),
                reference: t.reference.to_string(),
                reason: format!("larger than {max} bytes"),
            });
        }
        out.extend_from_slice(&chunk);
    }
    Ok(out)
}
