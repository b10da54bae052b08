//! Caps that keep the memory of reading one layer bounded whatever the layer holds.

use layerwatch_binpkg::{ArchiveLimits, ExecLimits};

/// Caps on what one layer's inventory may hold. Reaching a cap adds one `cap-reached` warning
/// and stops that list from growing; the layer is still read to its end.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Limits {
    /// Kept (classified) files.
    pub max_items: usize,
    /// Bytes of kept files buffered over the whole layer.
    pub max_kept_bytes: u64,
    /// Symbolic links recorded.
    pub max_symlinks: usize,
    /// Whiteouts recorded.
    pub max_whiteouts: usize,
    /// Opaque directories recorded.
    pub max_opaque_dirs: usize,
    /// Shadowing entries recorded.
    pub max_shadows: usize,
    /// setuid and setgid files recorded.
    pub max_special_files: usize,
    /// Warnings recorded (the one saying this cap was reached comes on top).
    pub max_warnings: usize,
    /// Longest path or link target (bytes) recorded; longer ones are skipped with a warning.
    pub max_path_bytes: usize,
    /// Bytes of paths and link targets recorded over all lists together, so that many long
    /// paths cannot add up past the memory budget either.
    pub max_recorded_bytes: usize,
    /// Largest PAX or GNU long-name extension entry: the tar walker buffers them whole, so a
    /// larger one ends the layer with an error rather than exhausting memory.
    pub max_extension_bytes: u64,
    /// What the executable scanners keep (Go build info, cargo-auditable JSON).
    pub executables: ExecLimits,
    /// Java archives: the largest buffered (a larger one is a warning), nesting, member caps.
    pub archives: ArchiveLimits,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_items: 10_000,
            max_kept_bytes: 512 << 20,
            max_symlinks: 200_000,
            max_whiteouts: 100_000,
            max_opaque_dirs: 100_000,
            max_shadows: 10_000,
            max_special_files: 10_000,
            max_warnings: 1_000,
            max_path_bytes: 4_096,
            max_recorded_bytes: 64 << 20,
            max_extension_bytes: 1 << 20,
            executables: ExecLimits::default(),
            archives: ArchiveLimits::default(),
        }
    }
}
