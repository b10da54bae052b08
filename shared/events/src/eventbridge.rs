//! EventBridge events from ECR: the "ECR Image Action" detail and its normalisation.
//!
//! ECR sends one event per manifest: a multi-platform push gives an event for the index (tagged,
//! `manifest-media-type` of an index) and one per platform manifest (untagged, `image-tag` empty).
//! All of them become scan requests; the dispatcher keys scan jobs by digest, so a child manifest
//! reached both through its own event and through its index is scanned once.

use layerwatch_oci::MediaType;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::error::EventError;
use crate::request::{Action, Outcome, ScanRequest};

/// The `detail-type` of ECR push, delete and storage-class events.
pub const ECR_IMAGE_ACTION: &str = "ECR Image Action";

/// An EventBridge event envelope with a typed `detail`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct EventBridgeEvent<D> {
    /// Envelope version, `"0"`.
    pub version: String,
    /// Event id.
    pub id: String,
    /// E.g. `ECR Image Action`.
    pub detail_type: String,
    /// E.g. `aws.ecr`.
    pub source: String,
    /// AWS account id that owns the registry.
    pub account: String,
    /// Event time, RFC 3339 as sent.
    pub time: String,
    /// AWS region of the registry.
    pub region: String,
    /// Resource ARNs.
    #[serde(default)]
    pub resources: Vec<String>,
    /// The service-specific detail.
    pub detail: D,
    /// Fields this crate does not know, kept so the event serialises back unchanged.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// The detail of an "ECR Image Action" event.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct EcrImageActionDetail {
    /// `PUSH`, `DELETE`, `UPDATE_STORAGE_CLASS`, ...
    pub action_type: String,
    /// `SUCCESS` or `FAILURE`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub result: Option<String>,
    /// Repository name inside the registry.
    pub repository_name: String,
    /// Manifest digest as sent; validated when normalised, so a bad one names the event.
    pub image_digest: String,
    /// Tag; empty or absent for untagged pushes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image_tag: Option<String>,
    /// Manifest media type (newer events only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub manifest_media_type: Option<String>,
    /// Config media type of the artifact (newer events only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub artifact_media_type: Option<String>,
    /// Fields this crate does not know.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// The registry host of an account and region (`<account>.dkr.ecr.<region>.amazonaws.com`).
pub fn ecr_registry_host(account: &str, region: &str) -> String {
    // China regions live under their own partition's domain.
    let domain = if region.starts_with("cn-") {
        "amazonaws.com.cn"
    } else {
        "amazonaws.com"
    };
    format!("{account}.dkr.ecr.{region}.{domain}")
}

impl EventBridgeEvent<EcrImageActionDetail> {
    /// What this event asks of the scanner.
    pub fn outcome(&self) -> Result<Outcome, EventError> {
        let d = &self.detail;
        let ignored = |reason: String| {
            Ok(Outcome::Ignored {
                event_id: self.id.clone(),
                reason,
            })
        };
        let action = match d.action_type.as_str() {
            "PUSH" => Action::Push,
            "DELETE" => Action::Delete,
            other => return ignored(format!("action-type {other} is not a push or delete")),
        };
        if let Some(result) = d.result.as_deref().filter(|r| *r != "SUCCESS") {
            return ignored(format!(
                "action {} did not succeed (result {result})",
                d.action_type
            ));
        }
        // Other artifacts pushed to ECR (Helm charts, signatures, SBOMs) have a config type
        // that is not an image config: nothing to scan.
        if let Some(artifact) = d.artifact_media_type.as_deref()
            && !MediaType::from(artifact).is_image_config()
        {
            return ignored(format!("artifact type {artifact} is not a container image"));
        }
        let digest = d
            .image_digest
            .parse()
            .map_err(|source| EventError::Digest {
                event_id: self.id.clone(),
                source,
            })?;
        if d.repository_name.is_empty() {
            return Err(self.malformed("repository-name is empty"));
        }
        if self.account.is_empty() || self.region.is_empty() {
            return Err(self.malformed("account or region is empty"));
        }
        Ok(Outcome::Scan(ScanRequest {
            registry: ecr_registry_host(&self.account, &self.region),
            repository: d.repository_name.clone(),
            digest,
            tag: d.image_tag.clone().filter(|t| !t.is_empty()),
            media_type: d.manifest_media_type.as_deref().map(MediaType::from),
            event_id: self.id.clone(),
            action,
        }))
    }

    fn malformed(&self, reason: &str) -> EventError {
        EventError::Malformed {
            event_id: self.id.clone(),
            event_type: self.detail_type.clone(),
            reason: reason.to_string(),
        }
    }
}
