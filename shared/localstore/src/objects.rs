//! The object store as a directory: a key is a relative path under the root.
//!
//! Objects are written to a temporary file first and then hard-linked (`put_once`: fails if
//! the name exists, so exactly one writer wins) or renamed (`put`: replaces) into place, so a
//! reader never sees half an object and a killed process leaves none behind.

use std::io::{ErrorKind, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use layerwatch_pipeline::{ObjectStore, PutOutcome, StoreError};

/// Where unfinished writes live, under the root; never listed.
const TMP: &str = ".tmp";

/// A directory-backed [`ObjectStore`].
#[derive(Debug)]
pub struct DirObjects {
    root: PathBuf,
}

impl DirObjects {
    /// The store rooted at `root` (created if needed).
    pub fn open(root: &Path) -> Result<DirObjects, StoreError> {
        std::fs::create_dir_all(root.join(TMP)).map_err(|e| io("creating", root, &e))?;
        Ok(DirObjects {
            root: root.to_path_buf(),
        })
    }

    /// The root folder.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The file of `key`; keys with empty, `.` or `..` segments are refused.
    pub fn path_of(&self, key: &str) -> Result<PathBuf, StoreError> {
        let bad = key.is_empty()
            || key.starts_with(TMP)
            || key
                .split('/')
                .any(|s| s.is_empty() || s == "." || s == ".." || s.contains('\\'));
        if bad {
            return Err(StoreError::Permanent(format!(
                "object key `{key}` is not a relative path"
            )));
        }
        Ok(self.root.join(key))
    }

    /// Writes `bytes` to a fresh temporary file and returns its path.
    fn stage(&self, key: &str, bytes: &[u8]) -> Result<PathBuf, StoreError> {
        static COUNTER: AtomicU64 = AtomicU64::new(0);
        let tmp = self.root.join(TMP).join(format!(
            "{}-{}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::Relaxed)
        ));
        let mut file = std::fs::File::create(&tmp).map_err(|e| io("staging", &tmp, &e))?;
        file.write_all(bytes)
            .and_then(|()| file.sync_all())
            .map_err(|e| {
                let _ = std::fs::remove_file(&tmp);
                StoreError::Transient(format!("writing object {key}: {e}"))
            })?;
        Ok(tmp)
    }

    fn parent_of(path: &Path) -> Result<(), StoreError> {
        match path.parent() {
            Some(dir) => std::fs::create_dir_all(dir).map_err(|e| io("creating", dir, &e)),
            None => Ok(()),
        }
    }
}

fn io(action: &str, path: &Path, e: &std::io::Error) -> StoreError {
    let message = format!("{action} {}: {e}", path.display());
    match e.kind() {
        ErrorKind::Interrupted | ErrorKind::WouldBlock | ErrorKind::TimedOut => {
            StoreError::Transient(message)
        }
        _ => StoreError::Permanent(message),
    }
}

impl ObjectStore for DirObjects {
    fn put_once(
        &self,
        key: &str,
        bytes: &[u8],
        _content_type: &str,
    ) -> Result<PutOutcome, StoreError> {
        let path = self.path_of(key)?;
        if path.exists() {
            return Ok(PutOutcome::AlreadyPresent);
        }
        Self::parent_of(&path)?;
        let tmp = self.stage(key, bytes)?;
        let linked = std::fs::hard_link(&tmp, &path);
        let _ = std::fs::remove_file(&tmp);
        match linked {
            Ok(()) => Ok(PutOutcome::Created),
            Err(e) if e.kind() == ErrorKind::AlreadyExists => Ok(PutOutcome::AlreadyPresent),
            Err(e) => Err(io("writing", &path, &e)),
        }
    }

    fn put(&self, key: &str, bytes: &[u8], _content_type: &str) -> Result<(), StoreError> {
        let path = self.path_of(key)?;
        Self::parent_of(&path)?;
        let tmp = self.stage(key, bytes)?;
        std::fs::rename(&tmp, &path).map_err(|e| {
            let _ = std::fs::remove_file(&tmp);
            io("writing", &path, &e)
        })
    }

    fn get(&self, key: &str) -> Result<Option<Vec<u8>>, StoreError> {
        let path = self.path_of(key)?;
        match std::fs::read(&path) {
            Ok(bytes) => Ok(Some(bytes)),
            Err(e) if e.kind() == ErrorKind::NotFound => Ok(None),
            Err(e) => Err(io("reading", &path, &e)),
        }
    }

    fn list(&self, prefix: &str) -> Result<Vec<String>, StoreError> {
        // Walk only the folder the prefix names up to its last `/`.
        let dir_part = prefix.rsplit_once('/').map_or("", |(d, _)| d);
        let start = if dir_part.is_empty() {
            self.root.clone()
        } else {
            self.path_of(dir_part)?
        };
        let mut keys = Vec::new();
        let mut stack = vec![(start, dir_part.to_string())];
        while let Some((dir, key_prefix)) = stack.pop() {
            let entries = match std::fs::read_dir(&dir) {
                Ok(entries) => entries,
                Err(e) if e.kind() == ErrorKind::NotFound => continue,
                Err(e) => return Err(io("listing", &dir, &e)),
            };
            for entry in entries {
                let entry = entry.map_err(|e| io("listing", &dir, &e))?;
                let name = entry.file_name().to_string_lossy().into_owned();
                let key = if key_prefix.is_empty() {
                    name.clone()
                } else {
                    format!("{key_prefix}/{name}")
                };
                if key == TMP {
                    continue;
                }
                let kind = entry.file_type().map_err(|e| io("listing", &dir, &e))?;
                if kind.is_dir() {
                    stack.push((entry.path(), key));
                } else if key.starts_with(prefix) {
                    keys.push(key);
                }
            }
        }
        keys.sort();
        Ok(keys)
    }
}
