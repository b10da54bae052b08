//! The layer cache on Blob storage: one zstd JSON blob per layer digest and analyzer version,
//! created with `If-None-Match: *` so two analysers of the same layer leave one entry.
//!
//! Blobs have no per-item time to live. The "refreshed on use" expiry of DESIGN.md is a
//! lifecycle-management rule on the `cache/` prefix keyed on last *access* time (access
//! tracking on), so reading an entry is what keeps it; nothing is written on a hit.

use std::collections::HashMap;

use layerwatch_inventory::LayerInventory;
use layerwatch_oci::Digest;
use layerwatch_pipeline::codec::{decode_inventory, encode_inventory};
use layerwatch_pipeline::{LayerCacheStore, PutOutcome, StoreError};

use crate::blob::{Condition, Put};
use crate::cas::segment;
use crate::storage::AzureStorage;

/// The blob name of a cached inventory.
pub fn cache_key(layer: &Digest, analyzer: &str) -> String {
    format!(
        "cache/v1/{}/{}/{}.json.zst",
        segment(analyzer),
        layer.algorithm().as_str(),
        layer.hex()
    )
}

impl LayerCacheStore for AzureStorage {
    fn get_many(
        &self,
        digests: &[Digest],
        analyzer: &str,
    ) -> Result<HashMap<Digest, LayerInventory>, StoreError> {
        let mut found = HashMap::new();
        for digest in digests {
            let key = cache_key(digest, analyzer);
            let Some(blob) = self.container.get(&key)? else {
                continue;
            };
            match decode_inventory(&key, &blob.bytes) {
                // An entry for another digest would be a poisoned cache: never trust it.
                Ok(inv) if &inv.digest == digest => {
                    found.insert(digest.clone(), inv);
                }
                Ok(inv) => {
                    tracing::warn!(key, stored = %inv.digest, "cache entry names another layer; treated as a miss")
                }
                Err(e) => {
                    tracing::warn!(key, error = %e, "unreadable cache entry; treated as a miss")
                }
            }
        }
        Ok(found)
    }

    fn put(&self, inventory: &LayerInventory) -> Result<PutOutcome, StoreError> {
        let key = cache_key(&inventory.digest, &inventory.analyzer_version);
        let bytes = encode_inventory(inventory)?;
        Ok(
            match self
                .container
                .put(&key, &bytes, "application/zstd", Condition::Absent)?
            {
                Put::Written(_) => PutOutcome::Created,
                Put::Conflict => PutOutcome::AlreadyPresent,
            },
        )
    }
}
