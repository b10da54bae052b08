//! From a top-level index to [`LocalImage`]s, over any store that can read a blob by digest.
//!
//! Shared by the OCI layout directory and the OCI layout embedded in newer `docker save`
//! archives. The steps: choose top-level entries by tag (the `ref.name` annotation) or take
//! them all when they name one image; follow nested indexes (bounded depth); for every image
//! manifest read and verify the manifest and its config; skip artifacts and attestations
//! with a debug log.

use std::collections::BTreeSet;

use tracing::debug;

use crate::config::parse_config;
use crate::digest::Digest;
use crate::index::REF_NAME_ANNOTATION;
use crate::manifest::{Descriptor, ImageIndex, ImageManifest, ParsedManifest, parse_manifest};
use crate::platform::Platform;
use crate::source::{LayerRef, LocalImage, SourceError};

/// containerd's annotation holding the full image name in exported layouts.
const CONTAINERD_NAME_ANNOTATION: &str = "io.containerd.image.name";
/// How deep nested indexes are followed; real images use one or two levels.
pub(crate) const MAX_INDEX_DEPTH: usize = 4;

/// A store of blobs addressed by digest.
pub(crate) trait BlobReader {
    /// The blob's bytes, verified against `digest`; `what` names it in errors.
    fn read_verified(&self, digest: &Digest, what: &'static str) -> Result<Vec<u8>, SourceError>;
    /// Names the store in errors.
    fn location(&self) -> String;
}

/// The name an entry is tagged with: containerd's full name, else the OCI `ref.name`.
fn entry_name(d: &Descriptor) -> Option<&str> {
    d.annotations
        .get(CONTAINERD_NAME_ANNOTATION)
        .or_else(|| d.annotations.get(REF_NAME_ANNOTATION))
        .map(String::as_str)
}

/// True when `name` (a `ref.name`, which may be a bare tag or a full reference) is `tag`.
fn name_matches(d: &Descriptor, tag: &str) -> bool {
    let names = [
        d.annotations.get(CONTAINERD_NAME_ANNOTATION),
        d.annotations.get(REF_NAME_ANNOTATION),
    ];
    names.into_iter().flatten().any(|n| {
        n == tag
            || n.rsplit_once(':')
                .is_some_and(|(_, t)| t == tag && !t.contains('/'))
    })
}

/// All images reachable from the top-level index that `tag` selects.
pub(crate) fn images_from_top_index(
    store: &dyn BlobReader,
    top: &ImageIndex,
    tag: Option<&str>,
) -> Result<Vec<LocalImage>, SourceError> {
    let names: BTreeSet<&str> = top.manifests.iter().filter_map(entry_name).collect();
    let listed = || {
        if names.is_empty() {
            "no named images".to_string()
        } else {
            names.iter().copied().collect::<Vec<_>>().join(", ")
        }
    };
    let chosen: Vec<&Descriptor> = match tag {
        Some(t) => {
            let hits: Vec<&Descriptor> = top
                .manifests
                .iter()
                .filter(|d| name_matches(d, t))
                .collect();
            if hits.is_empty() {
                return Err(SourceError::NoSuchTag {
                    location: store.location(),
                    tag: t.to_string(),
                    available: listed(),
                });
            }
            hits
        }
        None if names.len() > 1 => {
            return Err(SourceError::Ambiguous {
                location: store.location(),
                available: listed(),
            });
        }
        None => top.manifests.iter().collect(),
    };
    images_from_entries(store, &chosen)
}

/// All images reachable from the given top-level entries, each named by its annotations.
pub(crate) fn images_from_entries(
    store: &dyn BlobReader,
    chosen: &[&Descriptor],
) -> Result<Vec<LocalImage>, SourceError> {
    let mut out = Vec::new();
    for &d in chosen {
        let single = ImageIndex {
            schema_version: 2,
            media_type: None,
            manifests: vec![d.clone()],
            annotations: Default::default(),
        };
        let name = entry_name(d).map(str::to_string);
        collect(store, &single, None, name.as_deref(), 0, &mut out)?;
    }
    Ok(out)
}

/// Walks `index`: images become [`LocalImage`]s, nested indexes are followed.
fn collect(
    store: &dyn BlobReader,
    index: &ImageIndex,
    index_digest: Option<&Digest>,
    name: Option<&str>,
    depth: usize,
    out: &mut Vec<LocalImage>,
) -> Result<(), SourceError> {
    for (d, platform) in index.images() {
        let bytes = store.read_verified(&d.digest, "manifest")?;
        match parse(&bytes, &d)? {
            ParsedManifest::Image(m) => {
                let image =
                    image_from_manifest(store, &m, &d.digest, index_digest, platform, name)?;
                out.push(image);
            }
            ParsedManifest::Artifact(m) => {
                debug!(digest = %d.digest, kind = %m.artifact_kind(), "artifact manifest skipped");
            }
            ParsedManifest::Index(i) => {
                // The descriptor said manifest but the blob is an index: follow it anyway.
                follow(store, &i, &d.digest, name, depth, out)?;
            }
        }
    }
    for d in index.nested_indexes() {
        let bytes = store.read_verified(&d.digest, "index")?;
        match parse(&bytes, d)? {
            ParsedManifest::Index(i) => follow(store, &i, &d.digest, name, depth, out)?,
            ParsedManifest::Image(m) => {
                let platform = d.platform.as_ref().map(Platform::normalized);
                out.push(image_from_manifest(
                    store,
                    &m,
                    &d.digest,
                    index_digest,
                    platform,
                    name,
                )?);
            }
            ParsedManifest::Artifact(m) => {
                debug!(digest = %d.digest, kind = %m.artifact_kind(), "artifact manifest skipped");
            }
        }
    }
    Ok(())
}

fn follow(
    store: &dyn BlobReader,
    index: &ImageIndex,
    digest: &Digest,
    name: Option<&str>,
    depth: usize,
    out: &mut Vec<LocalImage>,
) -> Result<(), SourceError> {
    if depth >= MAX_INDEX_DEPTH {
        return Err(SourceError::TooDeep {
            location: store.location(),
            digest: digest.clone(),
            limit: MAX_INDEX_DEPTH,
        });
    }
    collect(store, index, Some(digest), name, depth + 1, out)
}

fn parse(bytes: &[u8], d: &Descriptor) -> Result<ParsedManifest, SourceError> {
    parse_manifest(bytes, Some(d.media_type.as_str())).map_err(|source| SourceError::Manifest {
        digest: d.digest.to_string(),
        source,
    })
}

/// Reads the config of `m` and lists its layers with their diff IDs.
pub(crate) fn image_from_manifest(
    store: &dyn BlobReader,
    m: &ImageManifest,
    manifest_digest: &Digest,
    index_digest: Option<&Digest>,
    platform: Option<Platform>,
    name: Option<&str>,
) -> Result<LocalImage, SourceError> {
    let config_bytes = store.read_verified(&m.config.digest, "config")?;
    let config = parse_config(&config_bytes).map_err(|source| SourceError::Config {
        digest: m.config.digest.clone(),
        source,
    })?;
    let diff_ids = config.diff_ids();
    let layers = m
        .layers
        .iter()
        .enumerate()
        .map(|(i, l)| LayerRef {
            digest: l.digest.clone(),
            size: Some(l.size),
            media_type: Some(l.media_type.clone()),
            diff_id: diff_ids.get(i).cloned(),
        })
        .collect();
    let platform = platform.or_else(|| (!config.os.is_empty()).then(|| config.platform()));
    Ok(LocalImage {
        reference: name.map(str::to_string),
        manifest_digest: Some(manifest_digest.clone()),
        index_digest: index_digest.cloned(),
        config_digest: m.config.digest.clone(),
        config,
        platform,
        layers,
    })
}
