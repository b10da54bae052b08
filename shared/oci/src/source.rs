//! What a local image source (OCI layout directory, `docker save` archive) hands to the scan:
//! the image's metadata as a [`LocalImage`], and each layer's bytes through [`BlobSource`].
//!
//! Layer streams are wrapped in a [`VerifyingReader`]: the bytes are hashed as they pass, and
//! reaching the end with a different digest (or size) is an I/O error of kind `InvalidData`
//! that names the layer, so a corrupted or tampered blob cannot be scanned silently.

use std::io::{self, Read};
use std::path::PathBuf;

use crate::config::{ConfigError, ImageConfig};
use crate::digest::{Digest, DigestError, DigestWriter};
use crate::manifest::ManifestError;
use crate::media_type::MediaType;
use crate::platform::Platform;

/// One image found in a local source.
#[derive(Debug, Clone, PartialEq)]
pub struct LocalImage {
    /// The name it was saved under (`alpine:3.10`, or a layout's `ref.name`), if any.
    pub reference: Option<String>,
    /// Digest of the image manifest, when the source stores one (OCI layouts; Docker archives
    /// that embed a layout). Plain `docker save` archives have none.
    pub manifest_digest: Option<Digest>,
    /// Digest of the index the manifest was chosen from, when it came from a stored index
    /// blob (not the layout's top-level `index.json`, which has no digest).
    pub index_digest: Option<Digest>,
    /// Digest of the config blob, which is Docker's image ID.
    pub config_digest: Digest,
    /// The parsed config.
    pub config: ImageConfig,
    /// The platform: the index entry's if it had one, else the config's.
    pub platform: Option<Platform>,
    /// The layers, bottom first.
    pub layers: Vec<LayerRef>,
}

/// One layer of a [`LocalImage`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LayerRef {
    /// Digest of the layer blob as stored (compressed if it is stored compressed). For a
    /// `docker save` archive this is the sha256 of the layer entry's bytes.
    pub digest: Digest,
    /// Size of the blob as stored.
    pub size: Option<u64>,
    /// Media type from the manifest, or sniffed from the blob's first bytes for archives.
    pub media_type: Option<MediaType>,
    /// Digest of the uncompressed tar, from the config's `rootfs.diff_ids` at the same index.
    pub diff_id: Option<Digest>,
}

/// Anything that can stream the bytes of a layer it listed.
pub trait BlobSource {
    /// The layer's bytes as stored (compressed if stored compressed), verified against
    /// `layer.digest` at end of stream.
    fn open_layer(&self, layer: &LayerRef) -> Result<Box<dyn Read + Send + '_>, SourceError>;
}

/// Why a local image source could not be read.
#[derive(Debug, thiserror::Error)]
pub enum SourceError {
    /// A file could not be read.
    #[error("reading {path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The OS error.
        #[source]
        source: io::Error,
    },
    /// The directory or archive does not have the expected structure.
    #[error("{path} is not a valid {kind}: {reason}")]
    Invalid {
        /// The directory or archive.
        path: PathBuf,
        /// `oci layout` or `docker archive`.
        kind: &'static str,
        /// What is wrong.
        reason: String,
    },
    /// A blob's content does not hash to its name.
    #[error("digest mismatch for {what} {expected} ({location}): content hashes to {actual}")]
    DigestMismatch {
        /// `manifest`, `index`, `config` or `layer`.
        what: &'static str,
        /// The digest the blob is named by.
        expected: Digest,
        /// What its bytes hash to.
        actual: Digest,
        /// Where it was read from.
        location: String,
    },
    /// A blob named by a manifest or index is not in the source.
    #[error("{what} blob {digest} is missing from {location}")]
    MissingBlob {
        /// `manifest`, `index`, `config` or `layer`.
        what: &'static str,
        /// Its digest.
        digest: Digest,
        /// The source.
        location: String,
    },
    /// An archive entry named by `manifest.json` is not in the archive.
    #[error("{archive}: entry `{entry}` named by manifest.json is missing")]
    MissingEntry {
        /// The archive.
        archive: PathBuf,
        /// The entry path.
        entry: String,
    },
    /// A manifest or index could not be used.
    #[error("manifest {digest}: {source}")]
    Manifest {
        /// Its digest (or `index.json`).
        digest: String,
        /// What is wrong with it.
        #[source]
        source: ManifestError,
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
    /// A file that must be JSON of a known shape is not.
    #[error("{file}: invalid json: {reason}")]
    Json {
        /// The file (or archive entry).
        file: String,
        /// The parser's message.
        reason: String,
    },
    /// A digest string in the source is malformed.
    #[error("{location}: {source}")]
    BadDigest {
        /// Where it was found.
        location: String,
        /// Why it is invalid.
        #[source]
        source: DigestError,
    },
    /// Nothing in the source is named by the requested tag.
    #[error("{location}: no image named `{tag}` (available: {available})")]
    NoSuchTag {
        /// The source.
        location: String,
        /// The tag asked for.
        tag: String,
        /// The names present.
        available: String,
    },
    /// Several differently named images and no tag given.
    #[error("{location}: holds several images ({available}); name one")]
    Ambiguous {
        /// The source.
        location: String,
        /// The names present.
        available: String,
    },
    /// Indexes nested deeper than we follow (a loop, or a hostile layout).
    #[error("{location}: index {digest} nested more than {limit} levels deep")]
    TooDeep {
        /// The source.
        location: String,
        /// The index at the limit.
        digest: Digest,
        /// The depth limit.
        limit: usize,
    },
    /// A layer not listed by this source was asked for.
    #[error("{location}: layer {digest} is not part of this source")]
    UnknownLayer {
        /// The source.
        location: String,
        /// The layer asked for.
        digest: Digest,
    },
}

/// A reader that hashes what passes through and fails at end of stream when the digest (or
/// the expected size) does not match.
pub struct VerifyingReader<R> {
    inner: R,
    hasher: Option<DigestWriter>,
    expected: Digest,
    expected_size: Option<u64>,
    seen: u64,
    what: String,
}

impl<R: Read> VerifyingReader<R> {
    /// Wraps `inner`; `what` names the stream in the error (e.g. `layer sha256:... in x.tar`).
    pub fn new(inner: R, expected: Digest, expected_size: Option<u64>, what: String) -> Self {
        VerifyingReader {
            inner,
            hasher: Some(DigestWriter::new(expected.algorithm())),
            expected,
            expected_size,
            seen: 0,
            what,
        }
    }

    fn check(&mut self) -> io::Result<()> {
        let Some(hasher) = self.hasher.take() else {
            return Ok(());
        };
        let actual = hasher.finish();
        if actual != self.expected {
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                format!(
                    "{}: content hashes to {}, expected {}",
                    self.what, actual, self.expected
                ),
            ));
        }
        if let Some(size) = self.expected_size.filter(|s| *s != self.seen) {
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                format!(
                    "{}: {} bytes read, descriptor says {}",
                    self.what, self.seen, size
                ),
            ));
        }
        Ok(())
    }
}

impl<R: Read> Read for VerifyingReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        if n == 0 && !buf.is_empty() {
            self.check()?;
            return Ok(0);
        }
        if let Some(h) = self.hasher.as_mut() {
            h.update(&buf[..n]);
        }
        self.seen += n as u64;
        Ok(n)
    }
}

/// Checks `bytes` against `expected`, naming the blob in the error.
pub(crate) fn verify(
    bytes: &[u8],
    expected: &Digest,
    what: &'static str,
    location: &str,
) -> Result<(), SourceError> {
    let mut w = DigestWriter::new(expected.algorithm());
    w.update(bytes);
    let actual = w.finish();
    if actual == *expected {
        Ok(())
    } else {
        Err(SourceError::DigestMismatch {
            what,
            expected: expected.clone(),
            actual,
            location: location.to_string(),
        })
    }
}
