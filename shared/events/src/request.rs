//! The normalised result of one event, the same for every cloud.

use layerwatch_oci::{Digest, MediaType};
use serde::{Deserialize, Serialize};

/// What happened to the image.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Action {
    /// The image (manifest or index) was pushed: scan it.
    Push,
    /// The image was deleted: drop its results.
    Delete,
}

/// One image to scan (or forget), named by registry host, repository and digest.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScanRequest {
    /// Registry host, e.g. `123456789012.dkr.ecr.us-east-1.amazonaws.com` or `demo.azurecr.io`.
    pub registry: String,
    /// Repository inside the registry, e.g. `team/sample-service`.
    pub repository: String,
    /// Digest of the pushed manifest or index.
    pub digest: Digest,
    /// The tag pushed with it; `None` for untagged pushes (including per-platform children).
    pub tag: Option<String>,
    /// The manifest media type when the event says it.
    pub media_type: Option<MediaType>,
    /// The id of the event envelope, for tracing and de-duplication.
    pub event_id: String,
    /// Push or delete.
    pub action: Action,
}

/// Event Grid's subscription handshake: answer with [`crate::validation_response`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ValidationRequest {
    /// The envelope id.
    pub event_id: String,
    /// The code to echo back as `validationResponse`.
    pub validation_code: String,
    /// The manual validation URL, when Event Grid sent one.
    pub validation_url: Option<String>,
}

/// What one event means for the scanner.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum Outcome {
    /// An image to scan or forget.
    Scan(ScanRequest),
    /// A well-formed event that needs no work.
    Ignored {
        /// The envelope id.
        event_id: String,
        /// Why nothing is done, e.g. `action-type UPDATE_STORAGE_CLASS is not a push or delete`.
        reason: String,
    },
    /// Event Grid's subscription validation handshake.
    Validation(ValidationRequest),
}
