//! Merging layer inventories into the inventory of an image.

use layerwatch_oci::Digest;
use serde::{Deserialize, Serialize};

use crate::layer::{LayerInventory, SpecialFile};
use crate::os::Os;
use crate::package::Package;
use crate::warning::Warning;

/// A package present in the final image, attributed to the layer that brought it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InstalledPackage {
    /// The package.
    pub package: Package,
    /// Digest of the layer where this name and version first appeared.
    pub layer: Digest,
    /// The database path it was read from, as seen in the final image.
    pub path: String,
}

/// The merged view of an image.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ImageInventory {
    /// Resolved OS, if any identity file survived.
    pub os: Option<Os>,
    /// Packages in the final filesystem.
    pub packages: Vec<InstalledPackage>,
    /// setuid/setgid files in the final filesystem, with their layer.
    pub special_files: Vec<(SpecialFile, Digest)>,
    /// All layer warnings, plus the merge's own.
    pub warnings: Vec<Warning>,
}

/// Replays `layers` (bottom first) and returns what the final image holds.
pub fn merge_layers(layers: &[LayerInventory]) -> ImageInventory {
    let _ = layers;
    unimplemented!("merge is being written")
}
