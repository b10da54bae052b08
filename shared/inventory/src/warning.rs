//! Warnings: things a scan could not fully do, shown in the report instead of failing it.

use layerwatch_oci::Digest;
use serde::{Deserialize, Serialize};

/// Something the scan could not do completely. Never silent: it ends in the report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Warning {
    /// A stable machine-readable code, e.g. `malformed-db`, `cap-reached`, `file-too-large`.
    pub code: String,
    /// What happened, naming the object.
    pub message: String,
    /// The layer it concerns, when it concerns one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub layer: Option<Digest>,
    /// The path inside the layer it concerns, when it concerns one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
}

impl Warning {
    /// A warning with a code and message only.
    pub fn new(code: impl Into<String>, message: impl Into<String>) -> Self {
        Warning {
            code: code.into(),
            message: message.into(),
            layer: None,
            path: None,
        }
    }

    /// The same warning, about `path`.
    pub fn at_path(mut self, path: impl Into<String>) -> Self {
        self.path = Some(path.into());
        self
    }

    /// The same warning, about `layer`.
    pub fn in_layer(mut self, layer: &Digest) -> Self {
        self.layer = Some(layer.clone());
        self
    }
}
