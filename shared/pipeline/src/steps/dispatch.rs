//! dispatch: a push or delete event becomes scan jobs, layer messages for what the cache lacks,
//! or an assemble message when nothing is missing.

use std::collections::{BTreeMap, BTreeSet};

use layerwatch_engine::RegistryScanError;
use layerwatch_events::{Action, ScanRequest};
use layerwatch_oci::{Digest, LocalImage, Platform};
use layerwatch_registry::ManifestRef;
use tracing::{debug, info};

use super::common::{ConfigCache, parse_unix, repository};
use crate::context::Context;
use crate::error::StepError;
use crate::model::{AssembleJob, ImageLocation, Job, JobKey, JobState, LayerJob};
use crate::store::CreateOutcome;

/// What dispatch did with one event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DispatchOutcome {
    /// A delete event: the rows of the digest are marked deleted (reports are kept).
    Deleted {
        /// The repository.
        image: ImageLocation,
        /// The deleted manifest or index.
        digest: Digest,
    },
    /// A push: what happened to the job of each platform image.
    Pushed {
        /// One entry per platform image, in manifest order.
        jobs: Vec<(JobKey, JobDispatch)>,
    },
}

/// What dispatch did with one platform image's job.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum JobDispatch {
    /// A new job: one message per missing layer, or the assemble message when all were cached.
    Created {
        /// Layer messages sent.
        layers_sent: usize,
        /// Distinct layers already in the layer cache.
        cached: usize,
        /// True when every layer was cached and assemble was asked for at once.
        assemble_sent: bool,
    },
    /// The job existed (a duplicate or replayed event, or the child manifest of an index
    /// already seen): nothing new, except a tag this event adds.
    Duplicate {
        /// Where the job stands.
        state: JobState,
        /// The tag added to the job and its results row, if the event brought a new one.
        tag_added: Option<String>,
    },
    /// The job existed but had stalled (older than `Context::stalled_after` and not ended):
    /// its missing work was sent again.
    Resumed {
        /// Layer messages sent again.
        layers_sent: usize,
        /// True when the assemble message was sent again.
        assemble_sent: bool,
        /// The tag added, as for a duplicate.
        tag_added: Option<String>,
    },
}

/// Handles one scan request (see the module docs).
pub fn dispatch(ctx: &Context, request: &ScanRequest) -> Result<DispatchOutcome, StepError> {
    let image = ImageLocation {
        registry: request.registry.clone(),
        repository: request.repository.clone(),
    };
    if request.action == Action::Delete {
        ctx.results.mark_deleted(&image, &request.digest)?;
        info!(%image, digest = %request.digest, "image deleted: rows marked");
        return Ok(DispatchOutcome::Deleted {
            image,
            digest: request.digest.clone(),
        });
    }
    let repo = repository(ctx, &image)?;
    let reference = format!("{image}@{}", request.digest);
    let images = repo
        .images(
            &ManifestRef::Digest(request.digest.clone()),
            &ConfigCache(&*ctx.objects),
        )
        .map_err(|e| resolve_error(&reference, e))?;
    if images.is_empty() {
        return Err(StepError::Rejected(format!(
            "{reference}: the index holds no image (only attestations or artifacts)"
        )));
    }
    let mut jobs = Vec::with_capacity(images.len());
    for local in &images {
        let (key, outcome) = dispatch_image(ctx, request, &image, local)?;
        info!(job = %key, outcome = ?outcome, "dispatched");
        jobs.push((key, outcome));
    }
    Ok(DispatchOutcome::Pushed { jobs })
}

fn resolve_error(reference: &str, e: RegistryScanError) -> StepError {
    match &e {
        RegistryScanError::Registry(r) => StepError::registry(reference, r),
        RegistryScanError::Runtime(_) => StepError::Registry {
            message: format!("{reference}: {e}"),
            retryable: true,
        },
        _ => StepError::Rejected(format!("{reference}: {e}")),
    }
}

/// The platform string of a job: the index entry's or the config's, in one canonical form,
/// because ECR reports an index's children separately and a child's config rarely names the
/// variant its index entry names (`linux/arm64/v8` in the index, `arm64` in the config): the
/// default variant is spelled out for ARM (`arm64/v8`, `arm/v7`) and left out for `amd64/v1`.
fn platform_name(local: &LocalImage) -> (String, Option<Platform>) {
    let platform = local.platform.as_ref().map(|p| {
        let mut p = p.normalized();
        p.variant = p.effective_variant();
        if p.architecture == "amd64" && p.variant.as_deref() == Some("v1") {
            p.variant = None;
        }
        p
    });
    let name = platform
        .as_ref()
        .map_or_else(|| "unknown/unknown".to_string(), Platform::to_string);
    (name, platform)
}

fn dispatch_image(
    ctx: &Context,
    request: &ScanRequest,
    image: &ImageLocation,
    local: &LocalImage,
) -> Result<(JobKey, JobDispatch), StepError> {
    let (platform_s, platform) = platform_name(local);
    let digest = local
        .manifest_digest
        .clone()
        .unwrap_or_else(|| request.digest.clone());
    let key = JobKey {
        image: image.clone(),
        digest,
        platform: platform_s,
        analyzer: ctx.analyzer.clone(),
    };
    let layers: Vec<Digest> = local.layers.iter().map(|l| l.digest.clone()).collect();
    let distinct: Vec<Digest> = layers
        .iter()
        .cloned()
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let cached: BTreeSet<Digest> = ctx
        .layers
        .get_many(&distinct, &ctx.analyzer)?
        .into_keys()
        .collect();
    let job = Job {
        key: key.clone(),
        index_digest: local.index_digest.clone(),
        platform,
        tags: request.tag.iter().cloned().collect(),
        config_digest: local.config_digest.clone(),
        layers,
        finished: cached.clone(),
        state: JobState::Pending,
        event_id: request.event_id.clone(),
        created_at: ctx.clock.now().to_string(),
    };
    match ctx.jobs.create(&job)? {
        CreateOutcome::Created => {
            let (layers_sent, assemble_sent) = send_missing(ctx, &job, local)?;
            Ok((
                key,
                JobDispatch::Created {
                    layers_sent,
                    cached: cached.len(),
                    assemble_sent,
                },
            ))
        }
        CreateOutcome::Exists(existing) => {
            let tag_added = add_tag(ctx, &existing, request.tag.as_deref())?;
            if !stalled(ctx, &existing) {
                let state = existing.state.clone();
                return Ok((key, JobDispatch::Duplicate { state, tag_added }));
            }
            let (layers_sent, assemble_sent) = resume(ctx, &existing, local)?;
            Ok((
                key,
                JobDispatch::Resumed {
                    layers_sent,
                    assemble_sent,
                    tag_added,
                },
            ))
        }
    }
}

/// Adds `tag` to the job and its rows when it is new.
fn add_tag(ctx: &Context, job: &Job, tag: Option<&str>) -> Result<Option<String>, StepError> {
    let Some(tag) = tag.filter(|t| !job.tags.contains(*t)) else {
        return Ok(None);
    };
    ctx.jobs.add_tag(&job.key, tag)?;
    ctx.results.add_tag(&job.key.image, &job.key.digest, tag)?;
    Ok(Some(tag.to_string()))
}

/// True when a job that has not ended is older than the context's stall limit.
fn stalled(ctx: &Context, job: &Job) -> bool {
    if !matches!(job.state, JobState::Pending | JobState::Assembling) {
        return false;
    }
    let now = ctx.clock.now_unix();
    let created = parse_unix(&job.created_at).unwrap_or(0);
    now.saturating_sub(created) >= ctx.stalled_after.as_secs()
}

/// Sends the messages of a new job: one per distinct layer not finished, or assemble.
fn send_missing(ctx: &Context, job: &Job, local: &LocalImage) -> Result<(usize, bool), StepError> {
    let mut missing: BTreeMap<&Digest, LayerJob> = BTreeMap::new();
    for (index, layer) in local.layers.iter().enumerate() {
        if job.finished.contains(&layer.digest) || missing.contains_key(&layer.digest) {
            continue;
        }
        missing.insert(
            &layer.digest,
            LayerJob {
                job: job.key.clone(),
                layer: layer.digest.clone(),
                index,
                size: layer.size,
                media_type: layer.media_type.as_ref().map(ToString::to_string),
            },
        );
    }
    if missing.is_empty() {
        let sent = claim_and_send(ctx, &job.key)?;
        return Ok((0, sent));
    }
    let mut messages: Vec<LayerJob> = missing.into_values().collect();
    messages.sort_by_key(|m| m.index);
    ctx.queue.send_layer_jobs(&messages)?;
    Ok((messages.len(), false))
}

/// Claims the assembly of `key` and sends the assemble message; false when another
/// invocation claimed it first.
pub(crate) fn claim_and_send(ctx: &Context, key: &JobKey) -> Result<bool, StepError> {
    if !ctx.jobs.claim_assembly(key)? {
        debug!(job = %key, "assembly already claimed");
        return Ok(false);
    }
    ctx.queue.send_assemble(&AssembleJob { job: key.clone() })?;
    Ok(true)
}

/// Sends the missing work of a stalled job again: layers still missing from the cache, or
/// the assemble message.
fn resume(ctx: &Context, job: &Job, local: &LocalImage) -> Result<(usize, bool), StepError> {
    if job.state == JobState::Assembling {
        ctx.queue.send_assemble(&AssembleJob {
            job: job.key.clone(),
        })?;
        return Ok((0, true));
    }
    // Layers cached meanwhile (by another image's job) count as finished.
    let unfinished: Vec<Digest> = job
        .layers
        .iter()
        .filter(|l| !job.finished.contains(*l))
        .cloned()
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let cached = ctx.layers.get_many(&unfinished, &ctx.analyzer)?;
    let mut current = job.clone();
    for layer in cached.keys() {
        current = ctx.jobs.finish_layer(&job.key, layer)?;
    }
    send_missing(ctx, &current, local)
}
