//! Why a layer could not be read. Every message names the layer digest.

use std::io;

use layerwatch_inventory::Compression;
use layerwatch_oci::Digest;

/// Why reading a layer failed. A file inside the layer that cannot be parsed is not an error
/// (it becomes a warning in the inventory); these end the reading of the whole layer.
#[derive(Debug, thiserror::Error)]
pub enum LayerError {
    /// Reading the blob itself failed (network, file system). Retrying may help.
    #[error("layer {layer}: reading the blob failed: {source}")]
    Io {
        /// The layer being read.
        layer: Digest,
        /// The underlying error.
        #[source]
        source: io::Error,
    },
    /// The blob does not hash to the expected digest.
    #[error("layer {layer}: the blob hashes to {actual}, not to its digest")]
    DigestMismatch {
        /// The layer being read (the expected digest).
        layer: Digest,
        /// What the blob really hashes to.
        actual: Digest,
    },
    /// The (decompressed) blob does not start with a tar header.
    #[error("layer {layer}: the {} blob is not a tar archive: {reason}", name(*.compression))]
    NotATar {
        /// The layer being read.
        layer: Digest,
        /// The compression found by magic bytes.
        compression: Compression,
        /// What was wrong.
        reason: String,
    },
    /// A tar header or an entry's data is malformed or cut short.
    #[error("layer {layer}: bad tar entry #{index}{}: {source}", at_path(.path))]
    BadTar {
        /// The layer being read.
        layer: Digest,
        /// Index of the entry (0-based) whose header or data is bad.
        index: u64,
        /// The entry's path when its header was read.
        path: Option<String>,
        /// What the tar reader reported.
        #[source]
        source: io::Error,
    },
    /// The compressed stream is corrupt or cut short.
    #[error("layer {layer}: the {} stream is corrupt: {source}", name(*.compression))]
    Decompress {
        /// The layer being read.
        layer: Digest,
        /// The compression found by magic bytes.
        compression: Compression,
        /// What the decompressor reported.
        #[source]
        source: io::Error,
    },
}

fn name(compression: Compression) -> &'static str {
    match compression {
        Compression::Gzip => "gzip",
        Compression::Zstd => "zstd",
        Compression::None => "uncompressed",
    }
}

fn at_path(path: &Option<String>) -> String {
    match path {
        Some(p) => format!(" (`{p}`)"),
        None => String::new(),
    }
}
