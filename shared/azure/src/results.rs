//! Results rows and their look-up indexes on Blob storage, listed by prefix (there is no
//! table service to lean on).
//!
//! A row is `results/<registry>/<repo>/<alg>/<hex>/<platform>.json`; it stores, beside the
//! row, the names of the index blobs written for it, so replacing the row removes entries a
//! re-match no longer finds. Index blobs are named `index/<kind>/<value>/<row id>` and hold the
//! row's name plus the matching entries: a query lists one prefix and reads what it names.
//! Writes go index first, row second, stale entries last, so a reader never finds a row whose
//! current entries are missing; an entry whose row is gone or no longer lists it is skipped.

use std::collections::{BTreeMap, BTreeSet};

use layerwatch_oci::Digest;
use layerwatch_pipeline::{
    ImageLocation, IndexEntry, ResultQuery, ResultRow, ResultStore, StoreError,
};
use serde::{Deserialize, Serialize};

use crate::blob::Condition;
use crate::cas::{decode, encode, read, segment, update};
use crate::storage::AzureStorage;

const ROW: &str = "results row";
const ENTRY: &str = "index entry";

#[derive(Serialize, Deserialize)]
struct StoredRow {
    row: ResultRow,
    index_keys: BTreeSet<String>,
}

#[derive(Serialize, Deserialize)]
struct StoredEntry {
    row_key: String,
    entries: Vec<IndexEntry>,
}

fn image_prefix(image: &ImageLocation) -> String {
    let repo: Vec<String> = image.repository.split('/').map(segment).collect();
    format!("results/{}/{}/", segment(&image.registry), repo.join("/"))
}

fn row_key(row: &ResultRow) -> String {
    format!(
        "{}{}/{}/{}.json",
        image_prefix(&row.image),
        row.digest.algorithm().as_str(),
        row.digest.hex(),
        segment(&row.platform)
    )
}

fn digest_prefix(digest: &Digest) -> String {
    format!(
        "index/digest/{}/{}/",
        digest.algorithm().as_str(),
        digest.hex()
    )
}

fn vulnerability_prefix(id: &str) -> String {
    format!("index/cve/{}/", segment(&id.to_ascii_uppercase()))
}

fn package_prefix(purl: &str) -> String {
    format!("index/pkg/{}/", segment(purl))
}

/// The index blobs of a row: name -> entries it holds.
fn index_blobs(
    row: &ResultRow,
    row_key: &str,
    index: &[IndexEntry],
) -> BTreeMap<String, Vec<IndexEntry>> {
    let id = segment(row_key);
    let mut blobs: BTreeMap<String, Vec<IndexEntry>> = BTreeMap::new();
    blobs
        .entry(format!("{}{id}", digest_prefix(&row.digest)))
        .or_default();
    if let Some(idx) = &row.index_digest {
        blobs
            .entry(format!("{}{id}", digest_prefix(idx)))
            .or_default();
    }
    for entry in index {
        let prefix = match entry {
            IndexEntry::Vulnerability { id, .. } => vulnerability_prefix(id),
            IndexEntry::Package { package, .. } => package_prefix(package),
        };
        blobs
            .entry(format!("{prefix}{id}"))
            .or_default()
            .push(entry.clone());
    }
    blobs
}

impl AzureStorage {
    /// Rows (with their matching entries) named by the index blobs under `prefix`.
    fn rows_under(
        &self,
        prefix: &str,
        keep: impl Fn(&IndexEntry) -> bool,
    ) -> Result<Vec<(ResultRow, Vec<IndexEntry>)>, StoreError> {
        let mut out = Vec::new();
        for name in self.container.list(prefix)? {
            let Some(entry) = read::<StoredEntry>(&self.container, ENTRY, &name)? else {
                continue;
            };
            let Some(stored) = read::<StoredRow>(&self.container, ROW, &entry.row_key)? else {
                continue;
            };
            // A row rewritten without this entry: the stale blob is about to be deleted.
            if !stored.index_keys.contains(&name) {
                continue;
            }
            let matched: Vec<IndexEntry> = entry.entries.into_iter().filter(&keep).collect();
            out.push((stored.row, matched));
        }
        Ok(out)
    }

    /// Applies `change` to every row of `digest` in `image`.
    fn update_rows(
        &self,
        image: &ImageLocation,
        digest: &Digest,
        change: impl Fn(&mut ResultRow) -> bool,
    ) -> Result<(), StoreError> {
        let mut seen = BTreeSet::new();
        for name in self.container.list(&digest_prefix(digest))? {
            let Some(entry) = read::<StoredEntry>(&self.container, ENTRY, &name)? else {
                continue;
            };
            if !seen.insert(entry.row_key.clone()) {
                continue;
            }
            update::<StoredRow, _>(&self.container, ROW, &entry.row_key, |stored| {
                stored.row.image == *image && change(&mut stored.row)
            })?;
        }
        Ok(())
    }
}

impl ResultStore for AzureStorage {
    fn put(&self, row: &ResultRow, index: &[IndexEntry]) -> Result<(), StoreError> {
        let key = row_key(row);
        let blobs = index_blobs(row, &key, index);
        for (name, entries) in &blobs {
            let body = StoredEntry {
                row_key: key.clone(),
                entries: entries.clone(),
            };
            let bytes = encode(ENTRY, name, &body)?;
            self.container
                .put(name, &bytes, "application/json", Condition::None)?;
        }
        let old = read::<StoredRow>(&self.container, ROW, &key)?;
        let stored = StoredRow {
            row: row.clone(),
            index_keys: blobs.keys().cloned().collect(),
        };
        let bytes = encode(ROW, &key, &stored)?;
        self.container
            .put(&key, &bytes, "application/json", Condition::None)?;
        for stale in old
            .iter()
            .flat_map(|o| o.index_keys.difference(&stored.index_keys))
        {
            self.container.delete(stale)?;
        }
        Ok(())
    }

    fn add_tag(&self, image: &ImageLocation, digest: &Digest, tag: &str) -> Result<(), StoreError> {
        self.update_rows(image, digest, |row| row.tags.insert(tag.to_string()))
    }

    fn mark_deleted(&self, image: &ImageLocation, digest: &Digest) -> Result<(), StoreError> {
        self.update_rows(image, digest, |row| {
            !std::mem::replace(&mut row.deleted, true)
        })
    }

    fn query(&self, query: &ResultQuery) -> Result<Vec<(ResultRow, Vec<IndexEntry>)>, StoreError> {
        let mut rows = match query {
            ResultQuery::Digest(d) => self
                .rows_under(&digest_prefix(d), |_| false)?
                .into_iter()
                .map(|(row, _)| (row, Vec::new()))
                .collect(),
            ResultQuery::Repository { image, tag } => {
                let mut out = Vec::new();
                for name in self.container.list(&image_prefix(image))? {
                    let Some(stored) = read::<StoredRow>(&self.container, ROW, &name)? else {
                        continue;
                    };
                    let tagged = tag.as_ref().is_none_or(|t| stored.row.tags.contains(t));
                    if stored.row.image == *image && tagged {
                        out.push((stored.row, Vec::new()));
                    }
                }
                out
            }
            ResultQuery::All => {
                let mut out = Vec::new();
                for name in self.container.list("results/")? {
                    if let Some(stored) = read::<StoredRow>(&self.container, ROW, &name)? {
                        out.push((stored.row, Vec::new()));
                    }
                }
                out
            }
            ResultQuery::Package { package, version } => {
                let keep = |e: &IndexEntry| match e {
                    IndexEntry::Package {
                        package: p,
                        version: v,
                    } => p == package && version.as_ref().is_none_or(|want| want == v),
                    IndexEntry::Vulnerability { .. } => false,
                };
                let found = self.rows_under(&package_prefix(package), keep)?;
                found.into_iter().filter(|(_, e)| !e.is_empty()).collect()
            }
            ResultQuery::Vulnerability(id) => {
                let want = id.to_ascii_uppercase();
                let keep = |e: &IndexEntry| matches!(e, IndexEntry::Vulnerability { id, .. } if id.to_ascii_uppercase() == want);
                self.rows_under(&vulnerability_prefix(id), keep)?
            }
        };
        rows.sort_by(|a, b| {
            (&a.0.image, &a.0.digest, &a.0.platform).cmp(&(&b.0.image, &b.0.digest, &b.0.platform))
        });
        Ok(rows)
    }
}

/// Decodes a row blob (for tools that list `results/` themselves).
pub fn decode_row(key: &str, bytes: &[u8]) -> Result<ResultRow, StoreError> {
    decode::<StoredRow>(ROW, key, bytes).map(|s| s.row)
}
