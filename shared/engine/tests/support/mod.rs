//! Test support: locating the shared data, and writing real OCI image layouts from tar layers
//! built in the test.

#![allow(dead_code)]

use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use layerwatch_oci::Digest;
use serde_json::json;

/// The read-only shared data folder (`$LAYERWATCH_SHARED` or `<workspace>/../shared`).
pub fn shared() -> PathBuf {
    let dir = std::env::var_os("LAYERWATCH_SHARED")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared"));
    assert!(
        dir.join("data").is_dir(),
        "shared data not found at {} (set LAYERWATCH_SHARED)",
        dir.display()
    );
    dir
}

/// The bytes of `inner` inside the tar.gz at `archive` (e.g. a file of an Alpine minirootfs).
pub fn file_from_targz(archive: &Path, inner: &str) -> Vec<u8> {
    let file = std::fs::File::open(archive).expect("open archive");
    let mut tar = tar::Archive::new(flate2::read::GzDecoder::new(file));
    for entry in tar.entries().expect("entries") {
        let mut entry = entry.expect("entry");
        let path = entry
            .path()
            .expect("path")
            .to_string_lossy()
            .trim_start_matches("./")
            .to_string();
        if path == inner {
            let mut out = Vec::new();
            entry.read_to_end(&mut out).expect("read");
            return out;
        }
    }
    panic!("{inner} not in {}", archive.display());
}

/// One entry of a test layer.
pub enum Entry<'a> {
    /// A regular file.
    File(&'a str, &'a [u8]),
    /// A regular file with a mode (e.g. setuid).
    FileMode(&'a str, &'a [u8], u32),
    /// A directory.
    Dir(&'a str),
    /// A symlink and its target.
    Link(&'a str, &'a str),
    /// A hard link to an earlier entry of the same layer.
    Hard(&'a str, &'a str),
}

/// A plain tar of `entries`.
pub fn tar_of(entries: &[Entry<'_>]) -> Vec<u8> {
    let mut builder = tar::Builder::new(Vec::new());
    for entry in entries {
        let mut header = tar::Header::new_gnu();
        header.set_mtime(1_700_000_000);
        header.set_uid(0);
        header.set_gid(0);
        match entry {
            Entry::File(path, data) | Entry::FileMode(path, data, _) => {
                let mode = match entry {
                    Entry::FileMode(_, _, mode) => *mode,
                    _ => 0o644,
                };
                header.set_entry_type(tar::EntryType::Regular);
                header.set_mode(mode);
                header.set_size(data.len() as u64);
                builder.append_data(&mut header, path, *data).expect("file");
            }
            Entry::Dir(path) => {
                header.set_entry_type(tar::EntryType::Directory);
                header.set_mode(0o755);
                header.set_size(0);
                builder
                    .append_data(&mut header, path, &[][..])
                    .expect("dir");
            }
            Entry::Link(path, target) => {
                header.set_entry_type(tar::EntryType::Symlink);
                header.set_mode(0o777);
                header.set_size(0);
                builder
                    .append_link(&mut header, path, target)
                    .expect("symlink");
            }
            Entry::Hard(path, target) => {
                header.set_entry_type(tar::EntryType::Link);
                header.set_mode(0o644);
                header.set_size(0);
                builder
                    .append_link(&mut header, path, target)
                    .expect("hard link");
            }
        }
    }
    builder.into_inner().expect("finish tar")
}

/// How a layer blob is stored.
#[derive(Clone, Copy)]
pub enum Compress {
    /// gzip.
    Gzip,
    /// zstd.
    Zstd,
    /// A plain tar.
    None,
}

fn compress(tar: &[u8], how: Compress) -> Vec<u8> {
    match how {
        Compress::None => tar.to_vec(),
        Compress::Gzip => {
            let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
            enc.write_all(tar).expect("gzip");
            enc.finish().expect("gzip")
        }
        Compress::Zstd => zstd::encode_all(tar, 3).expect("zstd"),
    }
}

/// Writes an OCI image layout at `dir` with one image of `layers` (bottom first) for
/// `platform` (`os/arch`) and returns the layer blob digests.
pub fn write_layout(
    dir: &Path,
    layers: &[(Vec<u8>, Compress)],
    platform: (&str, &str),
) -> Vec<Digest> {
    let (manifest, digests) = write_image(dir, layers, platform);
    let index = json!({"schemaVersion": 2, "manifests": [manifest]});
    std::fs::write(dir.join("index.json"), index.to_string()).expect("index.json");
    digests
}

/// Writes the blobs of one image and returns its manifest descriptor and layer digests.
pub fn write_image(
    dir: &Path,
    layers: &[(Vec<u8>, Compress)],
    platform: (&str, &str),
) -> (serde_json::Value, Vec<Digest>) {
    let blobs = dir.join("blobs/sha256");
    std::fs::create_dir_all(&blobs).expect("blobs dir");
    std::fs::write(dir.join("oci-layout"), r#"{"imageLayoutVersion":"1.0.0"}"#)
        .expect("oci-layout");
    let put = |bytes: &[u8]| {
        let digest = Digest::sha256_of(bytes);
        std::fs::write(blobs.join(digest.hex()), bytes).expect("blob");
        digest
    };
    let mut descriptors = Vec::new();
    let mut diff_ids = Vec::new();
    let mut digests = Vec::new();
    for (tar, how) in layers {
        let blob = compress(tar, *how);
        let digest = put(&blob);
        let media_type = match how {
            Compress::Gzip => "application/vnd.oci.image.layer.v1.tar+gzip",
            Compress::Zstd => "application/vnd.oci.image.layer.v1.tar+zstd",
            Compress::None => "application/vnd.oci.image.layer.v1.tar",
        };
        descriptors.push(
            json!({"mediaType": media_type, "digest": digest.to_string(), "size": blob.len()}),
        );
        diff_ids.push(Digest::sha256_of(tar).to_string());
        digests.push(digest);
    }
    let config = json!({
        "architecture": platform.1, "os": platform.0,
        "config": {"Cmd": ["/bin/sh"]},
        "rootfs": {"type": "layers", "diff_ids": diff_ids},
        "history": layers.iter().map(|_| json!({"created_by": "test"})).collect::<Vec<_>>(),
    })
    .to_string();
    let config_digest = put(config.as_bytes());
    let manifest = json!({
        "schemaVersion": 2,
        "mediaType": "application/vnd.oci.image.manifest.v1+json",
        "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "digest": config_digest.to_string(), "size": config.len()},
        "layers": descriptors,
    })
    .to_string();
    let manifest_digest = put(manifest.as_bytes());
    let descriptor = json!({
        "mediaType": "application/vnd.oci.image.manifest.v1+json",
        "digest": manifest_digest.to_string(),
        "size": manifest.len(),
        "platform": {"os": platform.0, "architecture": platform.1},
    });
    (descriptor, digests)
}
