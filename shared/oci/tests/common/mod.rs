//! Test helpers: where the shared real-world data lives, and small tar builders.

#![allow(dead_code)]

use std::io::Read;
use std::path::PathBuf;

use layerwatch_oci::{BlobSource, Digest, LayerRef};

/// The shared data folder: `$LAYERWATCH_SHARED/data`, else `<workspace>/../shared/data`.
pub fn data_dir() -> PathBuf {
    let shared = match std::env::var_os("LAYERWATCH_SHARED") {
        Some(dir) => PathBuf::from(dir),
        None => PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared"),
    };
    let data = shared.join("data");
    assert!(
        data.join("README.md").is_file(),
        "shared test data not found at {} (set LAYERWATCH_SHARED)",
        data.display()
    );
    data
}

/// A path under `data/images/`.
pub fn image_data(rel: &str) -> PathBuf {
    data_dir().join("images").join(rel)
}

/// Streams a layer fully and returns (sha256 of the bytes, byte count).
pub fn stream(source: &dyn BlobSource, layer: &LayerRef) -> (Digest, u64) {
    let mut reader = source.open_layer(layer).expect("layer opens");
    let mut bytes = Vec::new();
    reader
        .read_to_end(&mut bytes)
        .expect("layer streams and verifies");
    (Digest::sha256_of(&bytes), bytes.len() as u64)
}

/// Builds an uncompressed tar from (path, bytes) files and (path, target) symlinks.
pub fn build_tar(files: &[(&str, Vec<u8>)], links: &[(&str, &str)]) -> Vec<u8> {
    let mut builder = tar::Builder::new(Vec::new());
    for (path, bytes) in files {
        let mut header = tar::Header::new_gnu();
        header.set_size(bytes.len() as u64);
        header.set_mode(0o644);
        header.set_entry_type(tar::EntryType::Regular);
        builder
            .append_data(&mut header, path, bytes.as_slice())
            .expect("append file");
    }
    for (path, target) in links {
        let mut header = tar::Header::new_gnu();
        header.set_size(0);
        header.set_entry_type(tar::EntryType::Symlink);
        builder
            .append_link(&mut header, path, target)
            .expect("append symlink");
    }
    builder.into_inner().expect("finish tar")
}
