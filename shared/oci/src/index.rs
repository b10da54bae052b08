//! Choosing images from an index: which entries are scannable images, and which one matches a
//! platform.
//!
//! An index mixes real images with things that are not: Docker's buildx attestation manifests
//! (platform `unknown/unknown`, annotation `vnd.docker.reference.type: attestation-manifest`),
//! artifacts (signatures, SBOMs) and nested indexes. [`ImageIndex::images`] keeps only the
//! images and logs every skipped entry at debug level with the reason, so "why was my
//! platform not scanned" can be answered from the logs.

use tracing::debug;

use crate::manifest::{Descriptor, ImageIndex, ManifestError};
use crate::platform::Platform;

/// Annotation Docker puts on attestation manifests inside an index.
pub const ATTESTATION_ANNOTATION: &str = "vnd.docker.reference.type";
/// The value of [`ATTESTATION_ANNOTATION`] that marks an attestation manifest.
pub const ATTESTATION_MANIFEST: &str = "attestation-manifest";
/// Annotation naming an index entry in an OCI layout (`3.20` or a full reference).
pub const REF_NAME_ANNOTATION: &str = "org.opencontainers.image.ref.name";

/// Why an index entry is not an image, or `None` when it is one.
fn skip_reason(d: &Descriptor) -> Option<&'static str> {
    if d.annotations
        .get(ATTESTATION_ANNOTATION)
        .map(String::as_str)
        == Some(ATTESTATION_MANIFEST)
    {
        return Some("attestation manifest");
    }
    if d.platform.as_ref().is_some_and(Platform::is_unknown) {
        return Some("platform unknown/unknown");
    }
    if d.media_type.is_index() {
        return Some("nested index (followed separately)");
    }
    if !d.media_type.is_image_manifest() {
        return Some("not an image manifest media type");
    }
    if d.artifact_type
        .as_ref()
        .is_some_and(|t| !t.is_image_config())
    {
        return Some("artifact type is not an image");
    }
    None
}

impl ImageIndex {
    /// The entries that are images, with their platform (normalised). The platform is `None`
    /// when the entry has none, as in the `index.json` of many OCI layouts; the image's
    /// config then says what it is. Skipped entries are logged at debug level.
    pub fn images(&self) -> Vec<(Descriptor, Option<Platform>)> {
        let mut out = Vec::new();
        for d in &self.manifests {
            if let Some(reason) = skip_reason(d) {
                debug!(digest = %d.digest, media_type = %d.media_type, reason, "index entry skipped");
                continue;
            }
            let platform = d.platform.as_ref().map(Platform::normalized);
            out.push((d.clone(), platform));
        }
        out
    }

    /// Entries that are themselves indexes, to be followed by whoever can fetch them.
    pub fn nested_indexes(&self) -> Vec<&Descriptor> {
        self.manifests
            .iter()
            .filter(|d| d.media_type.is_index())
            .collect()
    }

    /// The image entry for `want`.
    ///
    /// With a platform, the first image whose platform matches it ([`Platform::matches`]);
    /// failing that, the only image if there is exactly one and it declares no platform (its
    /// config must then be checked). Without a platform: the only image, else `linux/amd64`,
    /// else the first image.
    pub fn select(
        &self,
        want: Option<&Platform>,
    ) -> Result<(Descriptor, Option<Platform>), ManifestError> {
        let images = self.images();
        let found = match want {
            Some(w) => images
                .iter()
                .find(|(_, p)| p.as_ref().is_some_and(|p| p.matches(w)))
                .or(match images.as_slice() {
                    [only @ (_, None)] => Some(only),
                    _ => None,
                }),
            None => match images.as_slice() {
                [only] => Some(only),
                _ => {
                    let amd64 = Platform::linux_amd64();
                    images
                        .iter()
                        .find(|(_, p)| p.as_ref().is_some_and(|p| p.matches(&amd64)))
                        .or(images.first())
                }
            },
        };
        found
            .cloned()
            .ok_or_else(|| ManifestError::NoMatchingPlatform {
                wanted: want.map_or_else(|| "(any)".to_string(), Platform::to_string),
                available: available(&images),
            })
    }
}

fn available(images: &[(Descriptor, Option<Platform>)]) -> String {
    if images.is_empty() {
        return "none".to_string();
    }
    let names: Vec<String> = images
        .iter()
        .map(|(_, p)| {
            p.as_ref()
                .map_or_else(|| "(unspecified)".to_string(), Platform::to_string)
        })
        .collect();
    names.join(", ")
}
