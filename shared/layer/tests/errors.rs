//! The layer reader's errors: each names the layer and tells what went wrong.

mod common;

use common::{Layer, digest_of, gzip, read, sample_tar, zstd};
use layerwatch_inventory::Compression;
use layerwatch_layer::{LayerError, Limits, read_layer, read_layer_unverified};

#[test]
fn a_wrong_digest_is_an_error_naming_the_layer() {
    let (tar, _) = sample_tar();
    let blob = gzip(&tar);
    let wrong = digest_of(b"some other blob");
    let err = read_layer(&blob[..], &wrong, &Limits::default()).expect_err("digest differs");
    match &err {
        LayerError::DigestMismatch { layer, actual } => {
            assert_eq!(layer, &wrong);
            assert_eq!(actual, &digest_of(&blob));
        }
        other => panic!("expected a digest mismatch, got {other:?}"),
    }
    assert!(err.to_string().contains(&wrong.to_string()));
}

#[test]
fn bytes_after_the_tar_end_are_hashed_too() {
    let (tar, _) = sample_tar();
    let mut blob = tar.clone();
    blob.extend_from_slice(&[0; 10240]);
    let inv = read(&blob).expect("padding after the end");
    assert_eq!(inv.size, blob.len() as u64);
    // The digest of the tar alone must not pass for the padded blob.
    let err = read_layer(&blob[..], &digest_of(&tar), &Limits::default()).expect_err("padded");
    assert!(matches!(err, LayerError::DigestMismatch { .. }));
}

#[test]
fn truncated_gzip_is_a_clear_error() {
    let (tar, _) = sample_tar();
    let blob = gzip(&tar);
    let cut = &blob[..blob.len() / 2];
    let err = read(cut).expect_err("truncated gzip");
    assert!(
        matches!(
            err,
            LayerError::Decompress { .. } | LayerError::BadTar { .. }
        ),
        "got {err:?}"
    );
    assert!(err.to_string().contains(&digest_of(cut).to_string()));
    // Against the digest of the whole blob, the cut blob is simply not the one asked for.
    let err = read_layer(cut, &digest_of(&blob), &Limits::default()).expect_err("truncated");
    assert!(
        matches!(err, LayerError::DigestMismatch { .. }),
        "got {err:?}"
    );
}

#[test]
fn corrupt_gzip_is_a_decompress_error() {
    let (tar, _) = sample_tar();
    let mut blob = gzip(&tar);
    let middle = blob.len() / 2;
    for b in &mut blob[middle..middle + 64] {
        *b ^= 0x5a;
    }
    let err = read(&blob).expect_err("corrupt gzip");
    assert!(
        matches!(
            err,
            LayerError::Decompress {
                compression: Compression::Gzip,
                ..
            } | LayerError::BadTar { .. }
        ),
        "got {err:?}"
    );
}

#[test]
fn garbage_is_not_a_tar() {
    let text = b"this is a text file and not a tar archive at all\n".repeat(40);
    for blob in [
        text.clone(),
        gzip(&text),
        zstd(&text),
        b"short".to_vec(),
        Vec::new(),
    ] {
        let err = read(&blob).expect_err("not a tar");
        assert!(matches!(err, LayerError::NotATar { .. }), "got {err:?}");
        let words = ["gzip blob", "zstd blob", "uncompressed blob"];
        assert!(words.iter().any(|w| err.to_string().contains(w)), "{err}");
        assert!(err.to_string().contains(&digest_of(&blob).to_string()));
    }
}

#[test]
fn extension_headers_are_bounded() {
    let mut l = Layer::new();
    l.file("etc/hostname", b"box\n")
        .pax_file_with_comment("usr/bin/tool", 0o755, b"x", 100 << 10);
    let tar = l.finish();
    // Within the default limit the layer reads, and the PAX path is applied.
    let inv = read(&tar).expect("a 100 KiB PAX header is fine by default");
    assert_eq!(inv.entries, 2);
    let limits = Limits {
        max_extension_bytes: 64 << 10,
        ..Limits::default()
    };
    let err = read_layer(&tar[..], &digest_of(&tar), &limits).expect_err("over the limit");
    match &err {
        LayerError::BadTar { index: 1, .. } => {}
        other => panic!("expected a bad tar at entry #1, got {other:?}"),
    }
    assert!(err.to_string().contains("extension header"), "{err}");
}

#[test]
fn unverified_errors_name_the_digest_of_the_blob() {
    let garbage = b"not a tar, not compressed either\n".repeat(30);
    let err = read_layer_unverified(&garbage[..], &Limits::default()).expect_err("garbage");
    match &err {
        LayerError::NotATar { layer, .. } => assert_eq!(layer, &digest_of(&garbage)),
        other => panic!("expected not-a-tar, got {other:?}"),
    }
}
