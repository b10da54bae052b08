//! rpm's NDB backend (SUSE): `Packages.db`.
//!
//! Little-endian throughout. A 32-byte file header (`RpmP` magic, version 0, generation,
//! number of slot pages) shares the first 4 KiB page with the slot table; the slot pages hold
//! 16-byte slots (`Slot` magic, package index, offset and count of 16-byte blocks), a package
//! index of 0 marking a free slot. A package's blocks start with a 16-byte blob header (`BlbS`
//! magic, package index, generation, blob length) followed by the header blob itself.

use layerwatch_inventory::Package;

use super::{Order, u32_at};
use crate::Reason;

const FILE_MAGIC: u32 = u32::from_le_bytes(*b"RpmP");
const SLOT_MAGIC: u32 = u32::from_le_bytes(*b"Slot");
const BLOB_MAGIC: u32 = u32::from_le_bytes(*b"BlbS");
const PAGE_SIZE: usize = 4096;
const HEADER_SIZE: usize = 32;
const SLOT_SIZE: usize = 16;
const BLOCK_SIZE: usize = 16;
const BLOB_HEADER_SIZE: usize = 16;

/// Parses an NDB `Packages.db`.
pub(crate) fn parse(bytes: &[u8]) -> Result<Vec<Package>, Reason> {
    let le = |offset| u32_at(bytes, offset, Order::Little);
    if le(0) != Some(FILE_MAGIC) {
        return Err("no RpmP magic".to_string());
    }
    if le(4) != Some(0) {
        return Err(format!("unsupported NDB version {:?}", le(4)));
    }
    let slot_pages = le(12).ok_or("truncated file header")? as usize;
    let slots_end = slot_pages
        .checked_mul(PAGE_SIZE)
        .filter(|end| *end <= bytes.len() && *end > 0)
        .ok_or_else(|| {
            format!(
                "{slot_pages} slot pages do not fit in {} bytes",
                bytes.len()
            )
        })?;
    let mut blobs = Vec::new();
    for (i, slot) in bytes[HEADER_SIZE..slots_end]
        .chunks_exact(SLOT_SIZE)
        .enumerate()
    {
        let field = |n: usize| u32_at(slot, n * 4, Order::Little).unwrap_or_default();
        if field(0) != SLOT_MAGIC {
            return Err(format!("slot {i} has bad magic"));
        }
        let package_index = field(1);
        if package_index == 0 {
            continue;
        }
        let start = field(2) as usize * BLOCK_SIZE;
        if le(start) != Some(BLOB_MAGIC) || le(start + 4) != Some(package_index) {
            return Err(format!(
                "package {package_index}: no blob at block {}",
                field(2)
            ));
        }
        let length = le(start + 12).unwrap_or_default() as usize;
        let blob = bytes
            .get(start + BLOB_HEADER_SIZE..)
            .and_then(|tail| tail.get(..length))
            .ok_or_else(|| format!("package {package_index}: blob of {length} bytes truncated"))?;
        blobs.push((u64::from(package_index), blob));
    }
    super::packages_from_blobs(blobs)
}
