//! Building a store from any [`FeedSource`]: a local directory as is, a mirror or the
//! upstream feeds downloaded into a temporary folder first. Download failures join the
//! summary's broken files; a fetch that yields nothing usable fails and leaves the old store.

use std::path::{Path, PathBuf};

use super::{Store, StoreError, UpdateSummary, build};
use crate::fetch::{self, FeedSource, FetchError};

impl Store {
    /// Builds a new store at `path` from `source` and atomically replaces the file there;
    /// returns the summary, whose `revision` reports carry. Blocking: for a URL source it runs
    /// its own async runtime, so it must not be called from inside one (use
    /// [`Store::update_from_async`] there).
    pub fn update_from(path: &Path, source: &FeedSource) -> Result<UpdateSummary, StoreError> {
        if let FeedSource::Dir(dir) = source {
            return build::update_from_dir(path, dir);
        }
        if tokio::runtime::Handle::try_current().is_ok() {
            return Err(FetchError::InsideRuntime(source.to_string()).into());
        }
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(FetchError::Runtime)?;
        runtime.block_on(Store::update_from_async(path, source))
    }

    /// As [`Store::update_from`], for callers inside a tokio runtime (a serverless handler):
    /// downloads asynchronously, then builds on the runtime's blocking pool.
    pub async fn update_from_async(
        path: &Path,
        source: &FeedSource,
    ) -> Result<UpdateSummary, StoreError> {
        let target = path.to_path_buf();
        let (dir, download) = match source {
            FeedSource::Dir(dir) => (dir.clone(), None),
            remote => {
                let temp = tempfile::Builder::new()
                    .prefix("layerwatch-feeds-")
                    .tempdir()
                    .map_err(|source| FetchError::Io {
                        path: std::env::temp_dir(),
                        source,
                    })?;
                let report = fetch::fetch_into(remote, temp.path()).await?;
                if report.files == 0 {
                    return Err(nothing(remote, &report.failed).into());
                }
                (temp.path().to_path_buf(), Some((temp, report)))
            }
        };
        let built = build_blocking(target, dir).await;
        let Some((_temp, report)) = download else {
            return built;
        };
        match built {
            Ok(mut summary) => {
                summary.broken.extend(report.failed);
                summary.broken.sort_by(|a, b| a.path.cmp(&b.path));
                Ok(summary)
            }
            // The temporary folder means nothing to the user; the source does.
            Err(StoreError::NoFeeds { .. }) => Err(nothing(source, &report.failed).into()),
            Err(e) => Err(e),
        }
    }
}

async fn build_blocking(target: PathBuf, dir: PathBuf) -> Result<UpdateSummary, StoreError> {
    tokio::task::spawn_blocking(move || build::update_from_dir(&target, &dir))
        .await
        .unwrap_or_else(|e| {
            Err(StoreError::Io {
                path: PathBuf::new(),
                action: "build (the build task failed)",
                source: std::io::Error::other(e.to_string()),
            })
        })
}

fn nothing(source: &FeedSource, failed: &[crate::BrokenFile]) -> FetchError {
    FetchError::Nothing {
        source_name: source.to_string(),
        failed: failed.len(),
        first: failed
            .first()
            .map(|b| format!("; first: {}: {}", b.path, b.error))
            .unwrap_or_default(),
    }
}
