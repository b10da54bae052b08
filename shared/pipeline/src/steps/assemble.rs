//! assemble: the cached inventories of a job's layers become the report (JSON and CycloneDX,
//! written once), the results row with its index entries, and a findings event.

use layerwatch_oci::{Platform, parse_config};
use layerwatch_report::{Artifact, LayerSummary, Report};
use tracing::{info, warn};

use super::common::{
    ImageParts, RowFacts, build_report, cached_inventories, documents, findings_event,
    index_entries, platform_of, row_for,
};
use super::fail::fail_job;
use crate::context::Context;
use crate::error::StepError;
use crate::keys;
use crate::model::{AssembleJob, Job, JobState, ResultRow};
use crate::store::{PutOutcome, StoreError};

/// What assemble did with one message.
#[derive(Debug, Clone, PartialEq)]
pub enum AssembleOutcome {
    /// The report, SBOM and row are written and the job is done.
    Assembled {
        /// The row as written.
        row: Box<ResultRow>,
        /// False when a complete report from an earlier attempt was already stored and kept.
        report_written: bool,
    },
    /// Nothing to do: the job is gone, done or failed (a duplicate message).
    Skipped {
        /// Why.
        reason: String,
    },
    /// The report could not be made; the job is marked failed.
    JobFailed {
        /// Why, naming the object.
        reason: String,
    },
}

/// Handles one assemble message (see the module docs). It does not require the job to be
/// claimed by the caller's own invocation: whoever sent the message claimed it, and a job
/// stalled in `assembling` may be assembled again.
pub fn assemble(ctx: &Context, message: &AssembleJob) -> Result<AssembleOutcome, StepError> {
    let key = &message.job;
    let Some(job) = ctx.jobs.get(key)? else {
        return Ok(AssembleOutcome::Skipped {
            reason: format!("job {key} does not exist (expired?)"),
        });
    };
    if matches!(job.state, JobState::Done | JobState::Failed { .. }) {
        return Ok(AssembleOutcome::Skipped {
            reason: format!("job {key} has ended ({:?})", job.state),
        });
    }
    match write(ctx, &job) {
        Ok(outcome) => Ok(outcome),
        Err(e) if e.is_retryable() => Err(e),
        Err(e) => {
            let reason = format!("assembling {key}: {e}");
            fail_job(ctx, key, &reason)?;
            Ok(AssembleOutcome::JobFailed { reason })
        }
    }
}

fn write(ctx: &Context, job: &Job) -> Result<AssembleOutcome, StepError> {
    let key = &job.key;
    let inventories = cached_inventories(ctx, &job.layers)?.map_err(StepError::Rejected)?;
    // The config gives the layers' diff IDs; dispatch cached it. Without it the report says
    // less but is still right about packages.
    let diff_ids = match ctx.objects.get(&keys::config_key(&job.config_digest))? {
        Some(bytes) => parse_config(&bytes)
            .map(|c| c.diff_ids().to_vec())
            .unwrap_or_else(|e| {
                warn!(config = %job.config_digest, error = %e, "cached config unreadable");
                Vec::new()
            }),
        None => {
            warn!(config = %job.config_digest, "config not cached; diff IDs left out");
            Vec::new()
        }
    };
    let layers = job
        .layers
        .iter()
        .zip(&inventories)
        .enumerate()
        .map(|(i, (digest, inv))| LayerSummary {
            digest: digest.clone(),
            diff_id: diff_ids.get(i).cloned(),
            size: inv.size,
        })
        .collect();
    let platform = job.platform.clone().unwrap_or_else(|| platform_of(key));
    let artifact = Artifact {
        reference: format!("{}@{}", key.image, key.digest),
        manifest_digest: Some(key.digest.clone()),
        config_digest: Some(job.config_digest.clone()),
        index_digest: job.index_digest.clone(),
        platform: job.platform.as_ref().map(Platform::to_string),
    };
    let report = build_report(
        ctx,
        ImageParts {
            artifact,
            layers,
            inventories,
        },
    )?;
    let slug = keys::platform_slug(&platform);
    let report_key = keys::report_key(&key.image, &key.digest, &slug);
    let created = ctx.clock.now();
    let (json, sbom) = documents(&report, &created)?;
    // Written once: a report from an earlier attempt that died before the row stays, and the
    // row is made from it, so row and report always agree.
    let (report, report_written) =
        match ctx
            .objects
            .put_once(&report_key, &json, "application/json")?
        {
            PutOutcome::Created => (report, true),
            PutOutcome::AlreadyPresent => (stored_report(ctx, &report_key)?, false),
        };
    ctx.objects.put_once(
        &keys::sbom_key(&key.image, &key.digest, &slug),
        &sbom,
        "application/vnd.cyclonedx+json",
    )?;
    let row = row_for(
        &report,
        RowFacts {
            image: key.image.clone(),
            digest: key.digest.clone(),
            platform: key.platform.clone(),
            slug,
            tags: job.tags.clone(),
            scanned_at: created.to_string(),
            deleted: false,
        },
        &ctx.analyzer,
    );
    ctx.results.put(&row, &index_entries(&report))?;
    ctx.alerts.findings(&findings_event(&row, &report))?;
    ctx.jobs.finish(key, JobState::Done)?;
    // A tag pushed while the job ran reached the job but maybe not the row (it did not exist).
    if let Some(now) = ctx.jobs.get(key)? {
        for tag in now.tags.difference(&job.tags) {
            ctx.results.add_tag(&key.image, &key.digest, tag)?;
        }
    }
    info!(job = %key, findings = report.findings.len(), critical = row.counts.critical, high = row.counts.high, report = %row.report_key, "assembled");
    Ok(AssembleOutcome::Assembled {
        row: Box::new(row),
        report_written,
    })
}

/// The report stored at `key`.
pub(crate) fn stored_report(ctx: &Context, key: &str) -> Result<Report, StepError> {
    let bytes = ctx
        .objects
        .get(key)?
        .ok_or_else(|| StoreError::Permanent(format!("report {key} vanished")))?;
    serde_json::from_slice(&bytes).map_err(|e| {
        StepError::Store(StoreError::Corrupt {
            what: "report",
            key: key.to_string(),
            reason: e.to_string(),
        })
    })
}
