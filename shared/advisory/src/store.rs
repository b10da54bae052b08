//! The embedded advisory store: one SQLite file, built from a feed directory, read per scan.
//!
//! Tables: `advisories` (one row per (source, id): the advisory as JSON without its affected
//! entries), `affected` (one row per affected entry, keyed by (namespace key, normalised package
//! name) so a lookup reads only the rows it returns), and `meta` (schema version, revision,
//! newest modification time, sources), and `coverage` (which sources index each namespace).
//! A scan opens the file read-only and never parses feeds.
//!
//! [`Store::update_from_dir`] builds a complete new file beside the target and renames it over
//! the target, so readers see the old store or the new one, never a half-written one, and a
//! failed update leaves the old store as it was. Fetching feeds from a URL is not here yet:
//! callers download and unpack into a directory first.

mod build;
mod coverage;

use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::{Connection, OpenFlags, OptionalExtension, params};
use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::model::{Advisory, Affected, Namespace, normalize_package};

/// The layout version of the store file; bumped when tables or blobs change incompatibly.
pub const SCHEMA_VERSION: &str = "1";

/// One feed source in the store.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SourceInfo {
    /// Source name, as in [`Advisory::source`] (`alpine/secdb-json`, `go/vulndb-osv`).
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
    /// The file is not a store of this layout.
    #[error(
        "{path} is not a Layerwatch advisory store of schema {SCHEMA_VERSION} (found: {}); \
         rebuild it with `layerwatch db update`",
        found.as_deref().unwrap_or("no schema")
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
}

/// An open, read-only advisory store.
#[derive(Debug)]
pub struct Store {
    conn: Connection,
    path: PathBuf,
    revision: String,
    newest_modified: Option<String>,
    sources: Vec<SourceInfo>,
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
        Ok(Store {
            conn,
            path: path.to_path_buf(),
            revision,
            newest_modified,
            sources,
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

    /// Advisories affecting `package` in `namespace`, each carrying only the affected entries
    /// for that package (an advisory may list it more than once, e.g. two Alpine fixes).
    /// The name is normalised as [`normalize_package`] does. Ordered by (source, id).
    pub fn lookup(
        &self,
        namespace: &Namespace,
        package: &str,
    ) -> Result<Vec<Advisory>, StoreError> {
        let key = namespace.key();
        let name = normalize_package(namespace, package);
        let mut stmt = self
            .conn
            .prepare_cached(
                "SELECT f.advisory, a.body, f.body FROM affected f \
                 JOIN advisories a ON a.rowid = f.advisory \
                 WHERE f.namespace = ?1 AND f.package = ?2 ORDER BY f.advisory, f.seq",
            )
            .map_err(|source| self.sqlite("prepare lookup in", source))?;
        let rows = stmt
            .query_map(params![key, name], |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                ))
            })
            .map_err(|source| self.sqlite("look up in", source))?;
        let mut out: Vec<Advisory> = Vec::new();
        let mut last_row = None;
        for row in rows {
            let (row_id, advisory_json, affected_json) =
                row.map_err(|source| self.sqlite("read lookup rows of", source))?;
            if last_row != Some(row_id) {
                out.push(self.decode(&advisory_json, &format!("{key} {name}"))?);
                last_row = Some(row_id);
            }
            let affected: Affected = self.decode(&affected_json, &format!("{key} {name}"))?;
            if let Some(current) = out.last_mut() {
                current.affected.push(affected);
            }
        }
        Ok(out)
    }

    /// Every stored advisory with this id (one per source that has it), with all its
    /// affected entries.
    pub fn by_id(&self, id: &str) -> Result<Vec<Advisory>, StoreError> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT rowid, body FROM advisories WHERE id = ?1 ORDER BY rowid")
            .map_err(|source| self.sqlite("prepare id lookup in", source))?;
        let heads: Vec<(i64, String)> = stmt
            .query_map([id], |r| Ok((r.get(0)?, r.get(1)?)))
            .and_then(|rows| rows.collect())
            .map_err(|source| self.sqlite("look up id in", source))?;
        let mut affected_stmt = self
            .conn
            .prepare_cached("SELECT body FROM affected WHERE advisory = ?1 ORDER BY seq")
            .map_err(|source| self.sqlite("prepare id lookup in", source))?;
        let mut out = Vec::with_capacity(heads.len());
        for (row_id, body) in heads {
            let mut advisory: Advisory = self.decode(&body, id)?;
            let bodies: Vec<String> = affected_stmt
                .query_map([row_id], |r| r.get(0))
                .and_then(|rows| rows.collect())
                .map_err(|source| self.sqlite("look up id in", source))?;
            for body in bodies {
                advisory.affected.push(self.decode(&body, id)?);
            }
            out.push(advisory);
        }
        Ok(out)
    }

    fn decode<T: serde::de::DeserializeOwned>(
        &self,
        json: &str,
        what: &str,
    ) -> Result<T, StoreError> {
        serde_json::from_str(json).map_err(|source| StoreError::Corrupt {
            path: self.path.clone(),
            what: what.to_owned(),
            source,
        })
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
