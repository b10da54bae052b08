//! The embedded advisory store: one SQLite file, built from a feed directory, read per scan.
//!
//! Tables: `groups` (one row per (namespace key, normalised package name): every advisory
//! affecting that package there, with only its entries, in the compact binary form of
//! [`codec`]), so a lookup reads and decodes exactly one row; `advisories` ((source, id) per
//! row) and `links` (advisory to groups) for lookups by id; `filter` (the sorted 64-bit hashes
//! of every group key, read at open so a package no feed names costs a binary search and no
//! query); `coverage` (which sources index each namespace) and `meta` (schema version,
//! revision, newest modification time, sources). A scan opens the file read-only and never
//! parses feeds; decoded groups are kept in a small LRU, since the binary packages of one
//! source package (libssl3, libcrypto3, openssl) look the same group up in a row.
//!
//! [`Store::update_from_dir`] builds a complete new file beside the target and renames it over
//! the target, so readers see the old store or the new one, never a half-written one, and a
//! failed update leaves the old store as it was. [`crate::fetch`] downloads feeds from a URL
//! into a directory first.

mod build;
mod codec;
mod coverage;
mod lookup;
mod remote;

use std::cell::RefCell;
use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::{Connection, OpenFlags, OptionalExtension};
use serde::{Deserialize, Serialize};
use thiserror::Error;

pub use codec::DecodeError;

/// The layout version of the store file; bumped when tables or blobs change incompatibly.
/// Version 2: binary lookup groups and the key filter (version 1 stored JSON rows).
pub const SCHEMA_VERSION: &str = "2";

/// One feed source in the store.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SourceInfo {
    /// Source name, as in [`crate::Advisory::source`] (`alpine/secdb-json`, `go/vulndb-osv`).
    pub name: String,
    /// Files ingested from it.
    pub files: usize,
    /// Advisories it contributed (after merging the same id across its files).
    pub advisories: usize,
}

/// A feed file that could not be ingested.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BrokenFile {
    /// Its path below the source directory.
    pub path: String,
    /// Why, as the parser said it (error chain joined with `: `).
    pub error: String,
}

/// What an update did.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UpdateSummary {
    /// The new revision: hex SHA-256 over the ingested files (path and content, in path order)
    /// and the newest modification time. Same input, same revision.
    pub revision: String,
    /// The revision the target held before, if it was a readable store.
    pub previous_revision: Option<String>,
    /// The newest `modified` time among the advisories.
    pub newest_modified: Option<String>,
    /// Files ingested.
    pub files_ingested: usize,
    /// Advisories stored.
    pub advisories: usize,
    /// Affected entries indexed.
    pub affected_entries: usize,
    /// Entries the feeds hold that we drop on purpose (see [`crate::ParsedFile::skipped_entries`]).
    pub skipped_entries: usize,
    /// Files that could not be read or parsed, skipped.
    pub broken: Vec<BrokenFile>,
    /// Files left out because another file covers the same repository (old Alpine YAML when
    /// the JSON for the same release and repository is present).
    pub superseded: Vec<String>,
    /// Per-source counts.
    pub sources: Vec<SourceInfo>,
    /// How long the update took.
    pub elapsed: Duration,
}

/// Why the store could not be built, opened or read.
#[derive(Debug, Error)]
pub enum StoreError {
    /// The feed directory cannot be listed.
    #[error("advisory source directory {path} is not readable")]
    SourceDir {
        /// The directory.
        path: PathBuf,
        /// The cause.
        #[source]
        source: std::io::Error,
    },
    /// The feed directory holds no feed file, or none that parsed.
    #[error("advisory source directory {path} has no usable feed file ({broken} broken)")]
    NoFeeds {
        /// The directory.
        path: PathBuf,
        /// How many files were found but broken.
        broken: usize,
    },
    /// A file operation on the store failed.
    #[error("cannot {action} advisory store {path}")]
    Io {
        /// The store file (or its temporary sibling).
        path: PathBuf,
        /// What we were doing.
        action: &'static str,
        /// The cause.
        #[source]
        source: std::io::Error,
    },
    /// SQLite failed.
    #[error("cannot {action} advisory store {path}")]
    Sqlite {
        /// The store file.
        path: PathBuf,
        /// What we were doing.
        action: &'static str,
        /// The cause.
        #[source]
        source: rusqlite::Error,
    },
    /// The file is not a store of this layout (an older Layerwatch wrote it, or it is not a
    /// store at all).
    #[error(
        "advisory store {path} has {}, this layerwatch reads schema {SCHEMA_VERSION}: \
         run `layerwatch db update` to rebuild it",
        found.as_deref().map_or_else(|| "no schema version".to_owned(), |v| format!("schema {v}"))
    )]
    Schema {
        /// The store file.
        path: PathBuf,
        /// The schema version found (None: no meta row).
        found: Option<String>,
    },
    /// A stored blob does not deserialise.
    #[error("advisory store {path} holds a corrupt record for {what}")]
    Corrupt {
        /// The store file.
        path: PathBuf,
        /// The advisory or package.
        what: String,
        /// The cause.
        #[source]
        source: serde_json::Error,
    },
    /// Feeds could not be fetched from a URL source.
    #[error("cannot fetch advisory feeds")]
    Fetch(#[from] crate::fetch::FetchError),
    /// A stored lookup group does not decode.
    #[error("advisory store {path} holds a corrupt record for {what}")]
    Decode {
        /// The store file.
        path: PathBuf,
        /// The namespace and package.
        what: String,
        /// The cause.
        #[source]
        source: DecodeError,
    },
}

/// An open, read-only advisory store.
#[derive(Debug)]
pub struct Store {
    conn: Connection,
    path: PathBuf,
    revision: String,
    newest_modified: Option<String>,
    sources: Vec<SourceInfo>,
    /// Sorted hashes of every group key ([`lookup::group_hash`]).
    filter: Vec<u64>,
    cache: RefCell<lookup::GroupCache>,
}

impl Store {
    /// Opens a store file read-only and reads its meta rows; nothing else is read until a
    /// lookup. Fails with [`StoreError::Schema`] for files of another layout.
    pub fn open(path: &Path) -> Result<Store, StoreError> {
        let sqlite = |action: &'static str| {
            move |source| StoreError::Sqlite {
                path: path.to_path_buf(),
                action,
                source,
            }
        };
        if !path.is_file() {
            return Err(StoreError::Io {
                path: path.to_path_buf(),
                action: "open",
                source: std::io::Error::new(std::io::ErrorKind::NotFound, "no such file"),
            });
        }
        // `immutable=1`: a store file is never written in place (updates rename a new file
        // over it), so SQLite may skip file locks and change checks on every query; this
        // halves the cost of a lookup that finds nothing.
        let flags = OpenFlags::SQLITE_OPEN_READ_ONLY
            | OpenFlags::SQLITE_OPEN_NO_MUTEX
            | OpenFlags::SQLITE_OPEN_URI;
        let uri = immutable_uri(path);
        let conn = Connection::open_with_flags(&uri, flags).map_err(sqlite("open"))?;
        // Reading pages through a memory map instead of a read() call each is most of the
        // cost of a lookup (about a quarter of it is the copy into the page cache otherwise).
        conn.execute_batch("PRAGMA mmap_size = 1073741824;")
            .map_err(sqlite("map"))?;
        let meta = |key: &str| -> Result<Option<String>, StoreError> {
            conn.query_row("SELECT value FROM meta WHERE key = ?1", [key], |r| r.get(0))
                .optional()
                .map_err(sqlite("read meta of"))
        };
        let schema = meta("schema_version").map_err(|_| StoreError::Schema {
            path: path.to_path_buf(),
            found: None,
        })?;
        if schema.as_deref() != Some(SCHEMA_VERSION) {
            return Err(StoreError::Schema {
                path: path.to_path_buf(),
                found: schema,
            });
        }
        let revision = meta("revision")?.unwrap_or_default();
        let newest_modified = meta("newest_modified")?;
        let sources_json = meta("sources")?.unwrap_or_else(|| "[]".to_owned());
        let sources =
            serde_json::from_str(&sources_json).map_err(|source| StoreError::Corrupt {
                path: path.to_path_buf(),
                what: "meta sources".to_owned(),
                source,
            })?;
        let filter = lookup::read_filter(&conn).map_err(sqlite("read the key filter of"))?;
        Ok(Store {
            conn,
            path: path.to_path_buf(),
            revision,
            newest_modified,
            sources,
            filter,
            cache: RefCell::new(lookup::GroupCache::default()),
        })
    }

    /// Builds a new store at `path` from the feeds in `source_dir` and atomically replaces
    /// the file there. Broken feed files are skipped and listed in the summary; the update
    /// fails (leaving any old store untouched) only when the directory is unreadable, holds
    /// no usable feed, or the new file cannot be written.
    pub fn update_from_dir(path: &Path, source_dir: &Path) -> Result<UpdateSummary, StoreError> {
        build::update_from_dir(path, source_dir)
    }

    /// The revision (hex SHA-256 of the ingested feed files and newest modification time).
    pub fn revision(&self) -> &str {
        &self.revision
    }

    /// The newest `modified` time among the stored advisories.
    pub fn newest_modified(&self) -> Option<&str> {
        self.newest_modified.as_deref()
    }

    /// The feed sources with their file and advisory counts.
    pub fn sources(&self) -> &[SourceInfo] {
        &self.sources
    }

    /// The file this store was opened from.
    pub fn path(&self) -> &Path {
        &self.path
    }

    fn sqlite(&self, action: &'static str, source: rusqlite::Error) -> StoreError {
        StoreError::Sqlite {
            path: self.path.clone(),
            action,
            source,
        }
    }
}

/// A `file:` URI for `path` with `immutable=1`; bytes that mean something in a URI are
/// percent-encoded.
fn immutable_uri(path: &Path) -> String {
    let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    #[cfg(unix)]
    let bytes = std::os::unix::ffi::OsStrExt::as_bytes(absolute.as_os_str()).to_vec();
    // Elsewhere SQLite expects UTF-8 paths anyway.
    #[cfg(not(unix))]
    let bytes = absolute.to_string_lossy().replace('\\', "/").into_bytes();
    let mut uri = String::from("file:");
    for &b in &bytes {
        if b.is_ascii_alphanumeric() || b"/-_.~".contains(&b) {
            uri.push(char::from(b));
        } else {
            uri.push_str(&format!("%{b:02X}"));
        }
    }
    uri.push_str("?immutable=1");
    uri
}
