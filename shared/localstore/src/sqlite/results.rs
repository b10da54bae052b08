//! Results rows (JSON under image, digest and platform) and their look-up entries, one table
//! row per entry with the id or package it is found by.

use std::collections::BTreeMap;

use layerwatch_oci::Digest;
use layerwatch_pipeline::{
    ImageLocation, IndexEntry, ResultQuery, ResultRow, ResultStore, StoreError,
};
use rusqlite::{Transaction, params};

use super::{LocalStore, corrupt, sql_error, to_json};

type Answer = Vec<(ResultRow, Vec<IndexEntry>)>;

fn row_key(row: &ResultRow) -> String {
    format!("{}@{}#{}", row.image, row.digest, row.platform)
}

fn parse_row(text: &str) -> Result<ResultRow, StoreError> {
    serde_json::from_str(text).map_err(|e| corrupt("results row", text, e))
}

/// Rewrites each row of `digest` (or of the index `digest`) in `image` with `f`.
fn update_rows(
    tx: &Transaction<'_>,
    image: &ImageLocation,
    digest: &Digest,
    f: impl Fn(&mut ResultRow),
) -> Result<(), StoreError> {
    let what = format!("updating rows of {image}@{digest}");
    let rows: Vec<String> = {
        let mut stmt = tx
            .prepare_cached(
                "SELECT row FROM results WHERE image = ?1 AND (digest = ?2 OR index_digest = ?2)",
            )
            .map_err(|e| sql_error(&what, e))?;
        stmt.query_map(params![image.to_string(), digest.to_string()], |r| r.get(0))
            .and_then(|rows| rows.collect::<Result<_, _>>())
            .map_err(|e| sql_error(&what, e))?
    };
    for text in rows {
        let mut row = parse_row(&text)?;
        f(&mut row);
        let json = to_json("results row", &row_key(&row), &row)?;
        tx.execute(
            "UPDATE results SET row = ?4 WHERE image = ?1 AND digest = ?2 AND platform = ?3",
            params![
                row.image.to_string(),
                row.digest.to_string(),
                row.platform,
                json
            ],
        )
        .map_err(|e| sql_error(&what, e))?;
    }
    Ok(())
}

impl LocalStore {
    /// Rows with one matched entry each, grouped per row in first-seen order.
    fn rows_with_entries(
        &self,
        what: &str,
        sql: &str,
        args: &[&dyn rusqlite::ToSql],
    ) -> Result<Answer, StoreError> {
        let conn = self.lock();
        let mut stmt = conn.prepare_cached(sql).map_err(|e| sql_error(what, e))?;
        let pairs: Vec<(String, Option<String>)> = stmt
            .query_map(args, |r| Ok((r.get(0)?, r.get(1)?)))
            .and_then(|rows| rows.collect::<Result<_, _>>())
            .map_err(|e| sql_error(what, e))?;
        let mut order = Vec::new();
        let mut grouped: BTreeMap<String, (ResultRow, Vec<IndexEntry>)> = BTreeMap::new();
        for (row_text, entry_text) in pairs {
            let row = parse_row(&row_text)?;
            let key = row_key(&row);
            let slot = grouped.entry(key.clone()).or_insert_with(|| {
                order.push(key.clone());
                (row, Vec::new())
            });
            if let Some(entry) = entry_text {
                let entry: IndexEntry =
                    serde_json::from_str(&entry).map_err(|e| corrupt("index entry", &key, e))?;
                slot.1.push(entry);
            }
        }
        Ok(order
            .into_iter()
            .filter_map(|k| grouped.remove(&k))
            .collect())
    }
}

impl ResultStore for LocalStore {
    fn put(&self, row: &ResultRow, index: &[IndexEntry]) -> Result<(), StoreError> {
        let key = row_key(row);
        let what = format!("writing results row {key}");
        self.write(&what, |tx| {
            let (image, digest) = (row.image.to_string(), row.digest.to_string());
            let json = to_json("results row", &key, row)?;
            tx.execute(
                "INSERT INTO results (image, digest, platform, index_digest, row)
                 VALUES (?1, ?2, ?3, ?4, ?5)
                 ON CONFLICT (image, digest, platform)
                 DO UPDATE SET index_digest = excluded.index_digest, row = excluded.row",
                params![
                    image,
                    digest,
                    row.platform,
                    row.index_digest.as_ref().map(ToString::to_string),
                    json
                ],
            )
            .map_err(|e| sql_error(&what, e))?;
            tx.execute(
                "DELETE FROM result_index WHERE image = ?1 AND digest = ?2 AND platform = ?3",
                params![image, digest, row.platform],
            )
            .map_err(|e| sql_error(&what, e))?;
            let mut insert = tx
                .prepare_cached(
                    "INSERT INTO result_index (image, digest, platform, kind, id, package, version, entry)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                )
                .map_err(|e| sql_error(&what, e))?;
            for entry in index {
                let (kind, id, package, version) = match entry {
                    IndexEntry::Vulnerability { id, package, version, .. } => {
                        ("vulnerability", Some(id.as_str()), package, version)
                    }
                    IndexEntry::Package { package, version } => ("package", None, package, version),
                };
                let text = to_json("index entry", &key, entry)?;
                insert
                    .execute(params![image, digest, row.platform, kind, id, package, version, text])
                    .map_err(|e| sql_error(&what, e))?;
            }
            Ok(())
        })
    }

    fn add_tag(&self, image: &ImageLocation, digest: &Digest, tag: &str) -> Result<(), StoreError> {
        self.write(&format!("tagging {image}@{digest}"), |tx| {
            update_rows(tx, image, digest, |row| {
                row.tags.insert(tag.to_string());
            })
        })
    }

    fn mark_deleted(&self, image: &ImageLocation, digest: &Digest) -> Result<(), StoreError> {
        self.write(&format!("marking {image}@{digest} deleted"), |tx| {
            update_rows(tx, image, digest, |row| row.deleted = true)
        })
    }

    fn query(&self, query: &ResultQuery) -> Result<Answer, StoreError> {
        const JOIN: &str = "SELECT r.row, i.entry FROM result_index i JOIN results r
             ON r.image = i.image AND r.digest = i.digest AND r.platform = i.platform";
        match query {
            ResultQuery::Digest(digest) => self.rows_with_entries(
                &format!("querying digest {digest}"),
                "SELECT row, NULL FROM results WHERE digest = ?1 OR index_digest = ?1
                 ORDER BY image, platform",
                params![digest.to_string()],
            ),
            ResultQuery::Repository { image, tag } => {
                let rows = self.rows_with_entries(
                    &format!("querying repository {image}"),
                    "SELECT row, NULL FROM results WHERE image = ?1 ORDER BY digest, platform",
                    params![image.to_string()],
                )?;
                Ok(rows
                    .into_iter()
                    .filter(|(row, _)| tag.as_ref().is_none_or(|t| row.tags.contains(t)))
                    .collect())
            }
            ResultQuery::Package { package, version: None } => self.rows_with_entries(
                &format!("querying package {package}"),
                &format!("{JOIN} WHERE i.kind = 'package' AND i.package = ?1 ORDER BY r.image, r.platform"),
                params![package],
            ),
            ResultQuery::Package { package, version: Some(version) } => self.rows_with_entries(
                &format!("querying package {package}@{version}"),
                &format!("{JOIN} WHERE i.kind = 'package' AND i.package = ?1 AND i.version = ?2 ORDER BY r.image, r.platform"),
                params![package, version],
            ),
            ResultQuery::Vulnerability(id) => self.rows_with_entries(
                &format!("querying vulnerability {id}"),
                &format!("{JOIN} WHERE i.kind = 'vulnerability' AND i.id = ?1 ORDER BY r.image, r.platform"),
                params![id],
            ),
            ResultQuery::All => self.rows_with_entries(
                "listing every results row",
                "SELECT row, NULL FROM results ORDER BY image, digest, platform",
                params![],
            ),
        }
    }
}
