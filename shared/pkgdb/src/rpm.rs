//! rpm: the package header format shared by all rpm databases, and the three database
//! containers that hold those headers (SQLite, Berkeley DB hash, NDB).
//!
//! Every backend yields header blobs keyed by rpm's record number; [`header`] turns one blob
//! into a [`Package`]. Multi-byte fields of the headers are big-endian; the containers have
//! their own byte orders.

pub(crate) mod bdb;
pub(crate) mod header;
pub(crate) mod ndb;
pub(crate) mod sqlite;

use layerwatch_inventory::Package;

use crate::Reason;

/// Turns `(record number, header blob)` pairs into packages; a bad header makes the database
/// malformed and the error names its record.
fn packages_from_blobs<'a>(
    blobs: impl IntoIterator<Item = (u64, &'a [u8])>,
) -> Result<Vec<Package>, Reason> {
    blobs
        .into_iter()
        .map(|(record, blob)| {
            header::package(blob).map_err(|reason| format!("record {record}: {reason}"))
        })
        .collect()
}

/// Byte order of a container format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Order {
    Little,
    Big,
}

/// `bytes[offset..offset + N]`, if it is all there.
fn array_at<const N: usize>(bytes: &[u8], offset: usize) -> Option<[u8; N]> {
    bytes.get(offset..offset.checked_add(N)?)?.try_into().ok()
}

/// The u32 at `offset` in `order`, if the bytes are there.
fn u32_at(bytes: &[u8], offset: usize, order: Order) -> Option<u32> {
    let raw = array_at::<4>(bytes, offset)?;
    Some(match order {
        Order::Little => u32::from_le_bytes(raw),
        Order::Big => u32::from_be_bytes(raw),
    })
}

/// The u16 at `offset` in `order`, if the bytes are there.
fn u16_at(bytes: &[u8], offset: usize, order: Order) -> Option<u16> {
    let raw = array_at::<2>(bytes, offset)?;
    Some(match order {
        Order::Little => u16::from_le_bytes(raw),
        Order::Big => u16::from_be_bytes(raw),
    })
}
