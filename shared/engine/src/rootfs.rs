//! `rootfs:PATH` targets: a root filesystem scanned as one layer.
//!
//! A tar or tar.gz file is a layer as it stands; its digest is that of the file as stored, and
//! it is read once, the digest computed on the way. A directory is turned into a tar stream on a
//! second thread (symlinks are recorded, never followed; other filesystems such as `/proc` are
//! not entered) and read like any layer; its digest is that of the generated stream.

use std::io::{self, BufReader, Write};
use std::path::Path;
use std::thread;

use layerwatch_inventory::LayerInventory;
use layerwatch_layer::{Limits, read_layer_unverified};
use tracing::debug;
use walkdir::WalkDir;

use crate::error::EngineError;
use crate::scan::open;

/// Reads a root filesystem (directory, tar or tar.gz) into one layer inventory.
pub fn read(path: &Path, limits: &Limits) -> Result<LayerInventory, EngineError> {
    let layer_error = |source| EngineError::Layer {
        reference: format!("rootfs:{}", path.display()),
        index: 0,
        source,
    };
    let meta = std::fs::metadata(path).map_err(|source| EngineError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    if !meta.is_dir() {
        let file = BufReader::with_capacity(1 << 20, open(path)?);
        return read_layer_unverified(file, limits).map_err(layer_error);
    }

    let (reader, writer) = io::pipe().map_err(|source| EngineError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    let root = path.to_path_buf();
    let producer = thread::spawn(move || write_tar(&root, writer));
    let result = read_layer_unverified(BufReader::with_capacity(1 << 20, reader), limits);
    let produced = producer.join();
    let inventory = result.map_err(layer_error)?;
    match produced {
        Ok(Ok(())) => Ok(inventory),
        Ok(Err(source)) => Err(EngineError::Io {
            path: path.to_path_buf(),
            source,
        }),
        Err(_) => Err(EngineError::Io {
            path: path.to_path_buf(),
            source: io::Error::other("the directory walker stopped unexpectedly"),
        }),
    }
}

/// Writes `root` as a tar stream. Entries that vanish or cannot be read while walking are
/// skipped with a debug line: a live filesystem changes under a scan.
fn write_tar(root: &Path, writer: impl Write) -> io::Result<()> {
    let mut builder = tar::Builder::new(writer);
    builder.follow_symlinks(false);
    let walk = WalkDir::new(root)
        .follow_links(false)
        .same_file_system(true);
    for entry in walk.into_iter().filter_map(|e| e.ok()) {
        let Ok(relative) = entry.path().strip_prefix(root) else {
            continue;
        };
        if relative.as_os_str().is_empty() {
            continue;
        }
        let kind = entry.file_type();
        if !(kind.is_file() || kind.is_dir() || kind.is_symlink()) {
            continue;
        }
        if let Err(error) = builder.append_path_with_name(entry.path(), relative) {
            // The reader hung up (its error is reported there) or the file vanished.
            if error.kind() == io::ErrorKind::BrokenPipe {
                return Ok(());
            }
            debug!(path = %entry.path().display(), %error, "skipped while walking rootfs");
        }
    }
    match builder.into_inner() {
        Ok(_) => Ok(()),
        Err(error) if error.kind() == io::ErrorKind::BrokenPipe => Ok(()),
        Err(error) => Err(error),
    }
}
