//! Ending a job as failed: the job records the reason, the alert channel counts it, and a
//! failure record is written beside where the report would be, so a failure is never a gap.

use serde::Serialize;
use tracing::warn;

use super::common::platform_of;
use crate::context::Context;
use crate::error::StepError;
use crate::keys;
use crate::model::{JobKey, JobState};

/// The failure record (`<report stem>.failed.json`).
#[derive(Serialize)]
struct FailureRecord<'a> {
    job: String,
    reason: &'a str,
    failed_at: String,
}

/// Marks the job failed with `reason`, announces it, and writes the failure record. A binary
/// calls it for a message its queue gave up on (the dead-letter queue), with the last error.
pub fn fail_job(ctx: &Context, key: &JobKey, reason: &str) -> Result<(), StepError> {
    warn!(job = %key, reason, "scan failed");
    ctx.jobs.finish(
        key,
        JobState::Failed {
            reason: reason.to_string(),
        },
    )?;
    let record = FailureRecord {
        job: key.to_string(),
        reason,
        failed_at: ctx.clock.now().to_string(),
    };
    let slug = keys::platform_slug(&platform_of(key));
    let bytes = serde_json::to_vec_pretty(&record).unwrap_or_else(|_| reason.as_bytes().to_vec());
    ctx.objects.put(
        &keys::failure_key(&key.image, &key.digest, &slug),
        &bytes,
        "application/json",
    )?;
    ctx.alerts.scan_failed(key, reason)?;
    Ok(())
}
