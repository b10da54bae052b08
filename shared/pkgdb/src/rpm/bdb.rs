//! rpm's Berkeley DB backend: the `Packages` hash database (RHEL/CentOS up to 8, old SUSE).
//!
//! The file is an array of pages of one size. Page 0 is the hash metadata page (magic
//! `0x061561` at byte 12 in the writer's byte order, page size at 20, encryption at 24, page
//! type 8 at 25, last page number at 32). Every page starts with a 26-byte header (next page at
//! 16, entry count at 20, high free offset at 22, page type at 25). Hash pages (type 13, or 2
//! for the unsorted pages of old releases) hold an array of item offsets after the header;
//! items come in key/value pairs. A key is rpm's 4-byte record number (record 0 is rpm's own
//! counter, not a package); a value is a header blob, either inline (`H_KEYDATA`) or, as is
//! usual for headers, in a chain of overflow pages (`H_OFFPAGE`: first page and total length)
//! whose pages each hold `high free offset` bytes after their header.
//!
//! Pages are walked in file order rather than by following hash buckets, which finds the same
//! pairs and needs no hash function.

use std::borrow::Cow;

use layerwatch_inventory::Package;

use super::{Order, u16_at, u32_at};
use crate::Reason;

const HASH_MAGIC: u32 = 0x0006_1561;
const PAGE_HEADER_SIZE: usize = 26;
const PAGE_HASH_UNSORTED: u8 = 2;
const PAGE_OVERFLOW: u8 = 7;
const PAGE_HASH_META: u8 = 8;
const PAGE_HASH: u8 = 13;
const ITEM_KEYDATA: u8 = 1;
const ITEM_OFFPAGE: u8 = 3;

/// Parses a Berkeley DB hash `Packages` file.
pub(crate) fn parse(bytes: &[u8]) -> Result<Vec<Package>, Reason> {
    let order = [Order::Little, Order::Big]
        .into_iter()
        .find(|o| u32_at(bytes, 12, *o) == Some(HASH_MAGIC))
        .ok_or("no Berkeley DB hash magic")?;
    let page_size = u32_at(bytes, 20, order).unwrap_or_default() as usize;
    if !page_size.is_power_of_two() || !(512..=65536).contains(&page_size) {
        return Err(format!("bad page size {page_size}"));
    }
    if bytes.get(24) != Some(&0) {
        return Err("encrypted databases are not supported".to_string());
    }
    if bytes.get(25) != Some(&PAGE_HASH_META) {
        return Err(format!(
            "page 0 has type {:?}, expected hash metadata",
            bytes.get(25)
        ));
    }
    let last_page = u32_at(bytes, 32, order).unwrap_or_default() as usize;
    let pages = last_page + 1;
    if bytes.len() / page_size < pages {
        return Err(format!(
            "truncated: {pages} pages of {page_size} bytes claimed, {} bytes present",
            bytes.len()
        ));
    }
    let db = Db {
        bytes,
        order,
        page_size,
        pages,
    };
    let mut blobs: Vec<(u64, Cow<'_, [u8]>)> = Vec::new();
    for number in 1..pages {
        let page = db.page(number);
        if !matches!(page[25], PAGE_HASH | PAGE_HASH_UNSORTED) {
            continue;
        }
        let entries = usize::from(u16_at(page, 20, order).unwrap_or_default());
        if entries % 2 != 0 {
            return Err(format!("page {number}: odd number of items {entries}"));
        }
        let offsets: Vec<usize> = (0..entries)
            .map(|i| u16_at(page, PAGE_HEADER_SIZE + 2 * i, order).map(usize::from))
            .collect::<Option<_>>()
            .ok_or_else(|| format!("page {number}: item offsets run past the page"))?;
        for i in 0..entries / 2 {
            let key = db.item(page, &offsets, 2 * i, number)?;
            let record = match &key {
                Item::Inline(k) => u32_at(k, 0, order).map_or(u64::MAX, u64::from),
                Item::Overflow { .. } => u64::MAX,
            };
            if record == 0 {
                continue;
            }
            let value = match db.item(page, &offsets, 2 * i + 1, number)? {
                Item::Inline(v) => Cow::Borrowed(v),
                Item::Overflow { first, length } => Cow::Owned(db.overflow(first, length)?),
            };
            blobs.push((record, value));
        }
    }
    super::packages_from_blobs(blobs.iter().map(|(r, b)| (*r, b.as_ref())))
}

/// A key or value on a hash page.
enum Item<'a> {
    Inline(&'a [u8]),
    Overflow { first: usize, length: usize },
}

/// The checked geometry of the file.
struct Db<'a> {
    bytes: &'a [u8],
    order: Order,
    page_size: usize,
    pages: usize,
}

impl<'a> Db<'a> {
    /// Page `number`, which the caller has checked is below `pages`.
    fn page(&self, number: usize) -> &'a [u8] {
        &self.bytes[number * self.page_size..(number + 1) * self.page_size]
    }

    /// Item `i` of a hash page. Items are packed from the end of the page downwards, so item
    /// `i` ends where item `i - 1` starts.
    fn item(
        &self,
        page: &'a [u8],
        offsets: &[usize],
        i: usize,
        number: usize,
    ) -> Result<Item<'a>, Reason> {
        let start = offsets[i];
        let end = if i == 0 { page.len() } else { offsets[i - 1] };
        match page.get(start) {
            Some(&ITEM_KEYDATA) if start < end && end <= page.len() => {
                Ok(Item::Inline(&page[start + 1..end]))
            }
            Some(&ITEM_OFFPAGE) => {
                let first = u32_at(page, start + 4, self.order);
                let length = u32_at(page, start + 8, self.order);
                match (first, length) {
                    (Some(f), Some(l)) => Ok(Item::Overflow {
                        first: f as usize,
                        length: l as usize,
                    }),
                    _ => Err(format!("page {number}: item {i} runs past the page")),
                }
            }
            other => Err(format!(
                "page {number}: item {i} has unsupported type {other:?}"
            )),
        }
    }

    /// Concatenates the overflow chain starting at page `first`; it must hold `length` bytes.
    fn overflow(&self, first: usize, length: usize) -> Result<Vec<u8>, Reason> {
        let mut out = Vec::with_capacity(length.min(self.bytes.len()));
        let mut number = first;
        // A chain visits each page at most once; more steps mean a cycle.
        for _ in 0..self.pages {
            if number == 0 || number >= self.pages {
                return Err(format!(
                    "overflow chain from page {first} reaches page {number}"
                ));
            }
            let page = self.page(number);
            if page[25] != PAGE_OVERFLOW {
                return Err(format!(
                    "overflow chain from page {first}: page {number} is not overflow"
                ));
            }
            let used = usize::from(u16_at(page, 22, self.order).unwrap_or_default());
            let data = page
                .get(PAGE_HEADER_SIZE..PAGE_HEADER_SIZE + used)
                .ok_or_else(|| format!("overflow page {number} claims {used} bytes"))?;
            out.extend_from_slice(data);
            number = u32_at(page, 16, self.order).unwrap_or_default() as usize;
            if number == 0 {
                if out.len() != length {
                    return Err(format!(
                        "overflow chain from page {first} holds {} bytes, expected {length}",
                        out.len()
                    ));
                }
                return Ok(out);
            }
        }
        Err(format!("overflow chain from page {first} loops"))
    }
}
