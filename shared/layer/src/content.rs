//! Content rules run on every regular file of a layer, in the reader's single pass: secrets
//! in files ([`secrets`]) and package manager caches left behind ([`caches`]).
//!
//! Both decide from the path and size first, which costs a few byte comparisons per entry;
//! only the rare candidate is read, and never more than [`MAX_SCANNED_BYTES`] per layer, so a
//! layer of many small config files cannot make the pass slow.

pub mod caches;
pub mod secrets;

use std::io::{self, Read};

use layerwatch_inventory::{CacheFile, LayerInventory, SecretHit, Warning};

/// Bytes of candidate files read for the secret rules in one layer.
pub const MAX_SCANNED_BYTES: u64 = 64 << 20;
/// Secret hits recorded for one layer.
pub const MAX_SECRET_HITS: usize = 1_000;
/// Cache files recorded per package manager and layer: a few tell that the cache is there
/// (and let a later layer's whiteouts be replayed on them); the rest would only cost memory.
pub const MAX_CACHE_FILES: usize = 16;

/// What the content rules have used of their per-layer budgets.
#[derive(Debug, Default)]
pub(crate) struct ContentState {
    scanned_bytes: u64,
    budget_warned: bool,
    hits_warned: bool,
}

impl ContentState {
    /// Looks at one regular file at normalised `path` whose data `entry` has not been read yet;
    /// true when the file was one of the content rules' (a cache file or a secret candidate),
    /// whose data is then read.
    pub(crate) fn entry<R: Read>(
        &mut self,
        inv: &mut LayerInventory,
        path: &str,
        entry: &mut tar::Entry<'_, R>,
    ) -> io::Result<bool> {
        if let Some(manager) = caches::manager(path) {
            let seen = inv.caches.iter().filter(|c| c.manager == manager).count();
            if seen < MAX_CACHE_FILES {
                inv.caches.push(CacheFile {
                    manager: manager.to_string(),
                    path: path.to_string(),
                });
            }
            return Ok(true);
        }
        let size = entry.size();
        let Some(candidate) = secrets::candidate(path, size) else {
            return Ok(false);
        };
        if self.scanned_bytes + size > MAX_SCANNED_BYTES {
            if !std::mem::replace(&mut self.budget_warned, true) {
                inv.warnings.push(
                    Warning::new(
                        "secrets-budget",
                        "the layer's budget of bytes read for secret rules is used up; \
                         later files were not searched",
                    )
                    .at_path(path),
                );
            }
            return Ok(true);
        }
        self.scanned_bytes += size;
        let mut bytes = Vec::with_capacity(usize::try_from(size).unwrap_or(0));
        entry.take(size).read_to_end(&mut bytes)?;
        for found in secrets::scan(candidate, &bytes) {
            if inv.secrets.len() >= MAX_SECRET_HITS {
                if !std::mem::replace(&mut self.hits_warned, true) {
                    inv.warnings.push(Warning::new(
                        "cap-reached",
                        "the cap on secret hits was reached; later ones are not recorded",
                    ));
                }
                break;
            }
            inv.secrets.push(SecretHit {
                path: path.to_string(),
                rule: found.rule.to_string(),
                line: Some(found.line),
            });
        }
        Ok(true)
    }
}
