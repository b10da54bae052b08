//! Manifest kinds, told apart as the OCI distribution spec and Docker's registry do, and index
//! entry selection. The documents follow the shapes in the OCI image spec and Docker's
//! "Image Manifest V2, Schema 2" spec; digests are arbitrary but well-formed.

use layerwatch_oci::{ManifestError, MediaType, ParsedManifest, Platform, parse_manifest};

fn d(c: char) -> String {
    format!("sha256:{}", c.to_string().repeat(64))
}

fn image_manifest(media_type: Option<&str>, config_type: &str, layer_type: &str) -> String {
    let mt = media_type
        .map(|m| format!(r#""mediaType":"{m}","#))
        .unwrap_or_default();
    format!(
        r#"{{"schemaVersion":2,{mt}
            "config":{{"mediaType":"{config_type}","digest":"{}","size":1469}},
            "layers":[{{"mediaType":"{layer_type}","digest":"{}","size":2811478}}]}}"#,
        d('a'),
        d('b')
    )
}

const DOCKER_V2S2: &str = "application/vnd.docker.distribution.manifest.v2+json";
const DOCKER_CONFIG: &str = "application/vnd.docker.container.image.v1+json";
const DOCKER_LAYER: &str = "application/vnd.docker.image.rootfs.diff.tar.gzip";
const OCI_MANIFEST: &str = "application/vnd.oci.image.manifest.v1+json";
const OCI_CONFIG: &str = "application/vnd.oci.image.config.v1+json";
const OCI_LAYER: &str = "application/vnd.oci.image.layer.v1.tar+gzip";

fn oci_index_with_attestation() -> String {
    format!(
        r#"{{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[
          {{"mediaType":"{OCI_MANIFEST}","digest":"{}","size":1,"platform":{{"architecture":"amd64","os":"linux"}}}},
          {{"mediaType":"{OCI_MANIFEST}","digest":"{}","size":1,"platform":{{"architecture":"arm64","os":"linux","variant":"v8"}}}},
          {{"mediaType":"{OCI_MANIFEST}","digest":"{}","size":1,"platform":{{"architecture":"unknown","os":"unknown"}},
            "annotations":{{"vnd.docker.reference.digest":"{}","vnd.docker.reference.type":"attestation-manifest"}}}},
          {{"mediaType":"{OCI_MANIFEST}","digest":"{}","size":1,"platform":{{"architecture":"unknown","os":"unknown"}}}},
          {{"mediaType":"application/vnd.in-toto+json","digest":"{}","size":1}},
          {{"mediaType":"{OCI_MANIFEST}","digest":"{}","size":1,"artifactType":"application/vnd.dev.sigstore.bundle.v0.3+json"}}
        ]}}"#,
        d('1'),
        d('2'),
        d('3'),
        d('1'),
        d('4'),
        d('5'),
        d('6')
    )
}

#[test]
fn docker_v2s2_manifest_by_media_type_field() {
    let json = image_manifest(Some(DOCKER_V2S2), DOCKER_CONFIG, DOCKER_LAYER);
    let Ok(ParsedManifest::Image(m)) = parse_manifest(json.as_bytes(), None) else {
        panic!("a Docker v2s2 manifest is an image");
    };
    assert_eq!(m.media_type, Some(MediaType::DockerManifest));
    assert_eq!(m.config.media_type, MediaType::DockerConfig);
    assert_eq!(m.config.digest.to_string(), d('a'));
    assert_eq!(m.layers.len(), 1);
    assert_eq!(m.layers[0].media_type, MediaType::DockerLayerGzip);
    assert_eq!(m.layers[0].size, 2811478);
}

#[test]
fn oci_manifest_without_media_type_uses_content_type_then_shape() {
    let json = image_manifest(None, OCI_CONFIG, OCI_LAYER);
    let by_header = parse_manifest(
        json.as_bytes(),
        Some("application/vnd.oci.image.manifest.v1+json; charset=utf-8"),
    );
    assert!(matches!(by_header, Ok(ParsedManifest::Image(_))));
    let by_shape = parse_manifest(json.as_bytes(), None);
    assert!(matches!(by_shape, Ok(ParsedManifest::Image(_))));
}

#[test]
fn media_type_field_wins_over_content_type() {
    let index = oci_index_with_attestation();
    let parsed = parse_manifest(index.as_bytes(), Some(OCI_MANIFEST)).expect("valid index");
    assert!(matches!(parsed, ParsedManifest::Index(_)));
}

#[test]
fn docker_manifest_list() {
    let json = format!(
        r#"{{"schemaVersion":2,"mediaType":"application/vnd.docker.distribution.manifest.list.v2+json",
            "manifests":[{{"mediaType":"{DOCKER_V2S2}","digest":"{}","size":528,
            "platform":{{"architecture":"arm","os":"linux","variant":"v6"}}}},
            {{"mediaType":"{DOCKER_V2S2}","digest":"{}","size":528,
            "platform":{{"architecture":"amd64","os":"linux"}}}}]}}"#,
        d('c'),
        d('e')
    );
    let Ok(ParsedManifest::Index(list)) = parse_manifest(json.as_bytes(), None) else {
        panic!("a manifest list is an index");
    };
    assert_eq!(list.media_type, Some(MediaType::DockerManifestList));
    let images = list.images();
    assert_eq!(images.len(), 2);
    let (chosen, platform) = list.select(None).expect("amd64 present");
    assert_eq!(chosen.digest.to_string(), d('e'));
    assert_eq!(
        platform.map(|p| p.to_string()).as_deref(),
        Some("linux/amd64")
    );
    let (v6, _) = list
        .select(Some(&"linux/arm/v6".parse().expect("platform")))
        .expect("arm/v6 present");
    assert_eq!(v6.digest.to_string(), d('c'));
    // A bare `arm` means arm/v7, which this list does not have.
    let err = list
        .select(Some(&"linux/arm".parse().expect("platform")))
        .expect_err("no arm/v7");
    assert_eq!(
        err.to_string(),
        "no image for platform linux/arm in index (available: linux/arm/v6, linux/amd64)"
    );
}

#[test]
fn index_skips_attestations_unknown_platforms_and_artifacts() {
    let json = oci_index_with_attestation();
    let Ok(ParsedManifest::Index(index)) = parse_manifest(json.as_bytes(), None) else {
        panic!("an OCI index");
    };
    assert_eq!(index.manifests.len(), 6);
    let images = index.images();
    let digests: Vec<String> = images.iter().map(|(d, _)| d.digest.to_string()).collect();
    assert_eq!(digests, vec![d('1'), d('2')]);
    let arm: Platform = "linux/arm64".parse().expect("platform");
    let (chosen, platform) = index.select(Some(&arm)).expect("arm64 present");
    assert_eq!(chosen.digest.to_string(), d('2'));
    assert_eq!(
        platform.map(|p| p.to_string()).as_deref(),
        Some("linux/arm64/v8")
    );
    let s390x: Platform = "linux/s390x".parse().expect("platform");
    assert!(matches!(
        index.select(Some(&s390x)),
        Err(ManifestError::NoMatchingPlatform { .. })
    ));
}

#[test]
fn schema1_is_refused_with_a_clear_message() {
    let json = r#"{"schemaVersion":1,"name":"library/busybox","tag":"1.0","architecture":"amd64",
        "fsLayers":[{"blobSum":"sha256:a3ed95caeb02ffe68cdd9fd84406680ae93d633cb16422d00e8a7c22955b46d4"}],
        "history":[{"v1Compatibility":"{}"}]}"#;
    let err = parse_manifest(json.as_bytes(), None).expect_err("schema 1");
    assert!(matches!(err, ManifestError::UnsupportedSchema1(_)));
    assert!(
        err.to_string()
            .starts_with("unsupported manifest: schema 1 "),
        "{err}"
    );
    let signed = parse_manifest(
        json.as_bytes(),
        Some("application/vnd.docker.distribution.manifest.v1+prettyjws"),
    );
    let text = signed.expect_err("signed schema 1").to_string();
    assert!(
        text.starts_with("unsupported manifest: schema 1 "),
        "{text}"
    );
    assert!(text.contains("prettyjws"), "{text}");
}

#[test]
fn artifacts_are_reported_not_images() {
    let helm = image_manifest(
        Some(OCI_MANIFEST),
        "application/vnd.cncf.helm.config.v1+json",
        "application/vnd.cncf.helm.chart.content.v1.tar+gzip",
    );
    let cosign = image_manifest(
        Some(OCI_MANIFEST),
        OCI_CONFIG,
        "application/vnd.dev.cosign.simplesigning.v1+json",
    );
    let in_toto = image_manifest(
        Some(OCI_MANIFEST),
        OCI_CONFIG,
        "application/vnd.in-toto+json",
    );
    let empty_config = image_manifest(
        Some(OCI_MANIFEST),
        "application/vnd.oci.empty.v1+json",
        "application/spdx+json",
    );
    for (name, json) in [
        ("helm", helm),
        ("cosign", cosign),
        ("in-toto", in_toto),
        ("empty", empty_config),
    ] {
        let parsed = parse_manifest(json.as_bytes(), None).expect("valid json");
        assert!(
            matches!(parsed, ParsedManifest::Artifact(_)),
            "{name} must be an artifact"
        );
    }
    let helm_kind = match parse_manifest(
        image_manifest(None, "application/vnd.cncf.helm.config.v1+json", "x").as_bytes(),
        None,
    ) {
        Ok(ParsedManifest::Artifact(m)) => m.artifact_kind().to_string(),
        other => panic!("helm chart is an artifact, got {other:?}"),
    };
    assert_eq!(helm_kind, "application/vnd.cncf.helm.config.v1+json");
}

#[test]
fn scratch_image_without_layers_is_an_image() {
    let json = format!(
        r#"{{"schemaVersion":2,"mediaType":"{OCI_MANIFEST}",
            "config":{{"mediaType":"{OCI_CONFIG}","digest":"{}","size":2}},"layers":[]}}"#,
        d('a')
    );
    assert!(matches!(
        parse_manifest(json.as_bytes(), None),
        Ok(ParsedManifest::Image(_))
    ));
}

#[test]
fn garbage_and_unknown_documents_are_errors() {
    assert!(matches!(
        parse_manifest(b"not json", None),
        Err(ManifestError::Json { .. })
    ));
    assert!(matches!(
        parse_manifest(br#"{"schemaVersion":2}"#, None),
        Err(ManifestError::UnknownKind(_))
    ));
    assert!(matches!(
        parse_manifest(br#"{"schemaVersion":3,"manifests":[]}"#, None),
        Err(ManifestError::UnsupportedSchemaVersion(3))
    ));
    let bad_digest =
        r#"{"schemaVersion":2,"manifests":[{"mediaType":"x","digest":"sha256:zz","size":1}]}"#;
    assert!(matches!(
        parse_manifest(bad_digest.as_bytes(), None),
        Err(ManifestError::Json { .. })
    ));
}
