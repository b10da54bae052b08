//! The OCI vocabulary Layerwatch speaks: content digests, image references, media types,
//! platforms, manifests and configs, plus the two local image sources (OCI layout directory
//! and `docker save` archive).
//!
//! Everything here is parsed at the boundary: once a value of these types exists it is valid,
//! and the rest of the code never handles a digest or a reference as a bare string.

pub mod config;
pub mod digest;
pub mod docker_archive;
pub mod index;
pub mod layout;
pub mod local;
pub mod manifest;
pub mod media_type;
pub mod platform;
pub mod reference;
mod resolve;
pub mod source;

pub use config::{ConfigError, Healthcheck, History, ImageConfig, RootFs, RunConfig, parse_config};
pub use digest::{Algorithm, Digest, DigestError, DigestWriter};
pub use docker_archive::DockerArchive;
pub use index::{ATTESTATION_ANNOTATION, ATTESTATION_MANIFEST, REF_NAME_ANNOTATION};
pub use layout::OciLayout;
pub use local::LocalSource;
pub use manifest::{
    Descriptor, ImageIndex, ImageManifest, ManifestError, ParsedManifest, parse_manifest,
};
pub use media_type::{Compression, MediaType};
pub use platform::{Platform, PlatformError};
pub use reference::{DEFAULT_REGISTRY, ImageRef, ReferenceError};
pub use source::{BlobSource, LayerRef, LocalImage, SourceError, VerifyingReader};
