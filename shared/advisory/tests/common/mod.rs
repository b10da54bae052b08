//! Shared helpers for the advisory tests: where the real data is.

#![allow(dead_code)]

use std::path::PathBuf;

/// `$LAYERWATCH_SHARED`, else `<workspace root>/../shared`; panics when absent.
pub fn shared_dir() -> PathBuf {
    let dir = std::env::var_os("LAYERWATCH_SHARED")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared"));
    assert!(
        dir.join("data/README.md").is_file(),
        "shared data folder not found at {} (set LAYERWATCH_SHARED)",
        dir.display()
    );
    dir
}

/// The real advisory feeds.
pub fn advisories_dir() -> PathBuf {
    shared_dir().join("data/advisories")
}

/// Copies one file below the advisories folder into `dest` at the same relative path.
pub fn copy_feed(dest: &std::path::Path, rel: &str) {
    let to = dest.join(rel);
    std::fs::create_dir_all(to.parent().unwrap()).unwrap();
    std::fs::copy(advisories_dir().join(rel), &to).unwrap();
}
