//! Why a scan of a local target failed.

use std::path::PathBuf;

use layerwatch_layer::LayerError;
use layerwatch_oci::SourceError;

/// Why a scan could not produce a report. Problems inside a layer that still allow a report
/// (a malformed database) are warnings, not errors.
#[derive(Debug, thiserror::Error)]
pub enum EngineError {
    /// The target string names no known kind of target.
    #[error(
        "unknown target `{0}`: expected docker-archive:FILE, oci:DIR[:TAG], rootfs:PATH, sbom:FILE \
         or HOST[:PORT]/REPO[:TAG|@DIGEST]"
    )]
    UnknownTarget(String),
    /// The image source could not be read.
    #[error(transparent)]
    Source(#[from] SourceError),
    /// A layer could not be read.
    #[error("layer {index} of {reference}: {source}")]
    Layer {
        /// The image.
        reference: String,
        /// Position of the layer, bottom first.
        index: usize,
        /// What went wrong.
        #[source]
        source: LayerError,
    },
    /// A file of a root filesystem could not be read.
    #[error("reading {path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The OS error.
        #[source]
        source: std::io::Error,
    },
    /// An image in a registry could not be resolved.
    #[error(transparent)]
    Registry(#[from] crate::registry::RegistryScanError),
    /// An SBOM could not be read.
    #[error(transparent)]
    Sbom(#[from] crate::sbom::SbomError),
    /// The source holds no image at all (an empty archive, a layout without manifests, a
    /// root filesystem tarball given as a docker archive).
    #[error(
        "{reference}: holds no image (no manifest names one); for a root filesystem tarball use rootfs:FILE"
    )]
    NoImages {
        /// The source.
        reference: String,
    },
    /// No image of the source matches the requested platform.
    #[error("{reference}: no image for platform {platform} (available: {available})")]
    NoSuchPlatform {
        /// The source.
        reference: String,
        /// The platform asked for.
        platform: String,
        /// The platforms present.
        available: String,
    },
}
