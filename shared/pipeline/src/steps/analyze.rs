//! analyze-layer: one layer streamed from the registry through the layer reader into the
//! cache; the last layer of a job in sends the assemble message.

use std::io::BufReader;

use layerwatch_layer::{LayerError, read_layer};
use layerwatch_oci::{BlobSource, LayerRef, SourceError};
use layerwatch_registry::registry_error;
use tracing::info;

use super::common::repository;
use super::dispatch::claim_and_send;
use super::fail::fail_job;
use crate::context::Context;
use crate::error::StepError;
use crate::model::{JobState, LayerJob};
use crate::store::PutOutcome;

/// What analyze-layer did with one message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AnalyzeOutcome {
    /// The layer's inventory is in the cache and the job knows it.
    Finished {
        /// `Created` when this call read the layer and stored its inventory; `AlreadyPresent`
        /// when it was cached already (another job, a retried message) and was not read.
        cached: PutOutcome,
        /// True when this call was the one that sent the assemble message.
        assemble_sent: bool,
        /// Packages found in the layer.
        packages: usize,
    },
    /// The job is gone (expired) or has ended; nothing was done.
    Skipped {
        /// Why.
        reason: String,
    },
    /// The layer cannot be read (bad digest, missing blob, access denied, not a tar): the job
    /// is marked failed with this reason.
    JobFailed {
        /// Names the layer, its position and the image.
        reason: String,
    },
}

/// Handles one layer message (see the module docs).
pub fn analyze_layer(ctx: &Context, message: &LayerJob) -> Result<AnalyzeOutcome, StepError> {
    let key = &message.job;
    let Some(job) = ctx.jobs.get(key)? else {
        return Ok(AnalyzeOutcome::Skipped {
            reason: format!("job {key} does not exist (expired?)"),
        });
    };
    if matches!(job.state, JobState::Done | JobState::Failed { .. }) {
        return Ok(AnalyzeOutcome::Skipped {
            reason: format!("job {key} has ended ({:?})", job.state),
        });
    }
    let found = ctx
        .layers
        .get_many(std::slice::from_ref(&message.layer), &ctx.analyzer)?;
    let (cached, packages) = match found.get(&message.layer) {
        Some(inventory) => (PutOutcome::AlreadyPresent, inventory.items.len()),
        None => match read(ctx, message)? {
            Ok(inventory) => {
                let put = ctx.layers.put(&inventory)?;
                info!(layer = %message.layer, index = message.index, job = %key, items = inventory.items.len(), "layer analysed");
                (put, inventory.items.len())
            }
            Err(reason) => {
                fail_job(ctx, key, &reason)?;
                return Ok(AnalyzeOutcome::JobFailed { reason });
            }
        },
    };
    let after = ctx.jobs.finish_layer(key, &message.layer)?;
    let assemble_sent = after.state == JobState::Pending
        && after.all_layers_finished()
        && claim_and_send(ctx, key)?;
    Ok(AnalyzeOutcome::Finished {
        cached,
        assemble_sent,
        packages,
    })
}

/// Streams the layer; `Ok(Err(reason))` for a permanent failure of this layer, `Err` for a
/// transient one.
fn read(
    ctx: &Context,
    message: &LayerJob,
) -> Result<Result<layerwatch_inventory::LayerInventory, String>, StepError> {
    let key = &message.job;
    let name = format!(
        "layer {} ({}) of {}@{}",
        message.index, message.layer, key.image, key.digest
    );
    let repo = repository(ctx, &key.image)?;
    let layer = LayerRef {
        digest: message.layer.clone(),
        size: message.size,
        media_type: message.media_type.as_deref().and_then(|m| m.parse().ok()),
        diff_id: None,
    };
    let blob = match repo.open_layer(&layer) {
        Ok(blob) => blob,
        Err(e) => return classify_source(&name, &e),
    };
    match read_layer(
        BufReader::with_capacity(1 << 20, blob),
        &message.layer,
        &ctx.limits,
    ) {
        Ok(inventory) => Ok(Ok(inventory)),
        Err(e) => classify_layer(&name, e),
    }
}

fn classify_source<T>(name: &str, e: &SourceError) -> Result<Result<T, String>, StepError> {
    Ok(Err(format!("{name}: {e}")))
}

/// A registry error carried inside the reader's I/O error decides: retryable ones (5xx,
/// throttling, a dropped connection) come back as errors for the queue to retry; everything
/// else (a digest mismatch, 404, 401, a corrupt stream) fails the job.
fn classify_layer<T>(name: &str, e: LayerError) -> Result<Result<T, String>, StepError> {
    let io = match &e {
        LayerError::Io { source, .. }
        | LayerError::BadTar { source, .. }
        | LayerError::Decompress { source, .. } => Some(source),
        _ => None,
    };
    if let Some(registry) = io.and_then(registry_error) {
        if registry.is_retryable() {
            return Err(StepError::registry(name, registry));
        }
    } else if let LayerError::Io { source, .. } = &e
        && matches!(
            source.kind(),
            std::io::ErrorKind::ConnectionReset
                | std::io::ErrorKind::ConnectionAborted
                | std::io::ErrorKind::TimedOut
        )
    {
        return Err(StepError::Registry {
            message: format!("{name}: {e}"),
            retryable: true,
        });
    }
    Ok(Err(format!("{name}: {e}")))
}
