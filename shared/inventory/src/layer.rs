//! The inventory of one layer: the cacheable result of reading one blob once.

use layerwatch_oci::Digest;
use serde::{Deserialize, Serialize};

use crate::content::{CacheFile, SecretHit};
use crate::item::Item;
use crate::warning::Warning;

/// Version of the [`LayerInventory`] serialisation. A cache entry with another version is
/// ignored and the layer is read again.
pub const INVENTORY_SCHEMA: u32 = 1;

/// How a layer blob was compressed, as told by its first bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Compression {
    /// gzip (`1f 8b`).
    Gzip,
    /// zstd (`28 b5 2f fd`).
    Zstd,
    /// A plain tar.
    None,
}

/// A symbolic link recorded in a layer (needed to resolve paths across layers).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Symlink {
    /// Normalised path of the link.
    pub path: String,
    /// The link target exactly as stored (absolute or relative).
    pub target: String,
}

/// A file with the setuid or setgid bit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SpecialFile {
    /// Normalised path.
    pub path: String,
    /// Permission bits, including setuid (0o4000) and setgid (0o2000).
    pub mode: u32,
    /// Owner uid.
    pub uid: u64,
    /// Owner gid.
    pub gid: u64,
}

/// Language package metadata files that an OS package owns, as its database lists them.
///
/// Only paths that name language package metadata are kept (the OS database lists every file
/// of every package; the merge needs just these), so a language package found at one of them
/// is the OS package's copy and is matched through the OS package.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OwnedFiles {
    /// Normalised path of the database file that lists them: a dpkg `info/*.list`, the apk
    /// installed database, an rpm database. Its later deletion or rewrite drops the list.
    pub source: String,
    /// Normalised paths of the owned metadata files.
    pub paths: Vec<String>,
}

/// What one layer holds that later steps need. Everything is bounded by caps; a cap that is
/// reached adds a warning instead of silently dropping data.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LayerInventory {
    /// [`INVENTORY_SCHEMA`] at the time of writing.
    pub schema: u32,
    /// [`crate::ANALYZER_VERSION`] of the analyzers that read the layer.
    pub analyzer_version: String,
    /// Digest of the blob as stored (compressed in registries, the tar in `docker save`).
    pub digest: Digest,
    /// Bytes of the blob as stored.
    pub size: u64,
    /// Compression told apart by magic bytes.
    pub compression: Compression,
    /// Bytes of the uncompressed tar stream.
    pub uncompressed_size: u64,
    /// Number of tar entries walked.
    pub entries: u64,
    /// Parsed interesting files, in tar order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub items: Vec<Item>,
    /// Paths deleted by `.wh.NAME` entries (the path without the prefix).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub whiteouts: Vec<String>,
    /// Directories made opaque by `.wh..wh..opq` (earlier layers' content below is hidden).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub opaque_dirs: Vec<String>,
    /// Symbolic links.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub symlinks: Vec<Symlink>,
    /// Non-directory entries at paths that are directories of a known package database
    /// location (e.g. a regular file at `var/lib/dpkg`): they hide the database of earlier layers.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub shadows: Vec<String>,
    /// setuid and setgid files.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub special_files: Vec<SpecialFile>,
    /// What could not be read completely.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<Warning>,
    /// Language package metadata files owned by OS packages, per database file.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub owned_files: Vec<OwnedFiles>,
    /// Files whose content matched a secret rule (path and rule only, never the value).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub secrets: Vec<SecretHit>,
    /// Package manager cache files (a few per manager: enough to tell they are there).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub caches: Vec<CacheFile>,
}

impl LayerInventory {
    /// An empty inventory for `digest`, to be filled by the layer reader.
    pub fn empty(digest: Digest, compression: Compression) -> Self {
        LayerInventory {
            schema: INVENTORY_SCHEMA,
            analyzer_version: crate::ANALYZER_VERSION.to_string(),
            digest,
            size: 0,
            compression,
            uncompressed_size: 0,
            entries: 0,
            items: Vec::new(),
            whiteouts: Vec::new(),
            opaque_dirs: Vec::new(),
            symlinks: Vec::new(),
            shadows: Vec::new(),
            special_files: Vec::new(),
            warnings: Vec::new(),
            owned_files: Vec::new(),
            secrets: Vec::new(),
            caches: Vec::new(),
        }
    }
}
