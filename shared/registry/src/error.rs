//! The registry client's error type: which object failed, and whether a retry can help.

use layerwatch_oci::Digest;

/// Errors of the registry client. Messages name the repository and reference, the digest or the
/// (redacted) URL; [`RegistryError::is_retryable`] says whether trying again later can help.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum RegistryError {
    /// 404: the manifest or blob does not exist.
    #[error("{repository}@{reference} not found (HTTP 404)")]
    NotFound {
        /// `registry/repository`.
        repository: String,
        /// Tag or digest asked for.
        reference: String,
    },
    /// 401 after authenticating, or 403.
    #[error("access to {repository}@{reference} denied (HTTP {status}){detail}")]
    Denied {
        /// `registry/repository`.
        repository: String,
        /// Tag or digest asked for.
        reference: String,
        /// 401 or 403.
        status: u16,
        /// Extra context, e.g. from the token server; empty or starting with `: `.
        detail: String,
    },
    /// The content's digest is not the one asked for or announced.
    #[error("{what} of {repository} has digest {actual}, expected {expected}")]
    DigestMismatch {
        /// `manifest` or `blob`.
        what: &'static str,
        /// `registry/repository`.
        repository: String,
        /// The digest asked for (or announced in `Docker-Content-Digest`).
        expected: Digest,
        /// The digest of the bytes received.
        actual: Digest,
    },
    /// A blob was shorter or longer than its descriptor said.
    #[error("blob {digest} of {repository} has {actual} bytes, expected {expected}")]
    SizeMismatch {
        /// `registry/repository`.
        repository: String,
        /// The blob.
        digest: Digest,
        /// Size announced.
        expected: u64,
        /// Size received.
        actual: u64,
    },
    /// A manifest this client does not handle (Docker schema 1, an unknown media type, too big).
    #[error("unsupported manifest {repository}@{reference}: {reason}")]
    UnsupportedManifest {
        /// `registry/repository`.
        repository: String,
        /// Tag or digest asked for.
        reference: String,
        /// E.g. `schema 1`.
        reason: String,
    },
    /// An HTTP status other than the ones above.
    #[error("{method} {url} returned HTTP {status}")]
    Status {
        /// HTTP method.
        method: String,
        /// The URL with credentials and signed parameters masked.
        url: String,
        /// The status code.
        status: u16,
    },
    /// The request could not be sent or the response not read (connection reset, timeout, DNS).
    #[error("{method} {url} failed: {reason}")]
    Transport {
        /// HTTP method.
        method: String,
        /// The URL with credentials and signed parameters masked.
        url: String,
        /// The cause, without the URL.
        reason: String,
    },
    /// The registry or token server answered with something we cannot use.
    #[error("authentication with {registry} failed: {reason}")]
    Auth {
        /// Registry host.
        registry: String,
        /// What went wrong.
        reason: String,
    },
    /// Plain http was asked for a host the caller did not list as insecure.
    #[error("refusing plain http to {host}: the host is not in the insecure list")]
    Insecure {
        /// The host.
        host: String,
    },
    /// A registry, repository or URL that cannot be used.
    #[error("invalid {what} `{value}`")]
    Invalid {
        /// What kind of value.
        what: &'static str,
        /// The value (redacted when it is a URL).
        value: String,
    },
    /// Reading credentials failed (Docker config, credential helper, cloud API).
    #[error("credentials for {registry}: {reason}")]
    Credentials {
        /// Registry host.
        registry: String,
        /// What went wrong.
        reason: String,
    },
    /// Every attempt failed with a retryable error.
    #[error("gave up after {attempts} attempts: {last}")]
    RetriesExhausted {
        /// How many requests were made.
        attempts: u32,
        /// The last error.
        #[source]
        last: Box<RegistryError>,
    },
}

impl RegistryError {
    /// True when a later attempt can succeed: throttling, 5xx, transport failures.
    pub fn is_retryable(&self) -> bool {
        match self {
            RegistryError::Status { status, .. } => *status == 429 || *status >= 500,
            RegistryError::Transport { .. } => true,
            // The retry loop already used its budget, but the job may try again later.
            RegistryError::RetriesExhausted { .. } => true,
            _ => false,
        }
    }
}
