//! The HTTP-triggered functions, forwarded by the host as plain requests
//! (`enableForwardingHttpRequest`): `query`, and `events`, the Event Grid webhook for
//! subscriptions that deliver to a URL instead of the `dispatch` trigger (it answers both
//! validation handshakes: the Event Grid schema's in the body, CloudEvents' on OPTIONS).

use std::collections::HashMap;

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use layerwatch_events::{HandshakeResponse, Outcome, validation_response};
use layerwatch_oci::Digest;
use layerwatch_pipeline::{ImageLocation, ResultQuery};
use serde_json::json;
use tracing::{Instrument, info_span};

use crate::functions::dispatch_body;
use crate::state::App;

/// `GET /api/query?cve=ID | package=PURL[&version=V] | digest=D | registry=R&repository=P[&tag=T]`,
/// or `POST` with a JSON [`ResultQuery`]. Answers `{"rows": [{"row": ..., "matched": [...]}]}`.
pub async fn query_get(
    State(app): State<App>,
    Query(params): Query<HashMap<String, String>>,
) -> Response {
    match query_from_params(&params) {
        Ok(q) => run_query(app, q).await,
        Err(msg) => (StatusCode::BAD_REQUEST, msg).into_response(),
    }
}

/// `POST /api/query` with a JSON [`ResultQuery`].
pub async fn query_post(State(app): State<App>, Json(q): Json<ResultQuery>) -> Response {
    run_query(app, q).await
}

fn query_from_params(p: &HashMap<String, String>) -> Result<ResultQuery, String> {
    if let Some(id) = p.get("cve").or_else(|| p.get("vulnerability")) {
        return Ok(ResultQuery::Vulnerability(id.clone()));
    }
    if let Some(package) = p.get("package") {
        return Ok(ResultQuery::Package {
            package: package.clone(),
            version: p.get("version").cloned(),
        });
    }
    if let Some(d) = p.get("digest") {
        let digest: Digest = d.parse().map_err(|e| format!("digest `{d}`: {e}"))?;
        return Ok(ResultQuery::Digest(digest));
    }
    if let (Some(registry), Some(repository)) = (p.get("registry"), p.get("repository")) {
        let image = ImageLocation {
            registry: registry.clone(),
            repository: repository.clone(),
        };
        return Ok(ResultQuery::Repository {
            image,
            tag: p.get("tag").cloned(),
        });
    }
    Err("query needs cve, package, digest, or registry and repository".into())
}

async fn run_query(app: App, q: ResultQuery) -> Response {
    let span = info_span!("invocation", function = "query", query = ?q);
    async move {
        let ctx = app.context.clone();
        let result =
            tokio::task::spawn_blocking(move || layerwatch_pipeline::steps::query(&ctx, &q)).await;
        match result {
            Ok(Ok(rows)) => {
                let rows: Vec<_> = rows
                    .into_iter()
                    .map(|(row, matched)| json!({ "row": row, "matched": matched }))
                    .collect();
                tracing::info!(rows = rows.len(), "query answered");
                Json(json!({ "rows": rows })).into_response()
            }
            Ok(Err(e)) if e.is_retryable() => {
                (StatusCode::SERVICE_UNAVAILABLE, e.to_string()).into_response()
            }
            Ok(Err(e)) => (StatusCode::INTERNAL_SERVER_ERROR, e.to_string()).into_response(),
            Err(e) => (StatusCode::INTERNAL_SERVER_ERROR, e.to_string()).into_response(),
        }
    }
    .instrument(span)
    .await
}

/// `OPTIONS /api/events`: the CloudEvents webhook handshake.
pub async fn events_options(headers: HeaderMap) -> Response {
    let origin = headers
        .get("webhook-request-origin")
        .and_then(|v| v.to_str().ok());
    match HandshakeResponse::for_request(origin) {
        Ok(h) => {
            let mut resp = StatusCode::OK.into_response();
            for (name, value) in h.headers() {
                if let Ok(v) = value.parse() {
                    resp.headers_mut().insert(name, v);
                }
            }
            resp
        }
        Err(e) => (StatusCode::BAD_REQUEST, e.to_string()).into_response(),
    }
}

/// `POST /api/events`: an Event Grid delivery (either schema); a subscription validation event
/// is answered with its code, anything else is dispatched.
pub async fn events_post(State(app): State<App>, body: Bytes) -> Response {
    let span = info_span!("invocation", function = "events");
    async move {
        if let Ok(outcomes) = layerwatch_events::parse(&body) {
            for o in &outcomes {
                if let Outcome::Validation(v) = o {
                    return Json(validation_response(&v.validation_code)).into_response();
                }
            }
        }
        match dispatch_body(&app, &body).await {
            Ok(logs) => Json(json!({ "logs": logs })).into_response(),
            Err((status, msg)) => (status, msg).into_response(),
        }
    }
    .instrument(span)
    .await
}
