//! A client for OCI distribution registries (ECR, ACR, Docker Hub, any CNCF distribution), built
//! for a scanner that must not trust what it downloads.
//!
//! - [`RegistryClient`]: manifests by tag or digest (digest verified), blobs as verifying streams
//!   ([`BlobReader`], with a blocking `std::io::Read` adapter), blob existence.
//! - Authentication: anonymous, Basic, and the Bearer challenge flow with tokens cached per
//!   scope; credentials from [`EnvCredentials`], [`DockerConfig`], ECR (`ecr` feature) and ACR's
//!   Entra ID exchange ([`TokenSource`]).
//! - Safety: plain http only for listed hosts, no credentials on cross-origin redirects, secrets
//!   and signed URLs never printed ([`Secret`], [`redact_url`]).
//! - Errors ([`RegistryError`]) name repository and reference and say whether a retry can help.

pub mod acr;
mod auth;
pub mod blob;
pub mod challenge;
pub mod client;
pub mod credentials;
pub mod docker_config;
pub mod ecr;
pub mod error;
mod http;
pub mod manifest;
pub mod redact;
pub mod retry;

pub use acr::{StaticTokenSource, TokenSource};
pub use blob::{BlobReader, registry_error};
pub use client::{ClientConfig, RegistryClient};
pub use credentials::{
    ChainProvider, Credential, CredentialProvider, EnvCredentials, StaticCredentials,
};
pub use docker_config::DockerConfig;
pub use error::RegistryError;
pub use manifest::{FetchedManifest, ManifestRef};
pub use redact::{Secret, redact_url};
pub use retry::RetryPolicy;
