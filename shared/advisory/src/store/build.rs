//! Building a store file from a feed directory: read and parse every feed file, merge, write
//! a new SQLite file beside the target, rename it over the target.

use std::collections::{BTreeMap, HashSet};
use std::path::Path;
use std::time::Instant;

use rusqlite::{Connection, params};
use sha2::{Digest, Sha256};

use super::{
    BrokenFile, SCHEMA_VERSION, SourceInfo, Store, StoreError, UpdateSummary, codec, lookup,
};
use crate::feeds::{self, FeedFile, FeedKind, ParsedFile};
use crate::model::{Advisory, Affected, normalize_package};

const SCHEMA: &str = "
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE advisories (rowid INTEGER PRIMARY KEY, source TEXT NOT NULL, id TEXT NOT NULL,
    UNIQUE (source, id));
CREATE TABLE groups (namespace TEXT NOT NULL, package TEXT NOT NULL, body BLOB NOT NULL,
    PRIMARY KEY (namespace, package)) WITHOUT ROWID;
CREATE TABLE links (advisory INTEGER NOT NULL, namespace TEXT NOT NULL, package TEXT NOT NULL,
    PRIMARY KEY (advisory, namespace, package)) WITHOUT ROWID;
CREATE TABLE coverage (namespace TEXT NOT NULL, source TEXT NOT NULL, entries INTEGER NOT NULL,
    PRIMARY KEY (namespace, source)) WITHOUT ROWID;
CREATE TABLE filter (id INTEGER PRIMARY KEY, hashes BLOB NOT NULL);
";

const INDEXES: &str = "
CREATE INDEX advisories_by_id ON advisories (id);
";

/// One feed file read and parsed.
struct Loaded {
    file: FeedFile,
    digest: [u8; 32],
    parsed: ParsedFile,
}

pub(super) fn update_from_dir(path: &Path, source_dir: &Path) -> Result<UpdateSummary, StoreError> {
    let started = Instant::now();
    std::fs::read_dir(source_dir).map_err(|source| StoreError::SourceDir {
        path: source_dir.to_path_buf(),
        source,
    })?;
    let previous_revision = Store::open(path).ok().map(|s| s.revision().to_owned());

    let mut broken = Vec::new();
    let mut loaded = Vec::new();
    for file in feeds::discover(source_dir) {
        let result = std::fs::read(&file.path)
            .map_err(|source| feeds::FeedError::Read {
                path: file.path.clone(),
                source,
            })
            .and_then(|bytes| feeds::parse(&file, &bytes).map(|parsed| (bytes, parsed)));
        match result {
            Ok((bytes, parsed)) => loaded.push(Loaded {
                digest: Sha256::digest(&bytes).into(),
                file,
                parsed,
            }),
            Err(e) => {
                tracing::warn!(path = %file.rel_path, error = %chain(&e), "skipping broken feed file");
                broken.push(BrokenFile {
                    path: file.rel_path,
                    error: chain(&e),
                });
            }
        }
    }
    let superseded = drop_superseded(&mut loaded);
    if loaded.is_empty() {
        return Err(StoreError::NoFeeds {
            path: source_dir.to_path_buf(),
            broken: broken.len(),
        });
    }

    let merged = merge(&loaded);
    let newest_modified = merged.values().filter_map(|a| a.modified.clone()).max();
    let revision = revision(&loaded, newest_modified.as_deref());
    let sources = source_counts(&loaded, &merged);
    let skipped_entries = loaded.iter().map(|l| l.parsed.skipped_entries).sum();

    let parent = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let io = |action: &'static str| {
        move |source| StoreError::Io {
            path: path.to_path_buf(),
            action,
            source,
        }
    };
    let temp = tempfile::Builder::new()
        .prefix(".advisory-store-")
        .suffix(".tmp")
        .tempfile_in(parent)
        .map_err(io("create a temporary file beside"))?;
    let meta = Meta {
        revision: &revision,
        newest_modified: newest_modified.as_deref(),
        sources: &sources,
    };
    let affected_entries =
        write(temp.path(), &merged, &meta).map_err(|source| StoreError::Sqlite {
            path: temp.path().to_path_buf(),
            action: "write",
            source,
        })?;
    // A temporary file is private (0600); the store is meant to be read by scanners.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(temp.path(), std::fs::Permissions::from_mode(0o644))
            .map_err(io("set permissions beside"))?;
    }
    temp.persist(path).map_err(|e| StoreError::Io {
        path: path.to_path_buf(),
        action: "replace",
        source: e.error,
    })?;

    Ok(UpdateSummary {
        revision,
        previous_revision,
        newest_modified,
        files_ingested: loaded.len(),
        advisories: merged.len(),
        affected_entries,
        skipped_entries,
        broken,
        superseded,
        sources,
        elapsed: started.elapsed(),
    })
}

/// An error with its causes, for the summary.
fn chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut cause = error.source();
    while let Some(c) = cause {
        text.push_str(": ");
        text.push_str(&c.to_string());
        cause = c.source();
    }
    text
}

/// Keeps one file per coverage (the JSON secdb over the YAML one for the same Alpine release
/// and repository); returns the relative paths left out.
fn drop_superseded(loaded: &mut Vec<Loaded>) -> Vec<String> {
    let mut best: BTreeMap<String, (bool, usize)> = BTreeMap::new();
    for (index, l) in loaded.iter().enumerate() {
        let Some(coverage) = &l.parsed.coverage else {
            continue;
        };
        let is_json = l.file.kind == FeedKind::AlpineSecdbJson;
        let entry = best.entry(coverage.clone()).or_insert((is_json, index));
        if is_json && !entry.0 {
            *entry = (is_json, index);
        }
    }
    let keep: HashSet<usize> = best.values().map(|(_, i)| *i).collect();
    let mut superseded = Vec::new();
    let mut index = 0;
    loaded.retain(|l| {
        let kept = l.parsed.coverage.is_none() || keep.contains(&index);
        if !kept {
            superseded.push(l.file.rel_path.clone());
        }
        index += 1;
        kept
    });
    superseded
}

/// Merges the advisories of all files by (source, id): aliases are united, affected entries
/// appended without exact duplicates, other fields taken from the first file (path order).
fn merge(loaded: &[Loaded]) -> BTreeMap<(String, String), Advisory> {
    let mut merged: BTreeMap<(String, String), Advisory> = BTreeMap::new();
    for advisory in loaded.iter().flat_map(|l| &l.parsed.advisories) {
        let key = (advisory.source.clone(), advisory.id.clone());
        match merged.get_mut(&key) {
            None => {
                let mut first = advisory.clone();
                dedup(&mut first.affected);
                merged.insert(key, first);
            }
            Some(existing) => {
                for alias in &advisory.aliases {
                    if !existing.aliases.contains(alias) {
                        existing.aliases.push(alias.clone());
                    }
                }
                existing.affected.extend(advisory.affected.iter().cloned());
                dedup(&mut existing.affected);
            }
        }
    }
    merged
}

fn dedup<T: PartialEq>(items: &mut Vec<T>) {
    let mut kept: Vec<T> = Vec::with_capacity(items.len());
    for item in items.drain(..) {
        if !kept.contains(&item) {
            kept.push(item);
        }
    }
    *items = kept;
}

/// SHA-256 over each ingested file's relative path and content digest, in path order, then
/// the newest modification time.
fn revision(loaded: &[Loaded], newest_modified: Option<&str>) -> String {
    let mut hasher = Sha256::new();
    for l in loaded {
        hasher.update(l.file.rel_path.as_bytes());
        hasher.update([0]);
        hasher.update(l.digest);
    }
    hasher.update(newest_modified.unwrap_or("").as_bytes());
    hex::encode(hasher.finalize())
}

fn source_counts(
    loaded: &[Loaded],
    merged: &BTreeMap<(String, String), Advisory>,
) -> Vec<SourceInfo> {
    let mut counts: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
    for l in loaded {
        counts.entry(&l.file.source).or_default().0 += 1;
    }
    for (source, _) in merged.keys() {
        counts.entry(source).or_default().1 += 1;
    }
    counts
        .into_iter()
        .map(|(name, (files, advisories))| SourceInfo {
            name: name.to_owned(),
            files,
            advisories,
        })
        .collect()
}

struct Meta<'a> {
    revision: &'a str,
    newest_modified: Option<&'a str>,
    sources: &'a [SourceInfo],
}

/// One lookup group being built: the advisories (by index into the merged list) and, for
/// each, its entries for this (namespace, package).
type Groups<'a> = BTreeMap<(String, String), Vec<(usize, Vec<&'a Affected>)>>;

/// Writes the whole store into a fresh file; returns the number of affected entries.
fn write(
    path: &Path,
    merged: &BTreeMap<(String, String), Advisory>,
    meta: &Meta<'_>,
) -> Result<usize, rusqlite::Error> {
    let advisories: Vec<&Advisory> = merged.values().collect();
    // Each group repeats the heads of its advisories, so a lookup is one row and no join.
    let heads: Vec<Advisory> = advisories
        .iter()
        .map(|a| Advisory {
            affected: Vec::new(),
            ..Advisory::clone(a)
        })
        .collect();
    let mut groups: Groups<'_> = BTreeMap::new();
    let mut coverage: BTreeMap<(String, &str), i64> = BTreeMap::new();
    let mut entries = 0;
    for (index, advisory) in advisories.iter().enumerate() {
        for entry in &advisory.affected {
            entries += 1;
            let key = entry.namespace.key();
            *coverage
                .entry((key.clone(), advisory.source.as_str()))
                .or_default() += 1;
            let package = normalize_package(&entry.namespace, &entry.package);
            let group = groups.entry((key, package)).or_default();
            match group.last_mut() {
                Some((last, list)) if *last == index => list.push(entry),
                _ => group.push((index, vec![entry])),
            }
        }
    }

    let mut conn = Connection::open(path)?;
    // The file is private until renamed, so durability comes from the rename, not a journal.
    conn.execute_batch("PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF;")?;
    conn.execute_batch(SCHEMA)?;
    let tx = conn.transaction()?;
    {
        let mut put_advisory =
            tx.prepare("INSERT INTO advisories (rowid, source, id) VALUES (?1, ?2, ?3)")?;
        for (row, advisory) in (1_i64..).zip(&advisories) {
            put_advisory.execute(params![row, advisory.source, advisory.id])?;
        }
        let mut put_group =
            tx.prepare("INSERT INTO groups (namespace, package, body) VALUES (?1, ?2, ?3)")?;
        let mut put_link =
            tx.prepare("INSERT INTO links (advisory, namespace, package) VALUES (?1, ?2, ?3)")?;
        let mut hashes = Vec::with_capacity(groups.len());
        let mut body = Vec::new();
        for ((namespace, package), members) in &groups {
            let group: Vec<Advisory> = members
                .iter()
                .map(|(index, list)| Advisory {
                    affected: list.iter().copied().cloned().collect(),
                    ..heads[*index].clone()
                })
                .collect();
            body.clear();
            codec::encode_group(&group, &mut body);
            put_group.execute(params![namespace, package, body])?;
            for (index, _) in members {
                let row = i64::try_from(*index + 1).map_err(conversion)?;
                put_link.execute(params![row, namespace, package])?;
            }
            hashes.push(lookup::group_hash(namespace, package));
        }
        hashes.sort_unstable();
        hashes.dedup();
        let filter: Vec<u8> = hashes.iter().flat_map(|h| h.to_le_bytes()).collect();
        tx.execute(
            "INSERT INTO filter (id, hashes) VALUES (1, ?1)",
            params![filter],
        )?;
        let mut put_coverage =
            tx.prepare("INSERT INTO coverage (namespace, source, entries) VALUES (?1, ?2, ?3)")?;
        for ((namespace, source), entries) in &coverage {
            put_coverage.execute(params![namespace, source, entries])?;
        }
        let sources = serde_json::to_string(meta.sources).map_err(conversion)?;
        let mut put_meta = tx.prepare("INSERT INTO meta (key, value) VALUES (?1, ?2)")?;
        put_meta.execute(params!["schema_version", SCHEMA_VERSION])?;
        put_meta.execute(params!["revision", meta.revision])?;
        if let Some(newest) = meta.newest_modified {
            put_meta.execute(params!["newest_modified", newest])?;
        }
        put_meta.execute(params!["sources", sources])?;
    }
    tx.commit()?;
    conn.execute_batch(INDEXES)?;
    conn.execute_batch("ANALYZE; VACUUM;")?;
    conn.close().map_err(|(_, e)| e)?;
    Ok(entries)
}

fn conversion<E: std::error::Error + Send + Sync + 'static>(e: E) -> rusqlite::Error {
    rusqlite::Error::ToSqlConversionFailure(Box::new(e))
}
