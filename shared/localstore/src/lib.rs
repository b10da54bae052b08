//! The embedded store: the pipeline on a laptop, with no cloud account.
//!
//! - [`LocalStore`]: one SQLite file (WAL) holding the layer cache, the scan jobs and the
//!   results with their look-up index;
//! - [`DirObjects`]: reports, SBOMs and image configs as files under a folder;
//! - [`MemoryQueue`] and [`CollectedAlerts`]: the queues and alerts, in process;
//! - [`LocalPipeline::run_scan`]: dispatch, analyze-layer and assemble run in-process until
//!   the queue is empty.
//!
//! [`LocalPaths`] says where the files live: `~/.cache/layerwatch/store.db` and
//! `~/.cache/layerwatch/store.objects/` next to the advisory store, or beside a store file
//! given with `--store` / `LAYERWATCH_STORE`.

mod objects;
mod queue;
mod runner;
mod sqlite;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use layerwatch_pipeline::StoreError;

pub use objects::DirObjects;
pub use queue::{Alert, CollectedAlerts, MemoryQueue, Message};
pub use runner::{LocalPipeline, RunSummary, Settings, Stores};
pub use sqlite::LocalStore;

/// Where the embedded store keeps its files.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LocalPaths {
    /// The SQLite file.
    pub db: PathBuf,
    /// The object folder.
    pub objects: PathBuf,
}

impl LocalPaths {
    /// The store file `db` and the folder beside it (`store.db` -> `store.objects/`).
    pub fn beside(db: &Path) -> LocalPaths {
        LocalPaths {
            db: db.to_path_buf(),
            objects: db.with_extension("objects"),
        }
    }

    /// `$LAYERWATCH_STORE` if set, else `store.db` in the user cache folder
    /// (`$XDG_CACHE_HOME/layerwatch` or `~/.cache/layerwatch`), next to the advisory store.
    pub fn default_location() -> LocalPaths {
        if let Some(path) = std::env::var_os("LAYERWATCH_STORE") {
            return LocalPaths::beside(Path::new(&path));
        }
        let cache = std::env::var_os("XDG_CACHE_HOME")
            .map(PathBuf::from)
            .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache")))
            .unwrap_or_else(std::env::temp_dir);
        LocalPaths::beside(&cache.join("layerwatch").join("store.db"))
    }

    /// Opens the store file and object folder as the runner's four stores.
    pub fn open(&self) -> Result<Stores, StoreError> {
        let store = Arc::new(LocalStore::open(&self.db)?);
        let objects = Arc::new(DirObjects::open(&self.objects)?);
        Ok(Stores {
            layers: store.clone(),
            jobs: store.clone(),
            results: store,
            objects,
        })
    }
}
