//! The SQLite file holding the layer cache, the scan jobs and the results with their index.
//!
//! One connection behind a mutex serves the process; read-modify-write calls run in
//! `BEGIN IMMEDIATE` transactions, so two processes sharing the file (two CLI runs) still see
//! each conditional write happen once. WAL mode lets readers go on while one writes.

mod cache;
mod jobs;
mod results;

use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};
use std::time::Duration;

use layerwatch_pipeline::StoreError;
use rusqlite::{Connection, ErrorCode, Transaction, TransactionBehavior};

/// Schema version in `PRAGMA user_version`; a file of another version is refused.
const SCHEMA_VERSION: i64 = 1;

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS layer_cache (
    digest TEXT NOT NULL, analyzer TEXT NOT NULL, inventory BLOB NOT NULL,
    last_used INTEGER NOT NULL, PRIMARY KEY (digest, analyzer)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS jobs (key TEXT PRIMARY KEY, job TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS results (
    image TEXT NOT NULL, digest TEXT NOT NULL, platform TEXT NOT NULL, index_digest TEXT,
    row TEXT NOT NULL, PRIMARY KEY (image, digest, platform));
CREATE INDEX IF NOT EXISTS results_by_digest ON results (digest);
CREATE INDEX IF NOT EXISTS results_by_index ON results (index_digest);
CREATE TABLE IF NOT EXISTS result_index (
    image TEXT NOT NULL, digest TEXT NOT NULL, platform TEXT NOT NULL, kind TEXT NOT NULL,
    id TEXT, package TEXT NOT NULL, version TEXT NOT NULL, entry TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS result_index_by_id ON result_index (id);
CREATE INDEX IF NOT EXISTS result_index_by_package ON result_index (package, version);
CREATE INDEX IF NOT EXISTS result_index_by_row ON result_index (image, digest, platform);
";

/// The embedded store: implements [`layerwatch_pipeline::LayerCacheStore`],
/// [`layerwatch_pipeline::JobStore`] and [`layerwatch_pipeline::ResultStore`].
#[derive(Debug)]
pub struct LocalStore {
    conn: Mutex<Connection>,
    path: PathBuf,
}

impl LocalStore {
    /// Opens (creating if needed) the store file at `path`, and its folder.
    pub fn open(path: &Path) -> Result<LocalStore, StoreError> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|e| {
                StoreError::Permanent(format!("creating the store folder {}: {e}", dir.display()))
            })?;
        }
        let fail = |action: &str, e: rusqlite::Error| {
            StoreError::Permanent(format!("{action} store {}: {e}", path.display()))
        };
        let conn = Connection::open(path).map_err(|e| fail("opening", e))?;
        conn.busy_timeout(Duration::from_secs(10))
            .map_err(|e| fail("configuring", e))?;
        conn.pragma_update_and_check(None, "journal_mode", "WAL", |_| Ok(()))
            .map_err(|e| fail("configuring", e))?;
        conn.pragma_update(None, "synchronous", "NORMAL")
            .map_err(|e| fail("configuring", e))?;
        let version: i64 = conn
            .pragma_query_value(None, "user_version", |r| r.get(0))
            .map_err(|e| fail("reading", e))?;
        if version != 0 && version != SCHEMA_VERSION {
            return Err(StoreError::Permanent(format!(
                "store {} has schema version {version}; this layerwatch reads version {SCHEMA_VERSION} (move the file away to start afresh)",
                path.display()
            )));
        }
        conn.execute_batch(SCHEMA)
            .map_err(|e| fail("creating tables in", e))?;
        conn.pragma_update(None, "user_version", SCHEMA_VERSION)
            .map_err(|e| fail("configuring", e))?;
        Ok(LocalStore {
            conn: Mutex::new(conn),
            path: path.to_path_buf(),
        })
    }

    /// The file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    fn lock(&self) -> MutexGuard<'_, Connection> {
        // A panic while holding the lock cannot leave SQLite inconsistent (transactions roll
        // back on drop), so a poisoned lock is taken over.
        self.conn.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Runs `f` in an immediate (write-locking) transaction and commits it.
    fn write<T>(
        &self,
        what: &str,
        f: impl FnOnce(&Transaction<'_>) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        let mut conn = self.lock();
        let tx = conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(|e| sql_error(what, e))?;
        let out = f(&tx)?;
        tx.commit().map_err(|e| sql_error(what, e))?;
        Ok(out)
    }
}

/// A SQLite error as a store error: a busy or locked file may free up, anything else will not.
pub(crate) fn sql_error(what: &str, e: rusqlite::Error) -> StoreError {
    let busy = matches!(
        e.sqlite_error_code(),
        Some(ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked)
    );
    if busy {
        StoreError::Transient(format!("{what}: {e}"))
    } else {
        StoreError::Permanent(format!("{what}: {e}"))
    }
}

/// A stored JSON value that does not decode.
pub(crate) fn corrupt(what: &'static str, key: &str, e: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt {
        what,
        key: key.to_string(),
        reason: e.to_string(),
    }
}

/// A value as JSON text.
pub(crate) fn to_json<T: serde::Serialize>(
    what: &'static str,
    key: &str,
    value: &T,
) -> Result<String, StoreError> {
    serde_json::to_string(value).map_err(|e| corrupt(what, key, e))
}
