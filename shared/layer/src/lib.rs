//! The streaming layer reader: one pass over a blob, digest checked, nothing written to disk.
//!
//! [`read_layer`] reads a layer blob exactly once: every byte is hashed (on a second thread for
//! blobs larger than one chunk) while the compression is told apart by magic bytes, the stream
//! is inflated and the tar is walked. Files that [`layerwatch_pkgdb::classify`] recognises are
//! buffered and parsed; whiteouts, symlinks, setuid files and shadowing entries are recorded,
//! all under the caps of [`Limits`], so memory stays bounded whatever the layer holds.

mod binaries;
mod collect;
pub mod content;
mod error;
mod lang;
mod limits;
mod path;
mod source;
mod stream;

use std::io::{self, BufRead, Read};

use layerwatch_inventory::{Compression, LayerInventory};
use layerwatch_oci::{Algorithm, Digest};

pub use error::LayerError;
pub use limits::Limits;

use collect::Collector;
use path::normalized;
use source::Source;
use stream::TarStream;

/// Reads the layer blob `blob`, whose digest should be `expected`, into its inventory.
///
/// The whole blob is read, to its last byte after the tar end, and hashed with the algorithm
/// of `expected`; a different digest is [`LayerError::DigestMismatch`]. gzip (any number of
/// members), zstd and plain tar are told apart by their first bytes.
pub fn read_layer<R: Read>(
    blob: R,
    expected: &Digest,
    limits: &Limits,
) -> Result<LayerInventory, LayerError> {
    read(blob, Some(expected), limits)
}

/// Reads a blob whose digest is not known beforehand (a local tar file, a generated stream):
/// as [`read_layer`], with the inventory's digest the sha256 of the blob as read. Errors name
/// the layer by the sha256 of the bytes read until the error.
pub fn read_layer_unverified<R: Read>(
    blob: R,
    limits: &Limits,
) -> Result<LayerInventory, LayerError> {
    read(blob, None, limits)
}

fn read<R: Read>(
    blob: R,
    expected: Option<&Digest>,
    limits: &Limits,
) -> Result<LayerInventory, LayerError> {
    let algorithm = expected.map_or(Algorithm::Sha256, Digest::algorithm);
    let mut source = Source::new(blob, algorithm);
    let (compression, empty) = match source.fill_buf() {
        Ok(head) => (stream::detect(head), head.is_empty()),
        Err(error) => {
            let layer = name(expected, source);
            return Err(LayerError::Io {
                layer,
                source: error,
            });
        }
    };
    if empty {
        return Err(LayerError::NotATar {
            layer: name(expected, source),
            compression,
            reason: "the blob is empty".to_string(),
        });
    }
    let zstd = match compression {
        Compression::Zstd => match zstd::stream::raw::Decoder::new() {
            Ok(context) => Some(context),
            Err(error) => {
                let layer = name(expected, source);
                return Err(LayerError::Decompress {
                    layer,
                    compression,
                    source: error,
                });
            }
        },
        Compression::Gzip | Compression::None => None,
    };
    let stream = TarStream::new(source, compression, zstd, limits.max_extension_bytes);

    let mut archive = tar::Archive::new(stream);
    let mut collector = Collector::new(compression, limits);
    let walked = walk(&mut archive, &mut collector);
    let mut stream = archive.into_inner();
    let entries = collector.inv.entries;
    // Reading on to the end covers padding, the gzip trailer (CRC) and the whole raw blob.
    let result = walked.and_then(|()| {
        stream.drain().map_err(|error| Failure {
            index: entries,
            path: None,
            error,
        })
    });
    if let Err(failure) = result {
        return Err(explain(failure, stream, expected, compression));
    }

    let uncompressed_size = stream.produced();
    let (actual, size) = stream.into_source().finish();
    if let Some(expected) = expected
        && actual != *expected
    {
        return Err(LayerError::DigestMismatch {
            layer: expected.clone(),
            actual,
        });
    }
    let mut inv = collector.finish(actual);
    inv.uncompressed_size = uncompressed_size;
    inv.size = size;
    tracing::debug!(
        layer = %inv.digest,
        entries = inv.entries,
        size = inv.size,
        uncompressed = inv.uncompressed_size,
        items = inv.items.len(),
        warnings = inv.warnings.len(),
        "layer read"
    );
    Ok(inv)
}

/// The digest that names the layer in an error: the expected one, or else that of the bytes
/// read so far.
fn name<R: Read>(expected: Option<&Digest>, source: Source<R>) -> Digest {
    match expected {
        Some(digest) => digest.clone(),
        None => source.finish().0,
    }
}

/// Where walking the tar stopped, before it is told apart into a [`LayerError`].
struct Failure {
    index: u64,
    path: Option<String>,
    error: io::Error,
}

fn walk<R: Read>(
    archive: &mut tar::Archive<TarStream<R>>,
    collector: &mut Collector<'_>,
) -> Result<(), Failure> {
    let entries = archive.entries_with_seek().map_err(|error| Failure {
        index: 0,
        path: None,
        error,
    })?;
    // One buffer for every entry's path: layers can hold millions of entries.
    let mut path = String::new();
    for (index, entry) in (0u64..).zip(entries) {
        let mut entry = entry.map_err(|error| Failure {
            index,
            path: None,
            error,
        })?;
        path.clear();
        path.push_str(&normalized(&String::from_utf8_lossy(&entry.path_bytes())));
        collector
            .entry(&path, &mut entry)
            .map_err(|error| Failure {
                index,
                path: Some(path.clone()),
                error,
            })?;
    }
    Ok(())
}

/// Tells what went wrong: the blob could not be read, it is not the blob asked for, its
/// compression is corrupt, or the tar inside is bad.
fn explain<R: Read>(
    failure: Failure,
    mut stream: TarStream<R>,
    expected: Option<&Digest>,
    compression: Compression,
) -> LayerError {
    if stream.source().failed() {
        return LayerError::Io {
            layer: name(expected, stream.into_source()),
            source: failure.error,
        };
    }
    let decode_failed = stream.decode_failed();
    // A blob that is not the one asked for explains any damage inside it best.
    let mut source = stream.into_source();
    if let Err(error) = source.drain() {
        return LayerError::Io {
            layer: name(expected, source),
            source: error,
        };
    }
    let (actual, _) = source.finish();
    let layer = match expected {
        Some(expected) if *expected != actual => {
            return LayerError::DigestMismatch {
                layer: expected.clone(),
                actual,
            };
        }
        Some(expected) => expected.clone(),
        None => actual,
    };
    if decode_failed {
        LayerError::Decompress {
            layer,
            compression,
            source: failure.error,
        }
    } else if failure.index == 0 && failure.path.is_none() {
        LayerError::NotATar {
            layer,
            compression,
            reason: failure.error.to_string(),
        }
    } else {
        LayerError::BadTar {
            layer,
            index: failure.index,
            path: failure.path,
            source: failure.error,
        }
    }
}
