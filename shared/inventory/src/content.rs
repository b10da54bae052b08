//! What the layer reader's content rules found: files that hold secrets, and package manager
//! caches left behind. Only facts about a path are kept, never the secret itself, so an
//! inventory can be cached and shown without leaking what it describes.

use serde::{Deserialize, Serialize};

/// A file whose content matched a secret rule. The matched value is never stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SecretHit {
    /// Normalised path of the file inside the layer.
    pub path: String,
    /// The rule id, e.g. `private-key`, `github-token`.
    pub rule: String,
    /// 1-based line of the first match, when the rule matches a line.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line: Option<u32>,
}

/// A file of a package manager's download cache or index (apt lists, apk cache, pip cache).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CacheFile {
    /// The package manager: `apt`, `apk` or `pip`.
    pub manager: String,
    /// Normalised path of the file.
    pub path: String,
}
