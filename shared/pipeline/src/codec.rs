//! How a layer inventory is stored: JSON compressed with zstd. Every backend stores the same
//! bytes, so an inventory spilled to S3 and one kept in a DynamoDB item decode alike.

use layerwatch_inventory::{ANALYZER_VERSION, INVENTORY_SCHEMA, LayerInventory};

use crate::store::StoreError;

/// zstd level: inventories are small and written once per layer; decoding speed matters more.
const LEVEL: i32 = 9;

/// The stored bytes of an inventory.
pub fn encode_inventory(inventory: &LayerInventory) -> Result<Vec<u8>, StoreError> {
    let json = serde_json::to_vec(inventory).map_err(|e| StoreError::Corrupt {
        what: "layer inventory",
        key: inventory.digest.to_string(),
        reason: e.to_string(),
    })?;
    zstd::encode_all(json.as_slice(), LEVEL).map_err(|e| StoreError::Corrupt {
        what: "layer inventory",
        key: inventory.digest.to_string(),
        reason: e.to_string(),
    })
}

/// An inventory from its stored bytes. `key` names it in errors. An inventory of another
/// schema or analyzer version is an error: the caller treats it as a cache miss.
pub fn decode_inventory(key: &str, bytes: &[u8]) -> Result<LayerInventory, StoreError> {
    let corrupt = |reason: String| StoreError::Corrupt {
        what: "layer inventory",
        key: key.to_string(),
        reason,
    };
    let json = zstd::decode_all(bytes).map_err(|e| corrupt(format!("not zstd: {e}")))?;
    let inventory: LayerInventory =
        serde_json::from_slice(&json).map_err(|e| corrupt(e.to_string()))?;
    if inventory.schema != INVENTORY_SCHEMA || inventory.analyzer_version != ANALYZER_VERSION {
        return Err(corrupt(format!(
            "schema {} analyzer {}, expected schema {INVENTORY_SCHEMA} analyzer {ANALYZER_VERSION}",
            inventory.schema, inventory.analyzer_version
        )));
    }
    Ok(inventory)
}

#[cfg(test)]
mod tests {
    use super::*;
    use layerwatch_inventory::Compression;
    use layerwatch_oci::Digest;

    #[test]
    fn an_inventory_survives_the_round_trip() {
        let mut inv = LayerInventory::empty(Digest::sha256_of(b"layer"), Compression::Gzip);
        inv.whiteouts.push("etc/old".into());
        let bytes = encode_inventory(&inv).expect("encodes");
        assert_eq!(decode_inventory("k", &bytes).expect("decodes"), inv);
    }

    #[test]
    fn damaged_bytes_name_the_key() {
        let err = decode_inventory("layers/v1/x", b"not zstd").expect_err("must fail");
        assert!(err.to_string().contains("layers/v1/x"), "{err}");
        assert!(!err.is_retryable());
    }
}
