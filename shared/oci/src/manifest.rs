//! Manifests and indexes (Docker schema 2 and OCI share their shapes), and telling them apart.
//!
//! [`parse_manifest`] decides what a document is in this order: the `mediaType` field inside
//! the document, then the HTTP `Content-Type`, then the shape (`manifests` means an index,
//! `config` + `layers` a manifest). Schema 1 is refused with a clear error. A manifest whose
//! config is not an image config (Helm charts, cosign signatures, in-toto attestations) is
//! returned as [`ParsedManifest::Artifact`] so callers can skip it instead of failing.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::digest::Digest;
use crate::media_type::MediaType;
use crate::platform::Platform;

/// Why a manifest document could not be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ManifestError {
    /// Docker schema 1, which registries stopped serving and we do not read.
    #[error(
        "unsupported manifest: schema 1 ({0}) is deprecated and cannot be scanned; \
         re-push the image with a current docker or buildah to get a schema 2 manifest"
    )]
    UnsupportedSchema1(String),
    /// A `schemaVersion` other than 1 or 2.
    #[error("unsupported manifest: schemaVersion {0}")]
    UnsupportedSchemaVersion(u64),
    /// Not JSON, or JSON that does not fit the manifest/index shape.
    #[error("invalid {what} json: {reason}")]
    Json {
        /// What was being read (`manifest`, `index`, `document`).
        what: &'static str,
        /// The parser's message.
        reason: String,
    },
    /// Neither the media type, the content type nor the shape says what this is.
    #[error("unrecognised manifest: media type {0}, and neither `manifests` nor `layers` present")]
    UnknownKind(String),
    /// No entry of an index matches the wanted platform.
    #[error("no image for platform {wanted} in index (available: {available})")]
    NoMatchingPlatform {
        /// The platform asked for.
        wanted: String,
        /// The platforms the index offers, comma-separated.
        available: String,
    },
}

/// A content descriptor: what a manifest or index says about a blob it points to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Descriptor {
    /// The blob's media type.
    pub media_type: MediaType,
    /// The blob's digest.
    pub digest: Digest,
    /// The blob's size in bytes.
    pub size: u64,
    /// Alternative download locations (foreign layers).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub urls: Vec<String>,
    /// Annotations.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub annotations: BTreeMap<String, String>,
    /// The platform, in index entries.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub platform: Option<Platform>,
    /// The artifact type, in index entries pointing to artifacts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub artifact_type: Option<MediaType>,
}

/// An image manifest: one config and the layers, bottom first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ImageManifest {
    /// Always 2.
    pub schema_version: u64,
    /// The manifest's own media type, when written (required by Docker, optional in OCI).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub media_type: Option<MediaType>,
    /// The artifact type, for OCI 1.1 artifacts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub artifact_type: Option<MediaType>,
    /// The config blob.
    pub config: Descriptor,
    /// The layer blobs, bottom first.
    #[serde(default)]
    pub layers: Vec<Descriptor>,
    /// The manifest this one refers to (signatures, SBOMs).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subject: Option<Descriptor>,
    /// Annotations.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub annotations: BTreeMap<String, String>,
}

impl ImageManifest {
    /// True when this is a runnable image: the config is an image config (Docker or OCI), no
    /// non-image `artifactType` is set, and, if there are layers, at least one has a layer
    /// media type. The last rule catches cosign signatures and buildx attestations, which
    /// reuse the OCI image config type but carry signature or in-toto blobs as "layers".
    pub fn is_image(&self) -> bool {
        let artifact_ok = self
            .artifact_type
            .as_ref()
            .is_none_or(MediaType::is_image_config);
        let layers_ok =
            self.layers.is_empty() || self.layers.iter().any(|l| l.media_type.is_layer());
        self.config.media_type.is_image_config() && artifact_ok && layers_ok
    }

    /// What kind of artifact this is: `artifactType` if set, else the config's media type.
    pub fn artifact_kind(&self) -> &MediaType {
        self.artifact_type
            .as_ref()
            .unwrap_or(&self.config.media_type)
    }
}

/// An image index or Docker manifest list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ImageIndex {
    /// Always 2.
    pub schema_version: u64,
    /// The index's own media type, when written.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub media_type: Option<MediaType>,
    /// The entries.
    #[serde(default)]
    pub manifests: Vec<Descriptor>,
    /// Annotations.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub annotations: BTreeMap<String, String>,
}

/// What [`parse_manifest`] found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ParsedManifest {
    /// A single-platform image.
    Image(ImageManifest),
    /// An index (multi-platform or a bundle of manifests).
    Index(ImageIndex),
    /// A manifest whose config is not an image config: not an image, to be skipped.
    /// [`ImageManifest::artifact_kind`] says what it is.
    Artifact(ImageManifest),
}

/// Only the fields needed to decide what a document is.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Probe {
    schema_version: Option<u64>,
    media_type: Option<String>,
    manifests: Option<serde_json::Value>,
    layers: Option<serde_json::Value>,
    config: Option<serde_json::Value>,
}

#[derive(Clone, Copy)]
enum Kind {
    Image,
    Index,
}

/// Parses a manifest or index. `content_type` is the HTTP `Content-Type` (parameters allowed),
/// or `None` for documents read from disk.
pub fn parse_manifest(
    bytes: &[u8],
    content_type: Option<&str>,
) -> Result<ParsedManifest, ManifestError> {
    let probe: Probe = serde_json::from_slice(bytes).map_err(|e| ManifestError::Json {
        what: "document",
        reason: e.to_string(),
    })?;
    let field_type = probe.media_type.as_deref().map(MediaType::from);
    let header_type = content_type.map(MediaType::from_content_type);
    for t in [&field_type, &header_type].into_iter().flatten() {
        if t.is_schema1() {
            return Err(ManifestError::UnsupportedSchema1(t.to_string()));
        }
    }
    match probe.schema_version {
        Some(1) => {
            let t = field_type
                .or(header_type)
                .unwrap_or(MediaType::DockerSchema1);
            return Err(ManifestError::UnsupportedSchema1(t.to_string()));
        }
        Some(2) | None => {}
        Some(v) => return Err(ManifestError::UnsupportedSchemaVersion(v)),
    }
    let by_type = |t: &Option<MediaType>| match t {
        Some(t) if t.is_index() => Some(Kind::Index),
        Some(t) if t.is_image_manifest() => Some(Kind::Image),
        _ => None,
    };
    let by_shape = if probe.manifests.is_some() {
        Some(Kind::Index)
    } else if probe.layers.is_some() || probe.config.is_some() {
        Some(Kind::Image)
    } else {
        None
    };
    let kind = by_type(&field_type)
        .or_else(|| by_type(&header_type))
        .or(by_shape)
        .ok_or_else(|| {
            let shown = field_type.or(header_type).map(|t| t.to_string());
            ManifestError::UnknownKind(shown.unwrap_or_else(|| "(none)".to_string()))
        })?;
    match kind {
        Kind::Index => serde_json::from_slice(bytes)
            .map(ParsedManifest::Index)
            .map_err(|e| ManifestError::Json {
                what: "index",
                reason: e.to_string(),
            }),
        Kind::Image => {
            let m: ImageManifest =
                serde_json::from_slice(bytes).map_err(|e| ManifestError::Json {
                    what: "manifest",
                    reason: e.to_string(),
                })?;
            Ok(if m.is_image() {
                ParsedManifest::Image(m)
            } else {
                ParsedManifest::Artifact(m)
            })
        }
    }
}
