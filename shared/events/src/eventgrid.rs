//! Event Grid events from Azure Container Registry, in the Event Grid schema and as
//! CloudEvents 1.0, and the two webhook handshakes.
//!
//! Event Grid posts a JSON array (a batch) of events. ACR's types are
//! `Microsoft.ContainerRegistry.ImagePushed`, `ImageDeleted`, `ChartPushed` and `ChartDeleted`;
//! older webhooks send the short names without the `Microsoft.ContainerRegistry.` prefix, which
//! are accepted too. Before delivering, Event Grid validates the endpoint: in its own schema with a
//! `Microsoft.EventGrid.SubscriptionValidationEvent` (answer [`validation_response`]), with
//! CloudEvents by an HTTP OPTIONS request (answer with [`HandshakeResponse`]).

use layerwatch_oci::MediaType;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};

use crate::error::EventError;
use crate::request::{Action, Outcome, ScanRequest, ValidationRequest};

const ACR_PREFIX: &str = "Microsoft.ContainerRegistry.";
const VALIDATION_TYPE: &str = "Microsoft.EventGrid.SubscriptionValidationEvent";

/// One event in the Event Grid schema.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EventGridEvent {
    /// Event id.
    pub id: String,
    /// Resource path of the publisher (the registry's ARM id for ACR).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub topic: Option<String>,
    /// E.g. `aci-helloworld:v1`.
    #[serde(default)]
    pub subject: String,
    /// E.g. `Microsoft.ContainerRegistry.ImagePushed`.
    pub event_type: String,
    /// Event time as sent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub event_time: Option<String>,
    /// The type-specific payload.
    #[serde(default)]
    pub data: Value,
    /// Schema version of `data`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub data_version: Option<String>,
    /// Envelope metadata version.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metadata_version: Option<String>,
    /// Fields this crate does not know.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// One CloudEvents 1.0 event (structured JSON mode).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CloudEvent {
    /// Event id.
    pub id: String,
    /// Publisher (the registry's ARM id for ACR).
    pub source: String,
    /// Always `1.0` here.
    pub specversion: String,
    /// E.g. `Microsoft.ContainerRegistry.ImagePushed`.
    #[serde(rename = "type")]
    pub event_type: String,
    /// E.g. `aci-helloworld:v1`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subject: Option<String>,
    /// Event time as sent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time: Option<String>,
    /// The type-specific payload.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub data: Option<Value>,
    /// Fields this crate does not know (extensions, `datacontenttype`).
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// One event of a batch, in either schema.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum GridItem {
    /// CloudEvents 1.0 (tried first: it is the one with `specversion`).
    Cloud(CloudEvent),
    /// The Event Grid schema.
    Grid(EventGridEvent),
}

/// The `data` of an ACR image or chart event.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AcrEventData {
    /// Registry-side event id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// Registry-side time.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timestamp: Option<String>,
    /// `push`, `delete`, `chart_push`, ...
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub action: Option<String>,
    /// What was pushed or deleted.
    pub target: AcrTarget,
    /// The HTTP request that caused it; `host` is the registry host.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request: Option<AcrRequest>,
    /// Fields this crate does not know (`location`, `connectedRegistry`, ...).
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// The target of an ACR event.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AcrTarget {
    /// Manifest media type.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub media_type: Option<String>,
    /// Manifest digest as sent; validated when normalised.
    pub digest: String,
    /// Repository name.
    pub repository: String,
    /// Tag, when pushed with one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tag: Option<String>,
    /// Fields this crate does not know (`size`, `length`, chart `name`/`version`).
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// The request part of an ACR event.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AcrRequest {
    /// Registry host, e.g. `demo.azurecr.io`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub host: Option<String>,
    /// Fields this crate does not know (`id`, `method`, `useragent`).
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// The body that answers a `SubscriptionValidationEvent`: `{"validationResponse": code}`.
pub fn validation_response(code: &str) -> Value {
    json!({ "validationResponse": code })
}

/// The answer to a CloudEvents webhook validation (HTTP OPTIONS) request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HandshakeResponse {
    /// Value for `WebHook-Allowed-Origin`: the requesting origin, echoed.
    pub allowed_origin: String,
}

impl HandshakeResponse {
    /// Builds the answer from the request's `WebHook-Request-Origin` header.
    pub fn for_request(request_origin: Option<&str>) -> Result<Self, EventError> {
        let origin = request_origin.unwrap_or("").trim();
        // Echoing the origin into a response header: refuse anything that is not a plain host.
        let plain = !origin.is_empty()
            && origin
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"-.:".contains(&b));
        if !plain {
            return Err(EventError::HandshakeOrigin {
                origin: origin.to_string(),
            });
        }
        Ok(HandshakeResponse {
            allowed_origin: origin.to_string(),
        })
    }

    /// The response headers: `WebHook-Allowed-Origin` and `WebHook-Allowed-Rate`.
    pub fn headers(&self) -> [(&'static str, String); 2] {
        [
            ("WebHook-Allowed-Origin", self.allowed_origin.clone()),
            ("WebHook-Allowed-Rate", "*".to_string()),
        ]
    }
}

impl GridItem {
    /// The envelope id.
    pub fn id(&self) -> &str {
        match self {
            GridItem::Cloud(e) => &e.id,
            GridItem::Grid(e) => &e.id,
        }
    }

    /// What this event asks of the scanner.
    pub fn outcome(&self) -> Result<Outcome, EventError> {
        let (id, event_type, topic, data) = match self {
            GridItem::Cloud(e) => (&e.id, &e.event_type, e.source.as_str(), e.data.as_ref()),
            GridItem::Grid(e) => (
                &e.id,
                &e.event_type,
                e.topic.as_deref().unwrap_or(""),
                Some(&e.data),
            ),
        };
        let malformed = |reason: String| EventError::Malformed {
            event_id: id.clone(),
            event_type: event_type.clone(),
            reason,
        };
        if event_type == VALIDATION_TYPE {
            let data = data.ok_or_else(|| malformed("no data".into()))?;
            let code = data.get("validationCode").and_then(Value::as_str);
            let code = code.ok_or_else(|| malformed("no data.validationCode".into()))?;
            return Ok(Outcome::Validation(ValidationRequest {
                event_id: id.clone(),
                validation_code: code.to_string(),
                validation_url: data
                    .get("validationUrl")
                    .and_then(Value::as_str)
                    .map(str::to_string),
            }));
        }
        let short = event_type.strip_prefix(ACR_PREFIX).unwrap_or(event_type);
        let ignored = |reason: String| {
            Ok(Outcome::Ignored {
                event_id: id.clone(),
                reason,
            })
        };
        let action = match short {
            "ImagePushed" => Action::Push,
            "ImageDeleted" => Action::Delete,
            "ChartPushed" | "ChartDeleted" => {
                return ignored(format!(
                    "{event_type} is a helm chart, not a container image"
                ));
            }
            _ => {
                return ignored(format!(
                    "event type {event_type} is not an image push or delete"
                ));
            }
        };
        let data = data.ok_or_else(|| malformed("no data".into()))?;
        let data: AcrEventData =
            serde_json::from_value(data.clone()).map_err(|e| malformed(format!("data: {e}")))?;
        let digest = data
            .target
            .digest
            .parse()
            .map_err(|source| EventError::Digest {
                event_id: id.clone(),
                source,
            })?;
        if data.target.repository.is_empty() {
            return Err(malformed("data.target.repository is empty".into()));
        }
        let host = data
            .request
            .as_ref()
            .and_then(|r| r.host.clone())
            .filter(|h| !h.is_empty());
        let registry =
            host.or_else(|| registry_from_topic(topic))
                .ok_or_else(|| EventError::NoRegistry {
                    event_id: id.clone(),
                    topic: topic.to_string(),
                })?;
        Ok(Outcome::Scan(ScanRequest {
            registry,
            repository: data.target.repository.clone(),
            digest,
            tag: data.target.tag.clone().filter(|t| !t.is_empty()),
            media_type: data.target.media_type.as_deref().map(MediaType::from),
            event_id: id.clone(),
            action,
        }))
    }
}

/// `<name>.azurecr.io` from an ARM id ending in `.../registries/<name>`, when the name is real.
fn registry_from_topic(topic: &str) -> Option<String> {
    let (_, name) = topic.rsplit_once("/registries/")?;
    let valid = !name.is_empty() && name.bytes().all(|b| b.is_ascii_alphanumeric());
    valid.then(|| format!("{}.azurecr.io", name.to_ascii_lowercase()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn registry_name_comes_from_the_arm_id() {
        let t = "/subscriptions/x/resourceGroups/rg/providers/Microsoft.ContainerRegistry/registries/Demo1";
        assert_eq!(registry_from_topic(t).as_deref(), Some("demo1.azurecr.io"));
        assert_eq!(
            registry_from_topic("/subscriptions/x/registries/<name>"),
            None
        );
        assert_eq!(registry_from_topic("/subscriptions/x"), None);
    }

    #[test]
    fn handshake_echoes_a_plain_origin_only() {
        let ok = HandshakeResponse::for_request(Some("eventgrid.azure.net")).unwrap();
        assert_eq!(
            ok.headers()[0],
            ("WebHook-Allowed-Origin", "eventgrid.azure.net".to_string())
        );
        assert!(HandshakeResponse::for_request(None).is_err());
        assert!(HandshakeResponse::for_request(Some("evil\r\nSet-Cookie: x")).is_err());
    }
}
