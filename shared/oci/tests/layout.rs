//! The OCI layout reader against the real `hello-world.oci` layout (expected digests are the
//! blob file names, which the data README says equal their sha256, and `gunzip | sha256sum`
//! of the layer for the diff ID), plus layouts built in a temp dir for nested indexes, tags
//! and tampering.

mod common;

use std::fs;
use std::io::Read;
use std::path::Path;

use layerwatch_oci::{BlobSource, Digest, MediaType, OciLayout, SourceError};

const MANIFEST: &str = "sha256:afb744871f99e0ff8e6f253244836ed34c5d805fdb096d3a205ffaf5e9073cab";
const CONFIG: &str = "sha256:b23a8f6569ae9ae331226205fa72f480ce5310707d0bc97e611f83fbbbde4604";
const LAYER: &str = "sha256:cdd16bd695eda2819e7637648f573c2ca64896c4f7bff9732ac9db734ca3bc2c";
/// `zcat blobs/sha256/cdd16bd6... | sha256sum`
const LAYER_DIFF_ID: &str =
    "sha256:9c27e219663c25e0f28493790cc0b88bc973ba3b1686355f221c38a36978ac63";

fn hello_world() -> std::path::PathBuf {
    common::image_data("oci-layout/hello-world.oci")
}

fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).expect("create dir");
    for entry in fs::read_dir(from).expect("read dir") {
        let entry = entry.expect("dir entry");
        let target = to.join(entry.file_name());
        if entry.file_type().expect("file type").is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            fs::copy(entry.path(), &target).expect("copy file");
            let mut perms = fs::metadata(&target).expect("metadata").permissions();
            #[allow(clippy::permissions_set_readonly_false)]
            perms.set_readonly(false);
            fs::set_permissions(&target, perms).expect("make writable");
        }
    }
}

#[test]
fn hello_world_has_one_image_with_the_layers_on_disk() {
    let layout = OciLayout::open(hello_world()).expect("layout opens");
    let images = layout.images(None).expect("images resolve");
    assert_eq!(images.len(), 1);
    let image = &images[0];
    assert_eq!(
        image
            .manifest_digest
            .as_ref()
            .map(Digest::to_string)
            .as_deref(),
        Some(MANIFEST)
    );
    assert_eq!(image.index_digest, None, "index.json is not a blob");
    assert_eq!(image.config_digest.to_string(), CONFIG);
    assert_eq!(image.reference, None);
    assert_eq!(
        image.platform.as_ref().map(ToString::to_string).as_deref(),
        Some("linux/amd64")
    );
    assert_eq!(image.config.config.cmd, vec!["/hello".to_string()]);

    // Every blob file that is neither the manifest nor the config is a layer, and vice versa.
    let mut on_disk: Vec<String> = fs::read_dir(hello_world().join("blobs/sha256"))
        .expect("blobs dir")
        .map(|e| format!("sha256:{}", e.expect("entry").file_name().to_string_lossy()))
        .filter(|d| d != MANIFEST && d != CONFIG)
        .collect();
    on_disk.sort();
    let listed: Vec<String> = image.layers.iter().map(|l| l.digest.to_string()).collect();
    assert_eq!(listed, on_disk);
    assert_eq!(listed, vec![LAYER.to_string()]);

    let layer = &image.layers[0];
    assert_eq!(layer.media_type, Some(MediaType::OciLayerGzip));
    assert_eq!(layer.size, Some(2610));
    assert_eq!(
        layer.diff_id.as_ref().map(Digest::to_string).as_deref(),
        Some(LAYER_DIFF_ID)
    );
    let (digest, size) = common::stream(&layout, layer);
    assert_eq!(digest.to_string(), LAYER);
    assert_eq!(size, 2610);

    let mut gz = flate2::read::GzDecoder::new(layout.open_layer(layer).expect("opens"));
    let mut tar = Vec::new();
    gz.read_to_end(&mut tar).expect("gunzip");
    assert_eq!(Digest::sha256_of(&tar).to_string(), LAYER_DIFF_ID);
}

#[test]
fn unknown_tag_names_what_is_there() {
    let layout = OciLayout::open(hello_world()).expect("layout opens");
    let err = layout
        .images(Some("latest"))
        .expect_err("no ref.name in index.json");
    assert!(matches!(err, SourceError::NoSuchTag { .. }), "{err}");
    assert!(err.to_string().contains("no image named `latest`"), "{err}");
}

#[test]
fn tampered_config_is_a_digest_error_naming_the_blob() {
    let dir = tempfile::tempdir().expect("temp dir");
    let root = dir.path().join("hello.oci");
    copy_dir(&hello_world(), &root);
    let config_path = root.join("blobs/sha256").join(&CONFIG[7..]);
    let mut bytes = fs::read(&config_path).expect("config");
    bytes[10] ^= 0x01;
    fs::write(&config_path, &bytes).expect("write config");

    let layout = OciLayout::open(&root).expect("index.json is intact");
    let err = layout
        .images(None)
        .expect_err("config no longer matches its digest");
    match &err {
        SourceError::DigestMismatch { what, expected, .. } => {
            assert_eq!(*what, "config");
            assert_eq!(expected.to_string(), CONFIG);
        }
        other => panic!("expected a digest mismatch, got {other}"),
    }
    let text = err.to_string();
    assert!(text.contains(CONFIG), "{text}");
    assert!(text.contains(&config_path.display().to_string()), "{text}");
}

#[test]
fn tampered_layer_fails_while_streaming() {
    let dir = tempfile::tempdir().expect("temp dir");
    let root = dir.path().join("hello.oci");
    copy_dir(&hello_world(), &root);
    let layer_path = root.join("blobs/sha256").join(&LAYER[7..]);
    let mut bytes = fs::read(&layer_path).expect("layer");
    let last = bytes.len() - 1;
    bytes[last] ^= 0xff;
    fs::write(&layer_path, &bytes).expect("write layer");

    let layout = OciLayout::open(&root).expect("opens");
    let images = layout.images(None).expect("manifest and config are intact");
    let mut reader = layout.open_layer(&images[0].layers[0]).expect("file opens");
    let err = reader
        .read_to_end(&mut Vec::new())
        .expect_err("digest mismatch at end of stream");
    assert_eq!(err.kind(), std::io::ErrorKind::InvalidData);
    assert!(err.to_string().contains(LAYER), "{err}");
}

/// A layout whose index.json names a nested index (tag `v1`) holding the hello-world image
/// for linux/amd64, an attestation manifest and an unknown/unknown entry, plus a second tag.
fn nested_layout(root: &Path) -> Digest {
    copy_dir(&hello_world(), root);
    let nested = format!(
        r#"{{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[
          {{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"{MANIFEST}","size":345,
            "platform":{{"architecture":"amd64","os":"linux"}}}},
          {{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"{MANIFEST}","size":345,
            "platform":{{"architecture":"unknown","os":"unknown"}},
            "annotations":{{"vnd.docker.reference.type":"attestation-manifest"}}}},
          {{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"{MANIFEST}","size":345,
            "platform":{{"architecture":"unknown","os":"unknown"}}}}]}}"#
    );
    let nested_digest = Digest::sha256_of(nested.as_bytes());
    fs::write(root.join("blobs/sha256").join(nested_digest.hex()), &nested).expect("write index");
    let top = format!(
        r#"{{"schemaVersion":2,"manifests":[
          {{"mediaType":"application/vnd.oci.image.index.v1+json","digest":"{nested_digest}","size":{},
            "annotations":{{"org.opencontainers.image.ref.name":"v1"}}}},
          {{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"{MANIFEST}","size":345,
            "annotations":{{"org.opencontainers.image.ref.name":"docker.io/library/hello-world:v2"}}}}]}}"#,
        nested.len()
    );
    fs::write(root.join("index.json"), top).expect("write index.json");
    nested_digest
}

#[test]
fn nested_index_is_followed_and_attestations_skipped() {
    let dir = tempfile::tempdir().expect("temp dir");
    let root = dir.path().join("nested.oci");
    let nested_digest = nested_layout(&root);
    let layout = OciLayout::open(&root).expect("opens");

    let v1 = layout.images(Some("v1")).expect("v1 resolves");
    assert_eq!(
        v1.len(),
        1,
        "attestation and unknown/unknown entries are skipped"
    );
    assert_eq!(v1[0].reference.as_deref(), Some("v1"));
    assert_eq!(v1[0].index_digest.as_ref(), Some(&nested_digest));
    assert_eq!(
        v1[0]
            .manifest_digest
            .as_ref()
            .map(Digest::to_string)
            .as_deref(),
        Some(MANIFEST)
    );
    assert_eq!(
        v1[0].platform.as_ref().map(ToString::to_string).as_deref(),
        Some("linux/amd64")
    );

    // A full reference in ref.name is found by its tag, too.
    let v2 = layout.images(Some("v2")).expect("v2 resolves");
    assert_eq!(v2.len(), 1);
    assert_eq!(v2[0].index_digest, None);

    let err = layout.images(None).expect_err("two names and no tag");
    assert!(matches!(err, SourceError::Ambiguous { .. }), "{err}");
    assert!(err.to_string().contains("v1"), "{err}");
}

#[test]
fn missing_marker_file_is_refused() {
    let dir = tempfile::tempdir().expect("temp dir");
    let err = OciLayout::open(dir.path()).expect_err("not a layout");
    assert!(err.to_string().contains("oci-layout"), "{err}");
}
