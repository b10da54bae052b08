//! The layer cache seen by a scan: inventories by layer digest and analyzer version.
//!
//! A cache hit means the layer is not read at all. Implementations live with the stores (the
//! embedded file, DynamoDB, Azure Blob); this crate has an in-memory one and a no-op one.

use std::collections::HashMap;
use std::sync::Mutex;

use layerwatch_inventory::{ANALYZER_VERSION, INVENTORY_SCHEMA, LayerInventory};
use layerwatch_oci::Digest;

/// Inventories keyed by layer digest (as stored) and analyzer version.
pub trait LayerCache {
    /// The cached inventory of `digest` for the current analyzer version, if any.
    fn get(&self, digest: &Digest) -> Option<LayerInventory>;
    /// Stores an inventory. A failure to store is not a scan failure; implementations log it.
    fn put(&self, inventory: &LayerInventory);
    /// The bytes of an image config stored earlier under `digest`, so a registry scan whose
    /// layers are all cached downloads no blob. The caller verifies the digest.
    fn get_config(&self, _digest: &Digest) -> Option<Vec<u8>> {
        None
    }
    /// Stores an image config's bytes (already verified against `digest`).
    fn put_config(&self, _digest: &Digest, _bytes: &[u8]) {}
}

/// No caching: every layer is read.
#[derive(Debug, Default)]
pub struct NoCache;

impl LayerCache for NoCache {
    fn get(&self, _digest: &Digest) -> Option<LayerInventory> {
        None
    }
    fn put(&self, _inventory: &LayerInventory) {}
}

/// An in-process cache, for one CLI run over several images and for tests.
#[derive(Debug, Default)]
pub struct MemoryCache {
    entries: Mutex<HashMap<Digest, LayerInventory>>,
    configs: Mutex<HashMap<Digest, Vec<u8>>>,
}

impl LayerCache for MemoryCache {
    fn get(&self, digest: &Digest) -> Option<LayerInventory> {
        let entries = self.entries.lock().ok()?;
        entries
            .get(digest)
            .filter(|i| i.schema == INVENTORY_SCHEMA && i.analyzer_version == ANALYZER_VERSION)
            .cloned()
    }

    fn put(&self, inventory: &LayerInventory) {
        if let Ok(mut entries) = self.entries.lock() {
            entries.insert(inventory.digest.clone(), inventory.clone());
        }
    }

    fn get_config(&self, digest: &Digest) -> Option<Vec<u8>> {
        self.configs.lock().ok()?.get(digest).cloned()
    }

    fn put_config(&self, digest: &Digest, bytes: &[u8]) {
        if let Ok(mut configs) = self.configs.lock() {
            configs.insert(digest.clone(), bytes.to_vec());
        }
    }
}
