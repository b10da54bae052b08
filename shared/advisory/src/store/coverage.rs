//! Which sources cover a namespace: the report's coverage section is built from this, so an OS
//! release or ecosystem without any advisory source shows up as uncovered instead of clean.

use super::{Store, StoreError};
use crate::model::Namespace;

impl Store {
    /// The names of the sources that hold at least one affected entry in `namespace`, sorted.
    /// Read from the `coverage` table the update writes, so it costs one index lookup.
    pub fn sources_for(&self, namespace: &Namespace) -> Result<Vec<String>, StoreError> {
        let sqlite = |source| StoreError::Sqlite {
            path: self.path.clone(),
            action: "read coverage of",
            source,
        };
        let mut stmt = self
            .conn
            .prepare_cached("SELECT source FROM coverage WHERE namespace = ?1 ORDER BY source")
            .map_err(sqlite)?;
        let rows = stmt
            .query_map([namespace.key()], |row| row.get::<_, String>(0))
            .map_err(sqlite)?;
        rows.collect::<Result<Vec<_>, _>>().map_err(sqlite)
    }
}
