//! A `docker save` archive: plain tar or gzip-compressed (told apart by the gzip magic).
//!
//! Two layouts exist inside the tar. The classic one has `manifest.json`
//! (`[{"Config": ..., "RepoTags": [...], "Layers": [...]}]`), a config JSON and one
//! `<id>/layer.tar` per layer. Docker 25+ also embeds an OCI layout (`oci-layout`,
//! `index.json`, `blobs/sha256/...`) and points `manifest.json` into `blobs/`. When
//! `manifest.json` is present it is used, and the embedded index (if any) supplies the
//! manifest and index digests; an archive with only the OCI layout is read like an
//! [`crate::layout::OciLayout`]. An archive with neither (an empty tar) holds no images.
//!
//! `manifest.json` is often the last entry, so [`DockerArchive::open`] reads the archive once:
//! every entry is hashed as it streams past (a layer is named by the sha256 of its bytes as
//! stored), small JSON entries are kept, and layer contents are not kept. Each layer is then
//! streamed again on demand by [`crate::source::BlobSource::open_layer`], without touching the disk: a plain
//! tar is opened and seeked to the layer's data; a gzip archive is decompressed again from
//! the start up to the layer (a re-walk, so reading every layer of a compressed archive costs
//! one decompression per layer).

mod scan;
mod stream;

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use tracing::debug;

use crate::config::parse_config;
use crate::digest::Digest;
use crate::media_type::{Compression, MediaType};
use crate::reference::ImageRef;
use crate::resolve::images_from_entries;
use crate::source::{LayerRef, LocalImage, SourceError};
use scan::{EntryInfo, Scan, is_gzip, normalize, scan};

const KIND: &str = "docker archive";
const MAX_LINK_HOPS: usize = 16;

/// One element of `manifest.json`.
#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct SaveEntry {
    config: String,
    #[serde(default)]
    repo_tags: Option<Vec<String>>,
    #[serde(default)]
    layers: Vec<String>,
}

/// An opened `docker save` archive and the images it holds.
#[derive(Debug)]
pub struct DockerArchive {
    path: PathBuf,
    gzip: bool,
    scan: Scan,
    images: Vec<LocalImage>,
    tags: Vec<Vec<String>>,
    layer_entries: HashMap<Digest, String>,
}

impl DockerArchive {
    /// Reads the archive's metadata in one pass (see the module docs).
    pub fn open(path: impl AsRef<Path>) -> Result<DockerArchive, SourceError> {
        let path = path.as_ref().to_path_buf();
        let gzip = is_gzip(&path)?;
        let scan = scan(&path, gzip)?;
        let mut archive = DockerArchive {
            path,
            gzip,
            scan,
            images: Vec::new(),
            tags: Vec::new(),
            layer_entries: HashMap::new(),
        };
        if archive.scan.entries.contains_key("manifest.json") {
            archive.load_save_manifest()?;
        } else if archive.scan.entries.contains_key("index.json") {
            archive.load_oci_index()?;
        } else {
            debug!(archive = %archive.path.display(), "no manifest.json or index.json: no images");
        }
        Ok(archive)
    }

    /// The archive file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// True when the archive is gzip-compressed.
    pub fn is_compressed(&self) -> bool {
        self.gzip
    }

    /// Every image in the archive, in `manifest.json` order.
    pub fn images(&self) -> &[LocalImage] {
        &self.images
    }

    /// The image tagged `tag` (as in `RepoTags`, short or fully qualified, no tag meaning
    /// `latest`), or the only image when `tag` is `None`.
    pub fn image(&self, tag: Option<&str>) -> Result<&LocalImage, SourceError> {
        let available = || {
            let all: Vec<&str> = self.tags.iter().flatten().map(String::as_str).collect();
            if all.is_empty() {
                "no tagged images".to_string()
            } else {
                all.join(", ")
            }
        };
        match (tag, self.images.as_slice()) {
            (None, [only]) => Ok(only),
            (None, _) => Err(SourceError::Ambiguous {
                location: self.location(),
                available: format!("{} images: {}", self.images.len(), available()),
            }),
            (Some(t), _) => {
                let wanted = t.parse::<ImageRef>().ok();
                let hit = self.tags.iter().position(|tags| {
                    tags.iter().any(|have| {
                        let have_ref = have.parse::<ImageRef>().ok();
                        have == t || same_tag(have_ref.as_ref(), wanted.as_ref())
                    })
                });
                hit.map(|i| &self.images[i])
                    .ok_or_else(|| SourceError::NoSuchTag {
                        location: self.location(),
                        tag: t.to_string(),
                        available: available(),
                    })
            }
        }
    }

    /// Follows symlinks and hard links to the regular entry `name` stands for.
    fn resolve(&self, name: &str) -> Option<(String, &EntryInfo)> {
        let mut current = normalize(name);
        for _ in 0..MAX_LINK_HOPS {
            if let Some(info) = self.scan.entries.get(&current) {
                return Some((current, info));
            }
            current = self.scan.links.get(&current)?.clone();
        }
        None
    }

    fn entry(&self, name: &str) -> Result<(String, &EntryInfo), SourceError> {
        self.resolve(name).ok_or_else(|| SourceError::MissingEntry {
            archive: self.path.clone(),
            entry: name.to_string(),
        })
    }

    fn json_of<'a>(&self, name: &str, info: &'a EntryInfo) -> Result<&'a [u8], SourceError> {
        info.data.as_deref().ok_or_else(|| SourceError::Invalid {
            path: self.path.clone(),
            kind: KIND,
            reason: format!("entry `{name}` is not a json document of reasonable size"),
        })
    }

    fn load_save_manifest(&mut self) -> Result<(), SourceError> {
        let (_, info) = self.entry("manifest.json")?;
        let bytes = self.json_of("manifest.json", info)?;
        let saved: Vec<SaveEntry> =
            serde_json::from_slice(bytes).map_err(|e| SourceError::Json {
                file: format!("{}:manifest.json", self.path.display()),
                reason: e.to_string(),
            })?;
        let oci = self.embedded_oci_images();
        for entry in saved {
            let (image, layer_entries) = self.image_from_save_entry(&entry, &oci)?;
            self.layer_entries.extend(layer_entries);
            self.tags.push(entry.repo_tags.unwrap_or_default());
            self.images.push(image);
        }
        Ok(())
    }

    /// The image one `manifest.json` element describes, and where each of its layers is.
    fn image_from_save_entry(
        &self,
        entry: &SaveEntry,
        oci: &[LocalImage],
    ) -> Result<(LocalImage, Vec<(Digest, String)>), SourceError> {
        let (config_name, config_info) = self.entry(&entry.config)?;
        let config_digest = config_info.digest.clone();
        self.check_named_digest(&config_name, &config_digest, "config")?;
        let config = parse_config(self.json_of(&config_name, config_info)?).map_err(|source| {
            SourceError::Config {
                digest: config_digest.clone(),
                source,
            }
        })?;
        let twin = oci.iter().find(|i| i.config_digest == config_digest);
        let mut layers = Vec::new();
        let mut where_stored = Vec::new();
        for (i, layer_name) in entry.layers.iter().enumerate() {
            let (name, info) = self.entry(layer_name)?;
            let digest = info.digest.clone();
            self.check_named_digest(&name, &digest, "layer")?;
            let stored_type = twin
                .and_then(|t| t.layers.iter().find(|l| l.digest == digest))
                .and_then(|l| l.media_type.clone());
            layers.push(LayerRef {
                size: Some(info.size),
                media_type: Some(stored_type.unwrap_or_else(|| sniffed_type(info.compression))),
                diff_id: config.diff_ids().get(i).cloned(),
                digest: digest.clone(),
            });
            where_stored.push((digest, name));
        }
        let platform = (!config.os.is_empty()).then(|| config.platform());
        let image = LocalImage {
            reference: entry.repo_tags.as_ref().and_then(|t| t.first().cloned()),
            manifest_digest: twin.and_then(|t| t.manifest_digest.clone()),
            index_digest: twin.and_then(|t| t.index_digest.clone()),
            config_digest,
            config,
            platform,
            layers,
        };
        Ok((image, where_stored))
    }

    /// Images of the embedded OCI layout, used only to learn manifest digests; a broken
    /// embedded layout is logged and ignored since `manifest.json` is authoritative.
    fn embedded_oci_images(&self) -> Vec<LocalImage> {
        let Some(index) = self.embedded_index() else {
            return Vec::new();
        };
        let top: Vec<_> = index.manifests.iter().collect();
        images_from_entries(self, &top).unwrap_or_else(|e| {
            debug!(archive = %self.path.display(), error = %e, "embedded oci layout ignored");
            Vec::new()
        })
    }

    fn embedded_index(&self) -> Option<crate::manifest::ImageIndex> {
        let data = self.scan.entries.get("index.json")?.data.as_deref()?;
        serde_json::from_slice(data).ok()
    }

    fn load_oci_index(&mut self) -> Result<(), SourceError> {
        let (_, info) = self.entry("index.json")?;
        let index: crate::manifest::ImageIndex =
            serde_json::from_slice(self.json_of("index.json", info)?).map_err(|e| {
                SourceError::Json {
                    file: format!("{}:index.json", self.path.display()),
                    reason: e.to_string(),
                }
            })?;
        let top: Vec<_> = index.manifests.iter().collect();
        let images = images_from_entries(self, &top)?;
        for image in &images {
            for layer in &image.layers {
                let name = blob_name(&layer.digest);
                self.layer_entries.insert(layer.digest.clone(), name);
            }
            self.tags.push(image.reference.iter().cloned().collect());
        }
        self.images = images;
        Ok(())
    }

    /// Entries named after their digest (`<hex>.json`, `blobs/sha256/<hex>`) must match it.
    fn check_named_digest(
        &self,
        name: &str,
        actual: &Digest,
        what: &'static str,
    ) -> Result<(), SourceError> {
        let file = name.rsplit('/').next().unwrap_or(name);
        let hex = file.strip_suffix(".json").unwrap_or(file);
        let named_by_digest = name.starts_with("blobs/sha256/") || file.ends_with(".json");
        match format!("sha256:{hex}").parse::<Digest>() {
            Ok(expected) if named_by_digest && expected != *actual => {
                Err(SourceError::DigestMismatch {
                    what,
                    expected,
                    actual: actual.clone(),
                    location: format!("{}:{name}", self.path.display()),
                })
            }
            _ => Ok(()),
        }
    }

    fn location(&self) -> String {
        self.path.display().to_string()
    }
}

/// Same registry, repository and tag, a missing tag meaning `latest` as in `docker run`.
fn same_tag(a: Option<&ImageRef>, b: Option<&ImageRef>) -> bool {
    match (a, b) {
        (Some(a), Some(b)) => {
            a.registry() == b.registry()
                && a.repository() == b.repository()
                && a.tag().unwrap_or("latest") == b.tag().unwrap_or("latest")
        }
        _ => false,
    }
}

fn blob_name(d: &Digest) -> String {
    format!("blobs/{}/{}", d.algorithm().as_str(), d.hex())
}

fn sniffed_type(c: Compression) -> MediaType {
    match c {
        Compression::None => MediaType::DockerLayerTar,
        Compression::Gzip => MediaType::DockerLayerGzip,
        Compression::Zstd => MediaType::OciLayerZstd,
    }
}
