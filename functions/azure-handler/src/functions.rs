//! The five functions as routes: what the Functions host POSTs for each trigger, turned into a
//! pipeline step on a blocking thread, inside one span per invocation.
//!
//! | route | trigger (host/<name>/function.json) | step |
//! |---|---|---|
//! | `POST /dispatch` | Event Grid (binding `event`) | dispatch each image of the event |
//! | `POST /analyze-layer` | queue `layer-jobs` (binding `msg`) | analyze_layer |
//! | `POST /assemble` | queue `assemble-jobs` (binding `msg`) | assemble |
//! | `POST /refresh-advisories` | timer | build and publish the advisory snapshot |
//! | `GET`/`POST /api/query`, `OPTIONS`/`POST /api/events` | HTTP, forwarded as is | see [`crate::http`] |

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use layerwatch_events::Outcome;
use layerwatch_pipeline::keys::{ADVISORY_LATEST_KEY, advisory_snapshot_key};
use layerwatch_pipeline::steps::{analyze_layer, assemble, dispatch, fail_job};
use layerwatch_pipeline::{AssembleJob, JobKey, LayerJob, ObjectStore, PutOutcome, StepError};
use serde_json::json;
use tracing::{Instrument, error, info, info_span, warn};

use crate::envelope::{InvokeRequest, InvokeResponse};
use crate::state::App;

/// A function's answer: 200 with the envelope, or a failure status the host retries on.
pub type Answer = Result<Json<InvokeResponse>, (StatusCode, String)>;

/// Deliveries of a queue message before the host moves it to `<queue>-poison`; matches
/// `extensions.queues.maxDequeueCount` in host.json. On the last one a failing job is ended
/// as failed instead of being left pending.
pub const MAX_DEQUEUE_COUNT: u32 = 5;

fn invocation_id(headers: &HeaderMap, req: &InvokeRequest) -> String {
    headers
        .get("x-azure-functions-invocationid")
        .and_then(|v| v.to_str().ok())
        .map(str::to_string)
        .or_else(|| {
            req.metadata
                .get("sys")
                .and_then(|s| s.get("RandGuid"))
                .and_then(|v| v.as_str())
                .map(str::to_string)
        })
        .unwrap_or_default()
}

fn retry(e: impl std::fmt::Display) -> (StatusCode, String) {
    (StatusCode::INTERNAL_SERVER_ERROR, e.to_string())
}

/// Runs a blocking step off the async threads.
async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> T + Send + 'static,
) -> Result<T, (StatusCode, String)> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|e| retry(format!("step panicked or was cancelled: {e}")))
}

/// Event Grid trigger: each pushed image becomes jobs; deletes mark rows deleted.
pub async fn dispatch_fn(
    State(app): State<App>,
    headers: HeaderMap,
    Json(req): Json<InvokeRequest>,
) -> Answer {
    let span = info_span!("invocation", function = "dispatch", invocation = %invocation_id(&headers, &req));
    async move {
        let body = req
            .binding_bytes("event")
            .map_err(|e| (StatusCode::BAD_REQUEST, e.to_string()))?;
        let logs = dispatch_body(&app, &body).await?;
        Ok(Json(InvokeResponse {
            logs,
            ..InvokeResponse::default()
        }))
    }
    .instrument(span)
    .await
}

/// Dispatches every scan request in an Event Grid body (one event or a batch, either schema).
/// A malformed event is logged and dropped: redelivering it cannot help.
pub async fn dispatch_body(app: &App, body: &[u8]) -> Result<Vec<String>, (StatusCode, String)> {
    let outcomes = match layerwatch_events::parse(body) {
        Ok(o) => o,
        Err(e) => {
            warn!(error = %e, "malformed event dropped");
            return Ok(vec![format!("malformed event dropped: {e}")]);
        }
    };
    let mut logs = Vec::new();
    for outcome in outcomes {
        match outcome {
            Outcome::Scan(request) => {
                let ctx = app.context.clone();
                let (image, digest) = (
                    format!("{}/{}", request.registry, request.repository),
                    request.digest.clone(),
                );
                let result = blocking(move || dispatch(&ctx, &request)).await?;
                match result {
                    Ok(outcome) => {
                        info!(%image, %digest, ?outcome, "dispatched");
                        logs.push(format!("{image}@{digest}: {outcome:?}"));
                    }
                    Err(e) if e.is_retryable() => {
                        return Err(retry(format!("{image}@{digest}: {e}")));
                    }
                    Err(e) => {
                        warn!(%image, %digest, error = %e, "push not scanned");
                        logs.push(format!("{image}@{digest}: not scanned: {e}"));
                    }
                }
            }
            Outcome::Ignored { event_id, reason } => {
                info!(event_id, reason, "event ignored");
                logs.push(format!("{event_id}: ignored: {reason}"));
            }
            Outcome::Validation(v) => {
                // The eventGridTrigger binding answers the handshake itself; logged for the
                // webhook path, which answers it in crate::http.
                info!(event_id = v.event_id, "subscription validation event");
                logs.push(format!("{}: subscription validation", v.event_id));
            }
        }
    }
    Ok(logs)
}

/// Ends a step's error: retry while deliveries remain, else fail the job and acknowledge.
async fn settle(app: &App, job: JobKey, err: StepError, dequeue_count: u32) -> Answer {
    if err.is_retryable() && dequeue_count < MAX_DEQUEUE_COUNT {
        warn!(job = %job, error = %err, dequeue_count, "step failed; the host will retry");
        return Err(retry(&err));
    }
    let reason = if err.is_retryable() {
        format!("gave up after {dequeue_count} deliveries: {err}")
    } else {
        err.to_string()
    };
    error!(job = %job, reason, "job failed");
    let ctx = app.context.clone();
    let key = job.clone();
    let reason_for_job = reason.clone();
    blocking(move || fail_job(&ctx, &key, &reason_for_job))
        .await?
        .map_err(retry)?;
    Ok(Json(InvokeResponse::with(
        json!({ "failed": reason }),
        format!("{job}: failed: {reason}"),
    )))
}

/// Queue trigger on the layer queue.
pub async fn analyze_fn(
    State(app): State<App>,
    headers: HeaderMap,
    Json(req): Json<InvokeRequest>,
) -> Answer {
    let message: LayerJob = req
        .binding("msg", "layer job")
        .map_err(|e| (StatusCode::BAD_REQUEST, e.to_string()))?;
    let span = info_span!("invocation", function = "analyze-layer", invocation = %invocation_id(&headers, &req),
        image = %message.job.image, digest = %message.job.digest, layer = %message.layer);
    async move {
        let ctx = app.context.clone();
        let m = message.clone();
        match blocking(move || analyze_layer(&ctx, &m)).await? {
            Ok(outcome) => {
                info!(?outcome, "layer analysed");
                Ok(Json(InvokeResponse::with(
                    json!(null),
                    format!("{}: {outcome:?}", message.layer),
                )))
            }
            Err(e) => settle(&app, message.job, e, req.dequeue_count()).await,
        }
    }
    .instrument(span)
    .await
}

/// Queue trigger on the assemble queue.
pub async fn assemble_fn(
    State(app): State<App>,
    headers: HeaderMap,
    Json(req): Json<InvokeRequest>,
) -> Answer {
    let message: AssembleJob = req
        .binding("msg", "assemble job")
        .map_err(|e| (StatusCode::BAD_REQUEST, e.to_string()))?;
    let span = info_span!("invocation", function = "assemble", invocation = %invocation_id(&headers, &req),
        image = %message.job.image, digest = %message.job.digest);
    async move {
        let ctx = app.context.clone();
        let m = message.clone();
        match blocking(move || assemble(&ctx, &m)).await? {
            Ok(outcome) => {
                info!(?outcome, "assembled");
                Ok(Json(InvokeResponse::with(
                    json!(null),
                    format!("{}: {outcome:?}", message.job),
                )))
            }
            Err(e) => settle(&app, message.job, e, req.dequeue_count()).await,
        }
    }
    .instrument(span)
    .await
}

/// Timer: builds the advisory store from the feed mirror in `LAYERWATCH_ADVISORY_SOURCE` (a
/// directory) and publishes it as `advisories/v1/<revision>.store` plus the `LATEST` pointer.
pub async fn refresh_fn(
    State(app): State<App>,
    headers: HeaderMap,
    Json(req): Json<InvokeRequest>,
) -> Answer {
    let span = info_span!("invocation", function = "refresh-advisories", invocation = %invocation_id(&headers, &req));
    async move {
        let source = app.advisory_source.clone().ok_or_else(|| {
            (StatusCode::INTERNAL_SERVER_ERROR, "LAYERWATCH_ADVISORY_SOURCE names no feed directory; fetching upstream feeds is not built".to_string())
        })?;
        let storage = app.storage.clone();
        let published = blocking(move || -> anyhow::Result<(String, PutOutcome)> {
            let dir = tempfile::tempdir()?;
            let path = dir.path().join("advisories.store");
            let summary = layerwatch_advisory::Store::update_from_dir(&path, &source)?;
            let key = advisory_snapshot_key(&summary.revision);
            let outcome = storage.put_once(&key, &std::fs::read(&path)?, "application/vnd.sqlite3")?;
            ObjectStore::put(&*storage, ADVISORY_LATEST_KEY, summary.revision.as_bytes(), "text/plain")?;
            Ok((summary.revision, outcome))
        })
        .await?
        .map_err(|e| retry(format!("{e:#}")))?;
        info!(revision = published.0, outcome = ?published.1, "advisory snapshot published");
        Ok(Json(InvokeResponse::with(json!({ "revision": published.0 }), format!("revision {}", published.0))))
    }
    .instrument(span)
    .await
}
