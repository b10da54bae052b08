//! The Azure Functions custom handler: one HTTP server the Functions host calls for every
//! trigger of the Layerwatch function app (`host/` holds host.json and each function.json).
//!
//! Environment: `FUNCTIONS_CUSTOMHANDLER_PORT` (set by the host), `LAYERWATCH_BLOB_ENDPOINT`,
//! `LAYERWATCH_QUEUE_ENDPOINT`, `LAYERWATCH_CONTAINER`, `LAYERWATCH_LAYER_QUEUE`,
//! `LAYERWATCH_ASSEMBLE_QUEUE`, `LAYERWATCH_ADVISORY_SOURCE` (feed directory), optionally
//! `LAYERWATCH_STORAGE_ACCOUNT` + `LAYERWATCH_STORAGE_KEY` (Shared Key; without them the
//! managed identity: `IDENTITY_ENDPOINT`, `IDENTITY_HEADER`, `AZURE_CLIENT_ID`),
//! `LAYERWATCH_REGISTRY_ENDPOINTS`, `LAYERWATCH_INSECURE_REGISTRIES`, `RUST_LOG`.

pub mod envelope;
pub mod functions;
pub mod http;
pub mod setup;
pub mod state;

use axum::Router;
use axum::routing::{get, options, post};

pub use state::App;

/// The routes the host calls: one per function name, plus the forwarded HTTP functions.
pub fn router(app: App) -> Router {
    Router::new()
        .route("/dispatch", post(functions::dispatch_fn))
        .route("/analyze-layer", post(functions::analyze_fn))
        .route("/assemble", post(functions::assemble_fn))
        .route("/refresh-advisories", post(functions::refresh_fn))
        .route("/api/query", get(http::query_get).post(http::query_post))
        .route(
            "/api/events",
            options(http::events_options).post(http::events_post),
        )
        .with_state(app)
}

/// JSON log lines on stdout (the host forwards them to Application Insights), `RUST_LOG` to filter.
pub fn init_logging() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let _ = tracing_subscriber::fmt()
        .json()
        .with_current_span(true)
        .with_span_list(false)
        .with_env_filter(filter)
        .try_init();
}
