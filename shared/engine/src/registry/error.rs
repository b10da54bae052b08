//! Why an image in a registry could not be resolved to scannable images.

use std::io;

use layerwatch_oci::{ConfigError, Digest, ManifestError};
use layerwatch_registry::RegistryError;

/// Why an image in a registry could not be resolved to scannable images.
#[derive(Debug, thiserror::Error)]
pub enum RegistryScanError {
    /// The scan was called from inside an async runtime, where it cannot block.
    #[error(
        "scanning {0}: called from inside an async runtime; run the scan on a plain thread \
         (e.g. tokio's spawn_blocking)"
    )]
    InsideRuntime(String),
    /// The scan's own runtime could not be started.
    #[error("starting the registry client's runtime: {0}")]
    Runtime(#[source] io::Error),
    /// The registry refused or failed a request (the error names repository and reference).
    #[error(transparent)]
    Registry(#[from] RegistryError),
    /// A manifest or index could not be used.
    #[error("manifest {reference}: {source}")]
    Manifest {
        /// `registry/repository@digest`.
        reference: String,
        /// What is wrong with it.
        #[source]
        source: ManifestError,
    },
    /// The reference names an artifact (signature, SBOM), not an image.
    #[error("{reference} is not an image but an artifact of type {kind}")]
    NotAnImage {
        /// The reference.
        reference: String,
        /// Its artifact type.
        kind: String,
    },
    /// Indexes nested deeper than we follow (a loop, or a hostile registry).
    #[error("{reference}: index {digest} nested more than {limit} levels deep")]
    TooDeep {
        /// The reference.
        reference: String,
        /// The index at the limit.
        digest: Digest,
        /// The depth limit.
        limit: usize,
    },
    /// A config is larger than any real one.
    #[error("config {digest} of {repository} is larger than {limit} bytes")]
    ConfigTooLarge {
        /// `registry/repository`.
        repository: String,
        /// The config's digest.
        digest: Digest,
        /// The limit.
        limit: u64,
    },
    /// A config could not be read.
    #[error("reading config {digest} of {repository}: {source}")]
    ConfigRead {
        /// `registry/repository`.
        repository: String,
        /// The config's digest.
        digest: Digest,
        /// The transport error.
        #[source]
        source: io::Error,
    },
    /// A config could not be parsed.
    #[error("config {digest}: {source}")]
    Config {
        /// Its digest.
        digest: Digest,
        /// What is wrong with it.
        #[source]
        source: ConfigError,
    },
}
