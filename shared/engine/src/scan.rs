//! The scan of a local target: one [`ScannedImage`] per image platform.

use std::fs::File;
use std::io::BufReader;

use layerwatch_inventory::{ImageInventory, LayerInventory, merge_layers};
use layerwatch_layer::{Limits, read_layer};
use layerwatch_oci::{
    BlobSource, DockerArchive, ImageConfig, LayerRef, LocalImage, OciLayout, Platform,
};
use layerwatch_report::{Artifact, LayerSummary};
use tracing::{debug, info, info_span};

use crate::cache::LayerCache;
use crate::error::EngineError;
use crate::rootfs;
use crate::target::Target;

/// How to scan.
#[derive(Debug, Clone, Default)]
pub struct ScanOptions {
    /// Only the image for this platform (default: every platform of an index).
    pub platform: Option<Platform>,
    /// Caps on what one layer's inventory may hold.
    pub limits: Limits,
    /// Registry client settings (credentials, plain-http hosts) for registry targets.
    pub registry: layerwatch_registry::ClientConfig,
}

/// One scanned image (one platform), ready for matching and reporting.
#[derive(Debug, Clone)]
pub struct ScannedImage {
    /// What was scanned.
    pub artifact: Artifact,
    /// Its layers, bottom first.
    pub layers: Vec<LayerSummary>,
    /// The inventory of each layer, bottom first.
    pub layer_inventories: Vec<LayerInventory>,
    /// The merged inventory.
    pub inventory: ImageInventory,
    /// The image config (absent for a root filesystem).
    pub config: Option<ImageConfig>,
    /// How many layers came from the cache instead of being read.
    pub cache_hits: usize,
}

/// Scans `target` and returns one result per image platform it holds.
pub fn scan(
    target: &Target,
    options: &ScanOptions,
    cache: &dyn LayerCache,
) -> Result<Vec<ScannedImage>, EngineError> {
    let reference = target.to_string();
    let _span = info_span!("scan", target = %reference).entered();
    match target {
        Target::DockerArchive { path, tag } => {
            let archive = DockerArchive::open(path)?;
            let images: Vec<LocalImage> = match tag {
                Some(_) => vec![archive.image(tag.as_deref())?.clone()],
                None => archive.images().to_vec(),
            };
            scan_images(&reference, &archive, images, options, cache)
        }
        Target::OciLayout { dir, tag } => {
            let layout = OciLayout::open(dir)?;
            let images = layout.images(tag.as_deref())?;
            scan_images(&reference, &layout, images, options, cache)
        }
        Target::Rootfs(path) => {
            let layer = rootfs::read(path, &options.limits)?;
            let summary = LayerSummary {
                digest: layer.digest.clone(),
                diff_id: None,
                size: layer.size,
            };
            let inventory = merge_layers(std::slice::from_ref(&layer));
            Ok(vec![ScannedImage {
                artifact: Artifact {
                    reference,
                    ..Artifact::default()
                },
                layers: vec![summary],
                layer_inventories: vec![layer],
                inventory,
                config: None,
                cache_hits: 0,
            }])
        }
        Target::Registry(image) => crate::registry::scan(image, &reference, options, cache),
    }
}

pub(crate) fn scan_images(
    reference: &str,
    source: &dyn BlobSource,
    images: Vec<LocalImage>,
    options: &ScanOptions,
    cache: &dyn LayerCache,
) -> Result<Vec<ScannedImage>, EngineError> {
    // An archive or layout without any image is not a clean image: say so instead of
    // printing an empty report.
    if images.is_empty() {
        return Err(EngineError::NoImages {
            reference: reference.to_string(),
        });
    }
    let available: Vec<String> = images
        .iter()
        .filter_map(|i| i.platform.as_ref().map(Platform::to_string))
        .collect();
    let selected: Vec<LocalImage> = match &options.platform {
        None => images,
        Some(want) => images
            .into_iter()
            .filter(|i| i.platform.as_ref().is_some_and(|p| p.matches(want)))
            .collect(),
    };
    if selected.is_empty()
        && let Some(want) = &options.platform
    {
        return Err(EngineError::NoSuchPlatform {
            reference: reference.to_string(),
            platform: want.to_string(),
            available: available.join(", "),
        });
    }
    selected
        .into_iter()
        .map(|image| scan_image(reference, source, image, options, cache))
        .collect()
}

fn scan_image(
    reference: &str,
    source: &dyn BlobSource,
    image: LocalImage,
    options: &ScanOptions,
    cache: &dyn LayerCache,
) -> Result<ScannedImage, EngineError> {
    let name = match &image.reference {
        Some(r) if !reference.ends_with(r.as_str()) => format!("{reference} ({r})"),
        _ => reference.to_string(),
    };
    let mut inventories = Vec::with_capacity(image.layers.len());
    let mut cache_hits = 0;
    for (index, layer) in image.layers.iter().enumerate() {
        if let Some(hit) = cache.get(&layer.digest) {
            debug!(layer = %layer.digest, "layer inventory from cache");
            cache_hits += 1;
            inventories.push(hit);
            continue;
        }
        // The progress line of a long scan (the CLI shows it on a terminal).
        info!(
            layer = %layer.digest,
            size = layer.size,
            "reading layer {} of {}",
            index + 1,
            image.layers.len()
        );
        let inventory = read_one(source, layer, options).map_err(|e| match e {
            ReadFailure::Source(e) => EngineError::Source(e),
            ReadFailure::Layer(source) => EngineError::Layer {
                reference: name.clone(),
                index,
                source,
            },
        })?;
        cache.put(&inventory);
        inventories.push(inventory);
    }
    let inventory = merge_layers(&inventories);
    info!(
        image = %name,
        layers = inventories.len(),
        cache_hits,
        packages = inventory.packages.len(),
        "image scanned"
    );
    let layers = image
        .layers
        .iter()
        .zip(&inventories)
        .map(|(layer, inv)| LayerSummary {
            digest: layer.digest.clone(),
            diff_id: layer.diff_id.clone(),
            size: layer.size.unwrap_or(inv.size),
        })
        .collect();
    Ok(ScannedImage {
        artifact: Artifact {
            reference: name,
            manifest_digest: image.manifest_digest.clone(),
            config_digest: Some(image.config_digest.clone()),
            index_digest: image.index_digest.clone(),
            platform: image.platform.as_ref().map(Platform::to_string),
        },
        layers,
        layer_inventories: inventories,
        inventory,
        config: Some(image.config),
        cache_hits,
    })
}

enum ReadFailure {
    Source(layerwatch_oci::SourceError),
    Layer(layerwatch_layer::LayerError),
}

fn read_one(
    source: &dyn BlobSource,
    layer: &LayerRef,
    options: &ScanOptions,
) -> Result<LayerInventory, ReadFailure> {
    let blob = source.open_layer(layer).map_err(ReadFailure::Source)?;
    read_layer(
        BufReader::with_capacity(1 << 20, blob),
        &layer.digest,
        &options.limits,
    )
    .map_err(ReadFailure::Layer)
}

/// Opens a file for reading, naming it in the error.
pub(crate) fn open(path: &std::path::Path) -> Result<File, EngineError> {
    File::open(path).map_err(|source| EngineError::Io {
        path: path.to_path_buf(),
        source,
    })
}
