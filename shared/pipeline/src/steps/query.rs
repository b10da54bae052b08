//! query: the results table answers by digest, repository (and tag), package, or
//! vulnerability id.

use crate::context::Context;
use crate::error::StepError;
use crate::model::{IndexEntry, ResultRow};
use crate::store::ResultQuery;

/// The rows answering `q`, newest scan first, each with the index entries that matched.
pub fn query(
    ctx: &Context,
    q: &ResultQuery,
) -> Result<Vec<(ResultRow, Vec<IndexEntry>)>, StepError> {
    let mut rows = ctx.results.query(q)?;
    rows.sort_by(|a, b| {
        b.0.scanned_at
            .cmp(&a.0.scanned_at)
            .then_with(|| a.0.image.cmp(&b.0.image))
            .then_with(|| a.0.platform.cmp(&b.0.platform))
    });
    Ok(rows)
}
