//! The custom-handler protocol of the Functions host: for every non-HTTP trigger the host POSTs
//! `{"Data": {<binding>: <value>}, "Metadata": {...}}` to `/<function name>` and reads back
//! `{"Outputs": {...}, "Logs": [...], "ReturnValue": ...}`. A non-2xx answer fails the
//! invocation: the host retries a queue message (then moves it to `<queue>-poison`) and Event
//! Grid redelivers. HTTP triggers are forwarded as plain requests (`enableForwardingHttpRequest`).

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// What the host sends for one invocation.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct InvokeRequest {
    /// Trigger and input binding values by binding name.
    #[serde(rename = "Data", default)]
    pub data: Map<String, Value>,
    /// Trigger metadata (`DequeueCount`, `Id`, `sys` with `MethodName` and `UtcNow`, ...).
    #[serde(rename = "Metadata", default)]
    pub metadata: Map<String, Value>,
}

/// What the handler answers.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct InvokeResponse {
    /// Output binding values by binding name (none of our functions has output bindings).
    #[serde(rename = "Outputs")]
    pub outputs: Map<String, Value>,
    /// Lines the host writes to the invocation's log.
    #[serde(rename = "Logs")]
    pub logs: Vec<String>,
    /// The function's return value.
    #[serde(rename = "ReturnValue")]
    pub return_value: Value,
}

/// Why a trigger value could not be read.
#[derive(Debug, thiserror::Error)]
pub enum EnvelopeError {
    /// The binding is not in `Data`.
    #[error("binding `{0}` is missing from the invocation data")]
    Missing(&'static str),
    /// The value is not the expected JSON.
    #[error("binding `{binding}` is not a valid {what}: {reason}")]
    Invalid {
        /// The binding.
        binding: &'static str,
        /// What was expected.
        what: &'static str,
        /// The parser's complaint.
        reason: String,
    },
}

impl InvokeRequest {
    /// The value of `binding` parsed as `T`. Queue messages arrive as a JSON *string* holding
    /// the message text (or, when the text is JSON, sometimes already as an object), so both
    /// shapes are accepted.
    pub fn binding<T: DeserializeOwned>(
        &self,
        binding: &'static str,
        what: &'static str,
    ) -> Result<T, EnvelopeError> {
        let value = self
            .data
            .get(binding)
            .ok_or(EnvelopeError::Missing(binding))?;
        let invalid = |e: serde_json::Error| EnvelopeError::Invalid {
            binding,
            what,
            reason: e.to_string(),
        };
        match value {
            Value::String(text) => serde_json::from_str(text).map_err(invalid),
            other => serde_json::from_value(other.clone()).map_err(invalid),
        }
    }

    /// The raw value of `binding`, as JSON bytes (a string value gives its text).
    pub fn binding_bytes(&self, binding: &'static str) -> Result<Vec<u8>, EnvelopeError> {
        match self
            .data
            .get(binding)
            .ok_or(EnvelopeError::Missing(binding))?
        {
            Value::String(text) => Ok(text.clone().into_bytes()),
            other => Ok(other.to_string().into_bytes()),
        }
    }

    /// How often the host has delivered this queue message (1 on the first try).
    pub fn dequeue_count(&self) -> u32 {
        match self.metadata.get("DequeueCount") {
            Some(Value::Number(n)) => n
                .as_u64()
                .map_or(1, |n| u32::try_from(n).unwrap_or(u32::MAX)),
            Some(Value::String(s)) => s.parse().unwrap_or(1),
            _ => 1,
        }
    }
}

impl InvokeResponse {
    /// A response carrying `value` as the return value and one log line.
    pub fn with(value: Value, log: String) -> Self {
        InvokeResponse {
            outputs: Map::new(),
            logs: vec![log],
            return_value: value,
        }
    }
}
