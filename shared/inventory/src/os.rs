//! Operating-system identity: the raw os-release fields and the resolved (family, version).

use serde::{Deserialize, Serialize};

/// The fields of an `os-release` file that identify a distribution.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct OsRelease {
    /// `ID` (e.g. `alpine`, `debian`, `ubuntu`, `amzn`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// `ID_LIKE`, space separated in the file.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub id_like: Vec<String>,
    /// `VERSION_ID` (e.g. `3.20.3`, `12`, `18.04`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version_id: Option<String>,
    /// `VERSION_CODENAME` (e.g. `bookworm`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version_codename: Option<String>,
    /// `PRETTY_NAME`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pretty_name: Option<String>,
}

/// The resolved operating system of an image.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Os {
    /// Distribution family as advisories name it: `alpine`, `debian`, `ubuntu`, `amazon`, ...
    pub family: String,
    /// Release version (`3.20.3`, `12`, `18.04`).
    pub version: String,
    /// Release codename where known (`bookworm`, `bionic`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub codename: Option<String>,
}
