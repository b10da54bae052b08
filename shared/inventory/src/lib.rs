//! The inventory model: what the layer reader keeps of one layer, and the merged view of an image.
//!
//! A [`LayerInventory`] is computed once per layer blob and cached by the blob's digest and the
//! analyzer version, so it holds facts only (packages found at a path, whiteouts, symlinks,
//! setuid files), never verdicts. [`merge::merge_layers`] replays the inventories in layer order
//! with the whiteout rules of the OCI image spec and gives the [`ImageInventory`] that matching
//! and reports work on.

pub mod content;
pub mod item;
pub mod layer;
pub mod merge;
pub mod os;
pub mod package;
pub mod path;
pub mod resolve;
pub mod warning;

pub use content::{CacheFile, SecretHit};
pub use item::{DbKind, Item, ItemContent};
pub use layer::{Compression, INVENTORY_SCHEMA, LayerInventory, OwnedFiles, SpecialFile, Symlink};
pub use merge::{
    ImageInventory, InstalledPackage, LayeredCacheFile, LayeredSpecialFile, merge_layers,
};
pub use os::{Os, OsRelease};
pub use package::{Ecosystem, Package};
pub use warning::Warning;

/// The version of the analyzers that produce inventories. Bump it whenever what a layer
/// inventory holds changes, so cached inventories of the old version are not reused.
/// Version 2: packages embedded in binaries and Java archives; version 3: language package
/// metadata and OS-owned language metadata files;
/// version 4: secret rule hits and package manager cache files.
pub const ANALYZER_VERSION: &str = "4";
