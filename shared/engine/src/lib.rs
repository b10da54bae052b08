//! Runs a scan of a local target end to end: open the source, read each layer once (or take its
//! inventory from a cache), merge the layers, and hand the result to matching and reporting.
//!
//! [`Target`] parses what the user names (`docker-archive:FILE`, `oci:DIR[:TAG]`,
//! `rootfs:PATH`, `HOST[:PORT]/REPO[:TAG|@DIGEST]`); [`scan`] turns it into one
//! [`ScannedImage`] per image platform.

mod cache;
mod error;
mod filters;
mod matching;
mod registry;
mod rootfs;
pub mod sbom;
mod scan;
mod target;

pub use cache::{LayerCache, MemoryCache, NoCache};
pub use error::EngineError;
pub use filters::{
    FilterError, Filters, IgnoreRule, apply_filters, apply_filters_on, read_ignore_file,
};
pub use matching::{MatchError, match_report, os_namespace};
pub use registry::{RegistryRepository, RegistryScanError};
pub use scan::{ScanOptions, ScannedImage, scan};
pub use target::Target;
