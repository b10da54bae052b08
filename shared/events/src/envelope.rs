//! Detecting which envelope a body is, and parsing it with errors that name the event.

use serde::Serialize;
use serde_json::Value;

use crate::error::EventError;
use crate::eventbridge::{ECR_IMAGE_ACTION, EcrImageActionDetail, EventBridgeEvent};
use crate::eventgrid::{CloudEvent, EventGridEvent, GridItem};
use crate::request::Outcome;

/// A parsed event body. Serialising it gives back the JSON that was parsed.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Envelope {
    /// An EventBridge "ECR Image Action" event.
    EcrImageAction(EventBridgeEvent<EcrImageActionDetail>),
    /// Any other EventBridge event (ECR scan results, Inspector, ...), kept untyped.
    OtherEventBridge(EventBridgeEvent<Value>),
    /// An Event Grid delivery: a JSON array of events.
    GridBatch(Vec<GridItem>),
    /// A single Event Grid or CloudEvents event, not in an array.
    GridSingle(GridItem),
}

impl Envelope {
    /// One outcome per event, in order; a malformed event does not hide the others in a batch.
    pub fn outcomes(&self) -> Vec<Result<Outcome, EventError>> {
        match self {
            Envelope::EcrImageAction(e) => vec![e.outcome()],
            Envelope::OtherEventBridge(e) => vec![Ok(Outcome::Ignored {
                event_id: e.id.clone(),
                reason: format!(
                    "EventBridge event `{}` from {} is not an image action",
                    e.detail_type, e.source
                ),
            })],
            Envelope::GridBatch(items) => items.iter().map(GridItem::outcome).collect(),
            Envelope::GridSingle(item) => vec![item.outcome()],
        }
    }
}

/// Parses a body into its envelope, keeping unknown fields.
pub fn parse_envelope(body: &[u8]) -> Result<Envelope, EventError> {
    let value: Value = serde_json::from_slice(body).map_err(|e| EventError::Envelope {
        reason: format!("not JSON: {e}"),
    })?;
    match value {
        Value::Array(items) => items
            .into_iter()
            .map(grid_item)
            .collect::<Result<_, _>>()
            .map(Envelope::GridBatch),
        Value::Object(ref map) if map.contains_key("detail-type") => eventbridge(value),
        Value::Object(_) => grid_item(value).map(Envelope::GridSingle),
        other => Err(EventError::Envelope {
            reason: format!(
                "expected an object or an array, found {}",
                json_kind(&other)
            ),
        }),
    }
}

/// Parses a body and normalises every event; the first malformed event is the error.
pub fn parse(body: &[u8]) -> Result<Vec<Outcome>, EventError> {
    parse_envelope(body)?.outcomes().into_iter().collect()
}

fn eventbridge(value: Value) -> Result<Envelope, EventError> {
    let id = str_field(&value, "id");
    let detail_type = str_field(&value, "detail-type");
    let malformed = |e: serde_json::Error| EventError::Malformed {
        event_id: id.clone(),
        event_type: detail_type.clone(),
        reason: e.to_string(),
    };
    if detail_type == ECR_IMAGE_ACTION && str_field(&value, "source") == "aws.ecr" {
        serde_json::from_value(value)
            .map(Envelope::EcrImageAction)
            .map_err(malformed)
    } else {
        serde_json::from_value(value)
            .map(Envelope::OtherEventBridge)
            .map_err(malformed)
    }
}

fn grid_item(value: Value) -> Result<GridItem, EventError> {
    let id = str_field(&value, "id");
    let is_cloud = value.get("specversion").is_some();
    let event_type = if is_cloud {
        str_field(&value, "type")
    } else {
        str_field(&value, "eventType")
    };
    let malformed = |e: serde_json::Error| EventError::Malformed {
        event_id: id.clone(),
        event_type: event_type.clone(),
        reason: e.to_string(),
    };
    if !value.is_object() {
        return Err(EventError::Envelope {
            reason: format!("batch item is {}, not an object", json_kind(&value)),
        });
    }
    if is_cloud {
        serde_json::from_value::<CloudEvent>(value)
            .map(GridItem::Cloud)
            .map_err(malformed)
    } else {
        serde_json::from_value::<EventGridEvent>(value)
            .map(GridItem::Grid)
            .map_err(malformed)
    }
}

fn str_field(value: &Value, key: &str) -> String {
    value
        .get(key)
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_string()
}

fn json_kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}
