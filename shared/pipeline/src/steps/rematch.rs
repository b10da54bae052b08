//! rematch: stored rows matched again against the current advisory store, from the cached
//! layer inventories, without the registry. Inventories are cached, verdicts are not.

use std::collections::BTreeSet;

use layerwatch_oci::Digest;
use tracing::{info, warn};

use super::assemble::stored_report;
use super::common::{
    ImageParts, RowFacts, build_report, cached_inventories, documents, index_entries, row_for,
};
use crate::context::Context;
use crate::error::StepError;
use crate::model::{ResultRow, SeverityCounts};
use crate::store::ResultQuery;

/// One row matched again.
#[derive(Debug, Clone, PartialEq)]
pub struct Rematched {
    /// The row as written now.
    pub row: ResultRow,
    /// The counts before.
    pub before: SeverityCounts,
    /// True when the set of (finding id, package, version) changed.
    pub findings_changed: bool,
}

/// What a rematch did.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RematchOutcome {
    /// Rows matched again (report, SBOM and row replaced).
    pub rematched: Vec<Rematched>,
    /// Rows left as they were, with the reason (a layer's inventory expired from the cache, a
    /// report missing): a new push scans them again.
    pub skipped: Vec<String>,
}

/// Matches the rows `which` selects again (use [`ResultQuery::All`] for every row).
pub fn rematch(ctx: &Context, which: &ResultQuery) -> Result<RematchOutcome, StepError> {
    let mut outcome = RematchOutcome::default();
    let mut seen = BTreeSet::new();
    for (row, _) in ctx.results.query(which)? {
        if !seen.insert(row.report_key.clone()) {
            continue;
        }
        match one(ctx, &row) {
            Ok(Ok(done)) => outcome.rematched.push(done),
            Ok(Err(reason)) => {
                warn!(report = %row.report_key, reason, "not matched again");
                outcome.skipped.push(format!(
                    "{}@{} ({}): {reason}",
                    row.image, row.digest, row.platform
                ));
            }
            Err(e) => return Err(e),
        }
    }
    info!(
        rematched = outcome.rematched.len(),
        skipped = outcome.skipped.len(),
        "rematch done"
    );
    Ok(outcome)
}

type Pairs = BTreeSet<(String, String, String)>;

fn pairs(report: &layerwatch_report::Report) -> Pairs {
    report
        .findings
        .iter()
        .map(|f| {
            (
                f.id.clone(),
                f.package.purl.clone(),
                f.installed_version.clone(),
            )
        })
        .collect()
}

fn one(ctx: &Context, row: &ResultRow) -> Result<Result<Rematched, String>, StepError> {
    let old = match stored_report(ctx, &row.report_key) {
        Ok(report) => report,
        Err(e) if e.is_retryable() => return Err(e),
        Err(e) => return Ok(Err(e.to_string())),
    };
    let layers: Vec<Digest> = old.layers.iter().map(|l| l.digest.clone()).collect();
    let inventories = match cached_inventories(ctx, &layers)? {
        Ok(inventories) => inventories,
        Err(reason) => return Ok(Err(reason)),
    };
    let report = build_report(
        ctx,
        ImageParts {
            artifact: old.artifact.clone(),
            layers: old.layers.clone(),
            inventories,
        },
    )?;
    let created = ctx.clock.now();
    let (json, sbom) = documents(&report, &created)?;
    // Replaced whole (an object store put is atomic): the stored report is always complete.
    ctx.objects
        .put(&row.report_key, &json, "application/json")?;
    ctx.objects
        .put(&row.sbom_key, &sbom, "application/vnd.cyclonedx+json")?;
    let mut new_row = row_for(
        &report,
        RowFacts {
            image: row.image.clone(),
            digest: row.digest.clone(),
            platform: row.platform.clone(),
            slug: String::new(),
            tags: row.tags.clone(),
            scanned_at: created.to_string(),
            deleted: row.deleted,
        },
        &row.analyzer,
    );
    new_row.report_key = row.report_key.clone();
    new_row.sbom_key = row.sbom_key.clone();
    new_row.index_digest = row.index_digest.clone();
    ctx.results.put(&new_row, &index_entries(&report))?;
    Ok(Ok(Rematched {
        findings_changed: pairs(&old) != pairs(&report),
        before: row.counts.clone(),
        row: new_row,
    }))
}
