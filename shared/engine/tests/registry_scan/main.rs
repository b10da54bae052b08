//! Registry targets against a real `docker-registry` (plain http on a free loopback port), with
//! images pushed by skopeo from OCI layouts built here. A registry scan must give the same
//! report as a scan of the layout it was pushed from; an index gives one scan per platform;
//! a warm cache downloads no blob (counted in the registry's access log); a corrupted layer and
//! a missing tag fail with errors that name them.

mod server;
#[path = "../support/mod.rs"]
mod support;

use std::collections::BTreeSet;
use std::io::Read;
use std::path::PathBuf;

use layerwatch_engine::{
    EngineError, LayerCache, MemoryCache, NoCache, ScanOptions, ScannedImage, Target, scan,
};
use layerwatch_layer::LayerError;
use layerwatch_oci::Digest;
use layerwatch_report::{Report, ReportInput};
use serde_json::json;
use server::Registry;
use support::{Compress, Entry, shared, tar_of, write_image, write_layout};
use tempfile::TempDir;

const APK_DB: &str = "lib/apk/db/installed";

fn minirootfs() -> PathBuf {
    shared().join("data/images/alpine-minirootfs/alpine-minirootfs-3.20.3-x86_64.tar.gz")
}

/// The Alpine 3.20.3 minirootfs as one gzip layer of a fresh OCI layout; returns the layout
/// and its manifest descriptor (from `index.json`, written by the test support, not the engine).
fn alpine_layout() -> (TempDir, PathBuf, serde_json::Value) {
    let mut tar = Vec::new();
    flate2::read::GzDecoder::new(std::fs::File::open(minirootfs()).expect("minirootfs"))
        .read_to_end(&mut tar)
        .expect("gunzip");
    let tmp = tempfile::tempdir().expect("tempdir");
    let dir = tmp.path().join("alpine.oci");
    write_layout(&dir, &[(tar, Compress::Gzip)], ("linux", "amd64"));
    let index: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.join("index.json")).expect("index.json"))
            .expect("json");
    let descriptor = index["manifests"][0].clone();
    (tmp, dir, descriptor)
}

/// (name, version) pairs of the minirootfs's apk database, by a plain scan of its lines.
fn apk_pairs() -> BTreeSet<(String, String)> {
    let db = support::file_from_targz(&minirootfs(), APK_DB);
    String::from_utf8_lossy(&db)
        .split("\n\n")
        .filter_map(|para| {
            let field = |k: &str| {
                para.lines()
                    .find_map(|l| l.strip_prefix(k))
                    .map(str::to_string)
            };
            Some((field("P:")?, field("V:")?))
        })
        .collect()
}

fn pairs(image: &ScannedImage) -> BTreeSet<(String, String)> {
    let report = report(image);
    report
        .packages
        .iter()
        .map(|p| (p.name.clone(), p.version.clone()))
        .collect()
}

fn report(image: &ScannedImage) -> Report {
    Report::from_input(ReportInput {
        artifact: image.artifact.clone(),
        layers: image.layers.clone(),
        inventory: &image.inventory,
    })
}

/// The JSON report with the reference blanked: the only field allowed to differ.
fn json_without_reference(image: &ScannedImage) -> serde_json::Value {
    let mut value = serde_json::to_value(report(image)).expect("json");
    value["artifact"]["reference"] = json!("");
    value
}

fn digest(v: &serde_json::Value) -> Digest {
    v["digest"]
        .as_str()
        .expect("digest")
        .parse()
        .expect("digest")
}

#[test]
fn alpine_from_the_registry_gives_the_same_report_as_the_layout() {
    let reg = Registry::start();
    let (_tmp, layout, descriptor) = alpine_layout();
    reg.push(
        &format!("oci:{}", layout.display()),
        "test/alpine:3.20",
        &[],
    );

    let local: Target = format!("oci:{}", layout.display()).parse().expect("oci");
    let local = scan(&local, &ScanOptions::default(), &NoCache).expect("local scan");
    let target = reg.target("test/alpine:3.20");
    let remote = scan(&target, &reg.options(), &NoCache).expect("registry scan");
    assert_eq!((local.len(), remote.len()), (1, 1));
    let (local, remote) = (&local[0], &remote[0]);

    assert_eq!(
        remote.artifact.reference,
        format!("{}/test/alpine:3.20", reg.host)
    );
    assert_eq!(remote.artifact.manifest_digest, Some(digest(&descriptor)));
    assert_eq!(
        remote.artifact.index_digest, None,
        "a single manifest, no index"
    );
    assert_eq!(remote.artifact.platform.as_deref(), Some("linux/amd64"));
    assert_eq!(pairs(remote), apk_pairs());
    assert!(pairs(remote).len() > 10);
    assert_eq!(
        json_without_reference(remote),
        json_without_reference(local)
    );
    assert_eq!(remote.config, local.config);

    // Pinned by digest: the same image.
    let pinned = reg.target(&format!("test/alpine@{}", digest(&descriptor)));
    let by_digest = scan(&pinned, &reg.options(), &NoCache).expect("by digest");
    assert_eq!(
        json_without_reference(&by_digest[0]),
        json_without_reference(local)
    );
}

#[test]
fn a_warm_cache_downloads_no_blob() {
    let reg = Registry::start();
    let (_tmp, layout, _) = alpine_layout();
    reg.push(
        &format!("oci:{}", layout.display()),
        "test/alpine:3.20",
        &[],
    );
    let target = reg.target("test/alpine:3.20");
    let cache = MemoryCache::default();

    let first = scan(&target, &reg.options(), &cache).expect("first scan");
    assert_eq!(first[0].cache_hits, 0);
    assert_eq!(reg.blob_gets(), 2, "the config and the one layer");

    let second = scan(&target, &reg.options(), &cache).expect("second scan");
    assert_eq!(second[0].cache_hits, 1);
    assert_eq!(reg.blob_gets(), 2, "no blob downloaded by the second scan");
    assert_eq!(
        json_without_reference(&second[0]),
        json_without_reference(&first[0])
    );
    let layer = &first[0].layers[0].digest;
    assert!(cache.get(layer).is_some());
}

#[test]
fn an_index_gives_one_scan_per_platform_and_none_for_the_attestation() {
    let reg = Registry::start();
    let tmp = tempfile::tempdir().expect("tempdir");
    let dir = tmp.path().join("multi.oci");
    let db = support::file_from_targz(&minirootfs(), APK_DB);
    let layer = (tar_of(&[Entry::File(APK_DB, &db)]), Compress::Gzip);
    let (amd64, _) = write_image(&dir, std::slice::from_ref(&layer), ("linux", "amd64"));
    let (arm64, _) = write_image(&dir, std::slice::from_ref(&layer), ("linux", "arm64"));
    let statement = tar_of(&[Entry::File("statement.json", b"{}")]);
    let (mut attestation, _) =
        write_image(&dir, &[(statement, Compress::None)], ("unknown", "unknown"));
    attestation["annotations"] = json!({"vnd.docker.reference.type": "attestation-manifest"});
    let index = json!({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.index.v1+json",
        "manifests": [amd64, arm64, attestation]})
    .to_string();
    let index_digest = Digest::sha256_of(index.as_bytes());
    std::fs::write(dir.join("blobs/sha256").join(index_digest.hex()), &index).expect("index");
    let top = json!({"schemaVersion": 2, "manifests": [{
        "mediaType": "application/vnd.oci.image.index.v1+json", "digest": index_digest.to_string(),
        "size": index.len(), "annotations": {"org.opencontainers.image.ref.name": "multi"}}]});
    std::fs::write(dir.join("index.json"), top.to_string()).expect("index.json");
    reg.push(
        &format!("oci:{}:multi", dir.display()),
        "test/multi:v1",
        &["--all"],
    );

    // skopeo may rewrite the index on push: its digest and entries are read back with skopeo.
    let raw = reg.inspect_raw("test/multi:v1");
    let index_digest = Digest::sha256_of(&raw);
    let pushed: serde_json::Value = serde_json::from_slice(&raw).expect("index json");
    let entries = pushed["manifests"].as_array().expect("manifests");
    assert_eq!(entries.len(), 3, "the attestation is pushed too: {pushed}");
    // (skopeo gzips the attestation's plain tar layer, so its digest changes on the way.)
    assert!(
        entries
            .iter()
            .any(|e| e["annotations"] == attestation["annotations"]
                && e["platform"]["os"] == "unknown"),
        "{pushed}"
    );

    let target = reg.target("test/multi:v1");
    let images = scan(&target, &reg.options(), &NoCache).expect("scan");
    let got: Vec<_> = images
        .iter()
        .map(|i| {
            (
                i.artifact.platform.clone().unwrap_or_default(),
                i.artifact.manifest_digest.clone(),
            )
        })
        .collect();
    assert_eq!(
        got,
        vec![
            ("linux/amd64".to_string(), Some(digest(&amd64))),
            ("linux/arm64".to_string(), Some(digest(&arm64))),
        ]
    );
    let expected: BTreeSet<_> = apk_pairs();
    for image in &images {
        assert_eq!(image.artifact.index_digest.as_ref(), Some(&index_digest));
        assert_eq!(pairs(image), expected);
    }

    let arm = ScanOptions {
        platform: Some("linux/arm64".parse().expect("platform")),
        ..reg.options()
    };
    let only = scan(&target, &arm, &NoCache).expect("arm64");
    assert_eq!(only.len(), 1);
    assert_eq!(only[0].artifact.platform.as_deref(), Some("linux/arm64"));
    assert_eq!(only[0].artifact.manifest_digest, Some(digest(&arm64)));

    let s390x = ScanOptions {
        platform: Some("linux/s390x".parse().expect("platform")),
        ..reg.options()
    };
    let err = scan(&target, &s390x, &NoCache).expect_err("no such platform");
    assert!(matches!(err, EngineError::NoSuchPlatform { .. }), "{err}");
}

#[test]
fn a_corrupted_layer_fails_naming_it() {
    let reg = Registry::start();
    let (_tmp, layout, _) = alpine_layout();
    reg.push(&format!("oci:{}", layout.display()), "test/bad:1", &[]);
    let local: Target = format!("oci:{}", layout.display()).parse().expect("oci");
    let layer = scan(&local, &ScanOptions::default(), &NoCache).expect("local")[0].layers[0]
        .digest
        .clone();
    // Same length, one byte changed in the middle: only the digest can tell.
    let file = reg.blob_file(&layer);
    let mut bytes = std::fs::read(&file).expect("stored blob");
    let middle = bytes.len() / 2;
    bytes[middle] ^= 0xff;
    std::fs::write(&file, &bytes).expect("corrupt");

    let err = scan(&reg.target("test/bad:1"), &reg.options(), &NoCache).expect_err("corrupt");
    match &err {
        EngineError::Layer {
            index: 0,
            source: LayerError::DigestMismatch { layer: named, .. },
            ..
        } => assert_eq!(named, &layer),
        other => panic!("expected a digest mismatch of layer 0, got {other:?}"),
    }
    assert!(err.to_string().contains(&layer.to_string()), "{err}");
}

#[test]
fn a_missing_tag_names_repository_and_reference() {
    let reg = Registry::start();
    let (_tmp, layout, _) = alpine_layout();
    reg.push(
        &format!("oci:{}", layout.display()),
        "test/alpine:3.20",
        &[],
    );
    let err = scan(&reg.target("test/alpine:nope"), &reg.options(), &NoCache).expect_err("404");
    let text = err.to_string();
    assert!(
        text.contains(&format!("{}/test/alpine", reg.host)) && text.contains("nope"),
        "{text}"
    );
    assert!(text.contains("not found"), "{text}");
}

#[test]
fn a_scan_inside_an_async_runtime_is_refused_not_a_panic() {
    let target: Target = "127.0.0.1:9/x/y:1".parse().expect("target");
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .expect("runtime");
    let err = runtime
        .block_on(async { scan(&target, &ScanOptions::default(), &NoCache) })
        .expect_err("refused");
    assert!(err.to_string().contains("spawn_blocking"), "{err}");
}
