//! The `docker save` reader against the real archives in the shared data: image IDs and diff
//! IDs from the data README (which took them from Trivy's fixtures), layer counts from each
//! archive's own `manifest.json`, and archives built in a temp dir for the Docker 25+ format
//! (embedded OCI layout), symlinked layers and tampering.

mod common;

use std::fs;

use layerwatch_oci::{Digest, DockerArchive, MediaType, SourceError};

struct Alpine {
    file: &'static str,
    tag: &'static str,
    image_id: &'static str,
    diff_id: &'static str,
    layer_size: u64,
}

const ALPINE: [Alpine; 2] = [
    Alpine {
        file: "docker-archive/alpine-310.tar.gz",
        tag: "alpine:3.10",
        image_id: "sha256:af341ccd2df8b0e2d67cf8dd32e087bfda4e5756ebd1c76bbf3efa0dc246590e",
        diff_id: "sha256:531743b7098cb2aaf615641007a129173f63ed86ca32fe7b5a246a1c47286028",
        layer_size: 5818880,
    },
    Alpine {
        file: "docker-archive/alpine-311.tar.gz",
        tag: "alpine:3.11",
        image_id: "sha256:a187dde48cd289ac374ad8539930628314bc581a481cdb41409c9289419ddb72",
        diff_id: "sha256:beee9f30bc1f711043e78d4a2be0668955d4b761d587d6f60c2c8dc081efb203",
        layer_size: 5861888,
    },
];

#[test]
fn alpine_archives_match_their_image_and_diff_ids() {
    for a in ALPINE {
        let archive = DockerArchive::open(common::image_data(a.file)).expect("archive opens");
        assert!(archive.is_compressed(), "{}", a.file);
        let image = archive.image(None).expect("one image");
        assert_eq!(image.config_digest.to_string(), a.image_id, "{}", a.file);
        assert_eq!(image.reference.as_deref(), Some(a.tag));
        assert_eq!(image.manifest_digest, None);
        assert_eq!(
            image.platform.as_ref().map(ToString::to_string).as_deref(),
            Some("linux/amd64")
        );
        assert_eq!(image.layers.len(), 1);
        let layer = &image.layers[0];
        assert_eq!(
            layer.diff_id.as_ref().map(Digest::to_string).as_deref(),
            Some(a.diff_id)
        );
        assert_eq!(layer.media_type, Some(MediaType::DockerLayerTar));
        assert_eq!(layer.size, Some(a.layer_size));
        let (streamed, size) = common::stream(&archive, layer);
        assert_eq!(streamed.to_string(), a.diff_id, "{}", a.file);
        assert_eq!(size, a.layer_size);
        assert_eq!(
            layer.digest, streamed,
            "an uncompressed layer is named by its diff id"
        );
    }
}

#[test]
fn images_are_found_by_short_or_full_tag() {
    let archive = DockerArchive::open(common::image_data(ALPINE[0].file)).expect("opens");
    let short = archive.image(Some("alpine:3.10")).expect("short tag");
    let full = archive
        .image(Some("docker.io/library/alpine:3.10"))
        .expect("full tag");
    assert_eq!(short.config_digest, full.config_digest);
    let err = archive
        .image(Some("alpine:3.11"))
        .expect_err("not in this archive");
    assert!(
        err.to_string().contains("alpine:3.10"),
        "lists what is there: {err}"
    );
}

#[test]
fn osv_scalibr_archives_all_open() {
    // (file, tag, layer count) from each archive's manifest.json.
    let cases = [
        ("basic.tar", "basic:latest", 2),
        ("multiple-files.tar", "multiple-files:latest", 2),
        ("overwrite-file.tar", "overwrite-file:latest", 2),
        ("single-file.tar", "single-file:latest", 1),
        ("symlink-attack.tar", "symlink-attack:latest", 1),
        ("symlink-basic.tar", "symlink-basic:latest", 1),
        ("symlink-cycle.tar", "symlink-cycle:latest", 1),
        ("symlink-dangling.tar", "dangling-symlinks:latest", 2),
        (
            "symlink-depth-exceeded.tar",
            "symlink-depth-exceeded:latest",
            1,
        ),
        ("two-files.tar", "two-files:latest", 2),
    ];
    let dir = common::image_data("edge-cases-osv-scalibr/layerscanning");
    for (file, tag, count) in cases {
        let archive = DockerArchive::open(dir.join(file)).expect("archive opens");
        assert!(!archive.is_compressed());
        let image = archive.image(None).expect("one image");
        assert_eq!(image.reference.as_deref(), Some(tag), "{file}");
        assert_eq!(image.layers.len(), count, "{file}");
        // The config's file name is the image ID, and each layer tar hashes to its diff ID.
        let config_name = image.config_digest.hex().to_string();
        assert!(tag_config_present(&dir.join(file), &config_name), "{file}");
        for layer in &image.layers {
            let (streamed, _) = common::stream(&archive, layer);
            assert_eq!(Some(&streamed), layer.diff_id.as_ref(), "{file}");
        }
    }
    let empty = DockerArchive::open(dir.join("empty.tar")).expect("empty archive opens");
    assert!(empty.images().is_empty());
    assert_eq!(
        empty.images().iter().map(|i| i.layers.len()).sum::<usize>(),
        0
    );
    assert!(matches!(
        empty.image(None),
        Err(SourceError::Ambiguous { .. })
    ));
}

/// True when the archive has an entry `<hex>.json` (read with the tar crate, not our reader).
fn tag_config_present(path: &std::path::Path, hex: &str) -> bool {
    let mut archive = tar::Archive::new(fs::File::open(path).expect("open"));
    let entries = archive.entries().expect("entries");
    entries.filter_map(Result::ok).any(|e| {
        e.path()
            .map(|p| p.to_string_lossy() == format!("{hex}.json"))
            .unwrap_or(false)
    })
}

const HELLO_MANIFEST: &str = "afb744871f99e0ff8e6f253244836ed34c5d805fdb096d3a205ffaf5e9073cab";
const HELLO_CONFIG: &str = "b23a8f6569ae9ae331226205fa72f480ce5310707d0bc97e611f83fbbbde4604";
const HELLO_LAYER: &str = "cdd16bd695eda2819e7637648f573c2ca64896c4f7bff9732ac9db734ca3bc2c";

/// The entries of a Docker 25+ archive, made from the hello-world layout.
fn docker25_entries(with_manifest_json: bool) -> Vec<(String, Vec<u8>)> {
    let layout = common::image_data("oci-layout/hello-world.oci");
    let mut files = vec![
        (
            "oci-layout".to_string(),
            fs::read(layout.join("oci-layout")).expect("marker"),
        ),
        (
            "index.json".to_string(),
            fs::read(layout.join("index.json")).expect("index"),
        ),
    ];
    for hex in [HELLO_MANIFEST, HELLO_CONFIG, HELLO_LAYER] {
        let bytes = fs::read(layout.join("blobs/sha256").join(hex)).expect("blob");
        files.push((format!("blobs/sha256/{hex}"), bytes));
    }
    if with_manifest_json {
        let manifest = format!(
            r#"[{{"Config":"blobs/sha256/{HELLO_CONFIG}","RepoTags":["hello-world:latest"],"Layers":["blobs/sha256/{HELLO_LAYER}"]}}]"#
        );
        files.push(("manifest.json".to_string(), manifest.into_bytes()));
    }
    files
}

fn write_tar(
    dir: &std::path::Path,
    name: &str,
    files: &[(String, Vec<u8>)],
    links: &[(&str, &str)],
) -> std::path::PathBuf {
    let borrowed: Vec<(&str, Vec<u8>)> =
        files.iter().map(|(p, b)| (p.as_str(), b.clone())).collect();
    let path = dir.join(name);
    fs::write(&path, common::build_tar(&borrowed, links)).expect("write tar");
    path
}

#[test]
fn docker25_archive_uses_manifest_json_and_the_embedded_index() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = write_tar(dir.path(), "hello.tar", &docker25_entries(true), &[]);
    let archive = DockerArchive::open(&path).expect("opens");
    let image = archive
        .image(Some("hello-world"))
        .expect("tag without :latest matches");
    assert_eq!(image.config_digest.hex(), HELLO_CONFIG);
    assert_eq!(
        image.manifest_digest.as_ref().map(Digest::hex),
        Some(HELLO_MANIFEST)
    );
    assert_eq!(image.layers.len(), 1);
    assert_eq!(image.layers[0].digest.hex(), HELLO_LAYER);
    assert_eq!(image.layers[0].media_type, Some(MediaType::OciLayerGzip));
    let (streamed, _) = common::stream(&archive, &image.layers[0]);
    assert_eq!(streamed.hex(), HELLO_LAYER);
}

#[test]
fn archive_with_only_an_oci_layout_is_read_like_a_layout() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = write_tar(dir.path(), "hello-oci.tar", &docker25_entries(false), &[]);
    let archive = DockerArchive::open(&path).expect("opens");
    let image = archive.image(None).expect("one image");
    assert_eq!(
        image.manifest_digest.as_ref().map(Digest::hex),
        Some(HELLO_MANIFEST)
    );
    assert_eq!(image.config_digest.hex(), HELLO_CONFIG);
    let (streamed, size) = common::stream(&archive, &image.layers[0]);
    assert_eq!(streamed.hex(), HELLO_LAYER);
    assert_eq!(size, 2610);
}

#[test]
fn gzip_archive_with_embedded_layout_streams_layers() {
    let dir = tempfile::tempdir().expect("temp dir");
    let plain = write_tar(dir.path(), "hello.tar", &docker25_entries(true), &[]);
    let gz_path = dir.path().join("hello.tar.gz");
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    std::io::Write::write_all(&mut enc, &fs::read(&plain).expect("tar")).expect("gzip");
    fs::write(&gz_path, enc.finish().expect("gzip done")).expect("write");
    let archive = DockerArchive::open(&gz_path).expect("opens");
    assert!(archive.is_compressed());
    let image = archive.image(None).expect("one image");
    let (streamed, _) = common::stream(&archive, &image.layers[0]);
    assert_eq!(streamed.hex(), HELLO_LAYER);
}

#[test]
fn tampered_config_blob_in_archive_is_a_digest_error() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut files = docker25_entries(true);
    let config = files
        .iter_mut()
        .find(|(p, _)| p.ends_with(HELLO_CONFIG))
        .expect("config entry");
    config.1[10] ^= 0x01;
    let path = write_tar(dir.path(), "tampered.tar", &files, &[]);
    let err = DockerArchive::open(&path).expect_err("config does not match its name");
    assert!(
        matches!(err, SourceError::DigestMismatch { what: "config", .. }),
        "{err}"
    );
    assert!(err.to_string().contains(HELLO_CONFIG), "{err}");
}

#[test]
fn symlinked_legacy_layer_is_followed() {
    let dir = tempfile::tempdir().expect("temp dir");
    let layer = common::build_tar(&[("etc/hostname", b"box\n".to_vec())], &[]);
    let diff_id = Digest::sha256_of(&layer);
    let config = format!(
        r#"{{"architecture":"arm64","os":"linux","variant":"v8","config":{{"Entrypoint":null,"Labels":null}},
            "rootfs":{{"type":"layers","diff_ids":["{diff_id}","{diff_id}"]}}}}"#
    );
    let config_id = Digest::sha256_of(config.as_bytes());
    let manifest = format!(
        r#"[{{"Config":"{}.json","RepoTags":null,"Layers":["aaa/layer.tar","bbb/layer.tar"]}}]"#,
        config_id.hex()
    );
    let files = vec![
        ("aaa/layer.tar".to_string(), layer.clone()),
        (format!("{}.json", config_id.hex()), config.into_bytes()),
        ("manifest.json".to_string(), manifest.into_bytes()),
    ];
    let path = write_tar(
        dir.path(),
        "linked.tar",
        &files,
        &[("bbb/layer.tar", "../aaa/layer.tar")],
    );
    let archive = DockerArchive::open(&path).expect("opens");
    let image = archive.image(None).expect("one untagged image");
    assert_eq!(image.reference, None);
    assert_eq!(image.config_digest, config_id);
    assert_eq!(
        image.platform.as_ref().map(ToString::to_string).as_deref(),
        Some("linux/arm64/v8")
    );
    assert_eq!(image.layers.len(), 2);
    assert_eq!(image.layers[1].digest, diff_id);
    let (streamed, _) = common::stream(&archive, &image.layers[1]);
    assert_eq!(streamed, diff_id);
}

#[test]
fn missing_layer_entry_is_named() {
    let dir = tempfile::tempdir().expect("temp dir");
    let config =
        br#"{"os":"linux","architecture":"amd64","rootfs":{"type":"layers","diff_ids":[]}}"#
            .to_vec();
    let config_id = Digest::sha256_of(&config);
    let manifest = format!(
        r#"[{{"Config":"{}.json","Layers":["gone/layer.tar"]}}]"#,
        config_id.hex()
    );
    let files = vec![
        (format!("{}.json", config_id.hex()), config),
        ("manifest.json".to_string(), manifest.into_bytes()),
    ];
    let path = write_tar(dir.path(), "missing.tar", &files, &[]);
    let err = DockerArchive::open(&path).expect_err("layer missing");
    assert!(err.to_string().contains("gone/layer.tar"), "{err}");
}
