//! Lookups: by (namespace, package) through the key filter, the LRU of decoded groups and one
//! prepared point query; and by advisory id through the links table.

use std::collections::HashMap;
use std::sync::Arc;

use rusqlite::{Connection, OptionalExtension};

use super::{Store, StoreError, codec};
use crate::model::{Advisory, Namespace, normalize_package};

/// How many decoded groups a store keeps. An image's packages are looked up once each, so the
/// cache only has to span the binary packages of one source package and repeated scans of
/// the same image in one process; a few hundred groups are well under a megabyte.
const CACHE_GROUPS: usize = 512;

/// A stable 64-bit hash (FNV-1a) of a group key. Stable across builds and machines because the
/// store file records it; a collision only costs a query that finds nothing.
pub(super) fn group_hash(namespace_key: &str, package: &str) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    let bytes = namespace_key.bytes().chain([0xff]).chain(package.bytes());
    for b in bytes {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

/// Reads the sorted key hashes written at build time.
pub(super) fn read_filter(conn: &Connection) -> Result<Vec<u64>, rusqlite::Error> {
    let blob: Option<Vec<u8>> = conn
        .query_row("SELECT hashes FROM filter WHERE id = 1", [], |r| r.get(0))
        .optional()?;
    Ok(blob
        .unwrap_or_default()
        .chunks_exact(8)
        .map(|c| u64::from_le_bytes(c.try_into().expect("chunks_exact yields 8 bytes")))
        .collect())
}

/// (namespace key, normalised package name).
type GroupKey = (String, String);

/// Decoded groups by (namespace key, normalised package), least recently used evicted.
#[derive(Debug, Default)]
pub(super) struct GroupCache {
    /// Each group with the tick of its last use.
    groups: HashMap<GroupKey, (Arc<[Advisory]>, u64)>,
    tick: u64,
}

impl GroupCache {
    fn get(&mut self, key: &GroupKey) -> Option<Arc<[Advisory]>> {
        self.tick += 1;
        let tick = self.tick;
        self.groups.get_mut(key).map(|(group, used)| {
            *used = tick;
            Arc::clone(group)
        })
    }

    fn put(&mut self, key: GroupKey, group: Arc<[Advisory]>) {
        if self.groups.len() >= CACHE_GROUPS {
            // A linear scan: it runs only after a query and a decode, which cost far more.
            let oldest = self
                .groups
                .iter()
                .min_by_key(|(_, (_, used))| *used)
                .map(|(k, _)| k.clone());
            if let Some(oldest) = oldest {
                self.groups.remove(&oldest);
            }
        }
        self.tick += 1;
        self.groups.insert(key, (group, self.tick));
    }
}

impl Store {
    /// Advisories affecting `package` in `namespace`, each carrying only the affected entries
    /// for that package (an advisory may list it more than once, e.g. two Alpine fixes).
    /// The name is normalised as [`normalize_package`] does. Ordered by (source, id).
    pub fn lookup(
        &self,
        namespace: &Namespace,
        package: &str,
    ) -> Result<Vec<Advisory>, StoreError> {
        Ok(self.lookup_shared(namespace, package)?.to_vec())
    }

    /// As [`Store::lookup`], without copying: the decoded group is shared with the store's
    /// cache, so looking the same package up again (another binary of the same source
    /// package) costs a hash map probe. A package no feed names costs a binary search.
    pub fn lookup_shared(
        &self,
        namespace: &Namespace,
        package: &str,
    ) -> Result<Arc<[Advisory]>, StoreError> {
        let key = namespace.key();
        let name = normalize_package(namespace, package);
        if self.filter.binary_search(&group_hash(&key, &name)).is_err() {
            return Ok(Arc::from(Vec::new()));
        }
        let cache_key = (key, name);
        if let Some(group) = self.cache.borrow_mut().get(&cache_key) {
            return Ok(group);
        }
        let group: Arc<[Advisory]> = self.read_group(&cache_key.0, &cache_key.1)?.into();
        self.cache.borrow_mut().put(cache_key, Arc::clone(&group));
        Ok(group)
    }

    fn read_group(&self, key: &str, name: &str) -> Result<Vec<Advisory>, StoreError> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT body FROM groups WHERE namespace = ?1 AND package = ?2")
            .map_err(|source| self.sqlite("prepare lookup in", source))?;
        // Decoded straight from SQLite's (memory-mapped) page: no copy of the blob first.
        let decoded = stmt
            .query_row([key, name], |r| {
                let bytes = r.get_ref(0)?.as_blob()?;
                Ok(codec::decode_group(bytes))
            })
            .optional()
            .map_err(|source| self.sqlite("look up in", source))?;
        match decoded {
            None => Ok(Vec::new()),
            Some(group) => group.map_err(|source| StoreError::Decode {
                path: self.path.clone(),
                what: format!("{key} {name}"),
                source,
            }),
        }
    }

    /// Every stored advisory with this id (one per source that has it), with all its
    /// affected entries, grouped by (namespace, package).
    pub fn by_id(&self, id: &str) -> Result<Vec<Advisory>, StoreError> {
        let mut stmt = self
            .conn
            .prepare_cached(
                "SELECT a.source, l.namespace, l.package FROM advisories a \
                 JOIN links l ON l.advisory = a.rowid WHERE a.id = ?1 \
                 ORDER BY a.rowid, l.namespace, l.package",
            )
            .map_err(|source| self.sqlite("prepare id lookup in", source))?;
        let rows: Vec<(String, String, String)> = stmt
            .query_map([id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .and_then(|rows| rows.collect())
            .map_err(|source| self.sqlite("look up id in", source))?;
        let mut out: Vec<Advisory> = Vec::new();
        for (source, key, name) in rows {
            let group = self.read_group(&key, &name)?;
            let Some(found) = group.into_iter().find(|a| a.id == id && a.source == source) else {
                continue;
            };
            match out.last_mut() {
                Some(last) if last.source == source => last.affected.extend(found.affected),
                _ => out.push(found),
            }
        }
        Ok(out)
    }
}
