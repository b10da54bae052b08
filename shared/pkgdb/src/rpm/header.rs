//! The rpm header blob, as stored in every rpm database.
//!
//! Layout (all big-endian): `il` (u32, number of index entries), `dl` (u32, size of the data
//! store), then `il` entries of 16 bytes (`tag` i32, `type` u32, `offset` i32, `count` u32),
//! then the data store. An entry's value lives at `offset` in the store: strings are
//! NUL-terminated, integers are big-endian. Region tags (61 to 63) describe how the header was
//! signed and are not needed to read values, so lookups simply scan the index.

use layerwatch_inventory::{Ecosystem, Package};

use super::{Order, u32_at};
use crate::Reason;

const TAG_NAME: u32 = 1000;
const TAG_VERSION: u32 = 1001;
const TAG_RELEASE: u32 = 1002;
const TAG_EPOCH: u32 = 1003;
const TAG_LICENSE: u32 = 1014;
const TAG_ARCH: u32 = 1022;
const TAG_SOURCERPM: u32 = 1044;

const TYPE_INT32: u32 = 4;
const TYPE_STRING: u32 = 6;
const TYPE_STRING_ARRAY: u32 = 8;
const TYPE_I18NSTRING: u32 = 9;

/// rpm itself refuses headers with more entries than this (`hdrchkTags`).
const MAX_ENTRIES: usize = 0xffff;
const ENTRY_SIZE: usize = 16;

/// A header whose index and data store have been bounds-checked.
struct Header<'a> {
    index: &'a [u8],
    store: &'a [u8],
}

impl<'a> Header<'a> {
    fn parse(blob: &'a [u8]) -> Result<Self, Reason> {
        let (Some(il), Some(dl)) = (u32_at(blob, 0, Order::Big), u32_at(blob, 4, Order::Big))
        else {
            return Err(format!("header of {} bytes is too short", blob.len()));
        };
        let il = il as usize;
        if il == 0 || il > MAX_ENTRIES {
            return Err(format!("header has {il} index entries"));
        }
        let index_end = 8 + il * ENTRY_SIZE;
        let store_end = index_end
            .checked_add(dl as usize)
            .filter(|end| *end <= blob.len())
            .ok_or_else(|| {
                format!(
                    "header claims {il} entries and {dl} data bytes but has {} bytes",
                    blob.len()
                )
            })?;
        Ok(Header {
            index: &blob[8..index_end],
            store: &blob[index_end..store_end],
        })
    }

    /// The `(type, offset, count)` of the first entry for `tag`.
    fn entry(&self, tag: u32) -> Option<(u32, usize, u32)> {
        self.index.chunks_exact(ENTRY_SIZE).find_map(|e| {
            (u32_at(e, 0, Order::Big)? == tag).then(|| {
                Some((
                    u32_at(e, 4, Order::Big)?,
                    u32_at(e, 8, Order::Big)? as usize,
                    u32_at(e, 12, Order::Big)?,
                ))
            })?
        })
    }

    /// The string value of `tag` (the first string of an array), if the tag is present.
    fn string(&self, tag: u32) -> Result<Option<String>, Reason> {
        let Some((kind, offset, _)) = self.entry(tag) else {
            return Ok(None);
        };
        if !matches!(kind, TYPE_STRING | TYPE_STRING_ARRAY | TYPE_I18NSTRING) {
            return Err(format!("tag {tag} has type {kind}, expected a string"));
        }
        let tail = self
            .store
            .get(offset..)
            .ok_or_else(|| format!("tag {tag} points outside the data store"))?;
        let end = tail
            .iter()
            .position(|b| *b == 0)
            .ok_or_else(|| format!("tag {tag} string is not terminated"))?;
        // Old packages carry Latin-1 text in some fields; names and versions are ASCII.
        Ok(Some(String::from_utf8_lossy(&tail[..end]).into_owned()))
    }

    /// The first integer of `tag`, if present.
    fn int32(&self, tag: u32) -> Result<Option<u32>, Reason> {
        let Some((kind, offset, count)) = self.entry(tag) else {
            return Ok(None);
        };
        if kind != TYPE_INT32 || count == 0 {
            return Err(format!(
                "tag {tag} has type {kind} count {count}, expected int32"
            ));
        }
        u32_at(self.store, offset, Order::Big)
            .map(Some)
            .ok_or_else(|| format!("tag {tag} points outside the data store"))
    }
}

/// Reads the package described by one header blob.
pub(crate) fn package(blob: &[u8]) -> Result<Package, Reason> {
    let header = Header::parse(blob)?;
    let required = |tag, what| {
        header
            .string(tag)?
            .filter(|s| !s.is_empty())
            .ok_or_else(|| format!("header has no {what}"))
    };
    let name = required(TAG_NAME, "NAME")?;
    let version = required(TAG_VERSION, "VERSION")?;
    let release = required(TAG_RELEASE, "RELEASE")?;
    let full_version = match header.int32(TAG_EPOCH)? {
        Some(epoch) => format!("{epoch}:{version}-{release}"),
        None => format!("{version}-{release}"),
    };
    // gpg-pubkey pseudo-packages have no source rpm (or the text `(none)`); a source name that
    // does not split is dropped rather than failing the whole database.
    let source = header.string(TAG_SOURCERPM)?;
    let (source_name, source_version) = match source.as_deref().and_then(split_source_rpm) {
        Some((n, v)) => (Some(n.to_string()), Some(v.to_string())),
        None => (None, None),
    };
    Ok(Package {
        ecosystem: Ecosystem::Rpm,
        name,
        version: full_version,
        arch: header.string(TAG_ARCH)?.filter(|a| !a.is_empty()),
        source_name,
        source_version,
        license: header.string(TAG_LICENSE)?.filter(|l| !l.is_empty()),
    })
}

/// Splits `NAME-VERSION-RELEASE.src.rpm` into `NAME` and `VERSION-RELEASE`.
pub(crate) fn split_source_rpm(srpm: &str) -> Option<(&str, &str)> {
    let nvr = srpm
        .strip_suffix(".src.rpm")
        .or_else(|| srpm.strip_suffix(".nosrc.rpm"))?;
    let (name_version, _release) = nvr.rsplit_once('-')?;
    let (name, _version) = name_version.rsplit_once('-')?;
    if name.is_empty() {
        return None;
    }
    Some((name, &nvr[name.len() + 1..]))
}

#[cfg(test)]
mod tests;
