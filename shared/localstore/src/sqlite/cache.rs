//! The layer cache: zstd-compressed inventory JSON (the pipeline's codec) per layer digest and
//! analyzer version.

use std::collections::HashMap;

use layerwatch_inventory::LayerInventory;
use layerwatch_oci::Digest;
use layerwatch_pipeline::codec::{decode_inventory, encode_inventory};
use layerwatch_pipeline::{LayerCacheStore, PutOutcome, StoreError};
use rusqlite::{OptionalExtension, params};
use tracing::warn;

use super::{LocalStore, sql_error};

fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
}

impl LayerCacheStore for LocalStore {
    fn get_many(
        &self,
        digests: &[Digest],
        analyzer: &str,
    ) -> Result<HashMap<Digest, LayerInventory>, StoreError> {
        self.write("reading the layer cache", |tx| {
            let mut out = HashMap::new();
            let mut select = tx
                .prepare_cached(
                    "SELECT inventory FROM layer_cache WHERE digest = ?1 AND analyzer = ?2",
                )
                .map_err(|e| sql_error("reading the layer cache", e))?;
            let mut touch = tx
                .prepare_cached(
                    "UPDATE layer_cache SET last_used = ?3 WHERE digest = ?1 AND analyzer = ?2",
                )
                .map_err(|e| sql_error("reading the layer cache", e))?;
            for digest in digests {
                let key = digest.to_string();
                let bytes: Option<Vec<u8>> = select
                    .query_row(params![key, analyzer], |r| r.get(0))
                    .optional()
                    .map_err(|e| sql_error(&format!("reading layer {key}"), e))?;
                let Some(bytes) = bytes else { continue };
                // An entry that does not decode (another schema) is a miss: the layer is read
                // again, and the conditional put keeps the old entry, so it stays a miss until
                // the analyzer version changes.
                match decode_inventory(&key, &bytes) {
                    Ok(inventory) => {
                        touch
                            .execute(params![key, analyzer, now()])
                            .map_err(|e| sql_error(&format!("touching layer {key}"), e))?;
                        out.insert(digest.clone(), inventory);
                    }
                    Err(e) => warn!(layer = %key, error = %e, "cached inventory unreadable"),
                }
            }
            Ok(out)
        })
    }

    fn put(&self, inventory: &LayerInventory) -> Result<PutOutcome, StoreError> {
        let bytes = encode_inventory(inventory)?;
        let key = inventory.digest.to_string();
        let conn = self.lock();
        let changed = conn
            .execute(
                "INSERT OR IGNORE INTO layer_cache (digest, analyzer, inventory, last_used)
                 VALUES (?1, ?2, ?3, ?4)",
                params![key, inventory.analyzer_version, bytes, now()],
            )
            .map_err(|e| sql_error(&format!("caching layer {key}"), e))?;
        Ok(if changed == 1 {
            PutOutcome::Created
        } else {
            PutOutcome::AlreadyPresent
        })
    }
}
