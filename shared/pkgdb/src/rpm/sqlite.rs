//! rpm's SQLite backend: `rpmdb.sqlite`, table `Packages(hnum INTEGER PRIMARY KEY, blob BLOB)`.
//!
//! The file is opened from memory (SQLite's deserialize interface), read-only and in defensive
//! mode, so nothing touches the disk and a hostile file cannot change the connection.

use std::io::Read;

use layerwatch_inventory::Package;
use rusqlite::Connection;
use rusqlite::config::DbConfig;

use crate::Reason;

const MAGIC: &[u8] = b"SQLite format 3\0";

/// Offset of the file format write/read version bytes in the SQLite header.
const FORMAT_VERSION_OFFSET: usize = 18;

/// Parses an rpm SQLite database.
pub(crate) fn parse(bytes: &[u8]) -> Result<Vec<Package>, Reason> {
    if bytes.len() < 100 || !bytes.starts_with(MAGIC) {
        return Err("not an SQLite database (bad header)".to_string());
    }
    let sql = |e: rusqlite::Error| format!("sqlite: {e}");
    let mut conn = Connection::open_in_memory().map_err(sql)?;
    conn.set_db_config(DbConfig::SQLITE_DBCONFIG_DEFENSIVE, true)
        .map_err(sql)?;
    conn.set_db_config(DbConfig::SQLITE_DBCONFIG_TRUSTED_SCHEMA, false)
        .map_err(sql)?;
    // rpm keeps the database in WAL mode, which an in-memory copy cannot use: SQLite documents
    // setting the format version bytes to 1 (rollback journal) before deserializing. Changes
    // still only in a `-wal` file next to the database are not seen.
    let (head, rest) = bytes.split_at(FORMAT_VERSION_OFFSET);
    let reader = head.chain(&[1u8, 1][..]).chain(&rest[2..]);
    conn.deserialize_read_exact(c"main", reader, bytes.len(), true)
        .map_err(sql)?;
    let mut statement = conn
        .prepare("SELECT hnum, blob FROM Packages ORDER BY hnum")
        .map_err(sql)?;
    let mut rows = statement.query([]).map_err(sql)?;
    let mut records: Vec<(u64, Vec<u8>)> = Vec::new();
    while let Some(row) = rows.next().map_err(sql)? {
        let hnum: i64 = row.get(0).map_err(sql)?;
        let blob: Vec<u8> = row.get(1).map_err(sql)?;
        records.push((hnum.unsigned_abs(), blob));
    }
    super::packages_from_blobs(records.iter().map(|(n, b)| (*n, b.as_slice())))
}
