//! Real registries without auth and with htpasswd Basic: images pushed by skopeo, read back by
//! the client, compared with the OCI layouts they came from.

use std::io::Read;
use std::sync::Arc;

use layerwatch_oci::Digest;
use layerwatch_registry::{
    ClientConfig, Credential, ManifestRef, RegistryClient, RegistryError, StaticCredentials,
};
use tokio::io::AsyncReadExt;

use crate::support::{self, Registry, RegistryAuth};

pub fn client(registry: &str, credentials: StaticCredentials) -> RegistryClient {
    RegistryClient::new(ClientConfig {
        credentials: Arc::new(credentials),
        insecure_hosts: vec![registry.to_string()],
        ..ClientConfig::default()
    })
    .expect("client")
}

fn digest(s: &str) -> Digest {
    s.parse().expect("digest")
}

#[tokio::test(flavor = "multi_thread")]
async fn hello_world_manifest_and_blobs_match_the_layout() {
    let reg = Registry::start(RegistryAuth::None);
    let (_tmp, layout) = support::hello_world_layout();
    support::push(
        &format!("oci:{}", layout.display()),
        &reg.host,
        "lw/hello:v1",
        None,
        &[],
    );
    let desc = support::layout_manifest(&layout, None);
    let want = desc["digest"].as_str().expect("digest");
    let c = client(&reg.host, StaticCredentials::new());

    let by_tag = c
        .manifest(&reg.host, "lw/hello", &"v1".parse().expect("tag"))
        .await
        .expect("manifest by tag");
    assert_eq!(
        by_tag.digest.to_string(),
        want,
        "skopeo keeps OCI manifests byte for byte"
    );
    assert_eq!(by_tag.bytes, support::layout_blob(&layout, want));
    assert_eq!(
        by_tag.media_type.as_str(),
        "application/vnd.oci.image.manifest.v1+json"
    );
    assert_eq!(
        by_tag
            .registry_digest
            .as_ref()
            .map(ToString::to_string)
            .as_deref(),
        Some(want)
    );
    let by_digest = c
        .manifest(&reg.host, "lw/hello", &ManifestRef::Digest(digest(want)))
        .await
        .expect("by digest");
    assert_eq!(by_digest.bytes, by_tag.bytes);
    let image: layerwatch_oci::ImageRef = format!("{}/lw/hello@{want}", reg.host)
        .parse()
        .expect("image ref");
    assert_eq!(
        c.image_manifest(&image)
            .await
            .expect("by ImageRef")
            .digest
            .to_string(),
        want
    );
    let Ok(layerwatch_oci::ParsedManifest::Image(parsed)) = by_tag.parse() else {
        panic!("an image manifest")
    };
    assert_eq!(parsed.layers.len(), 1, "hello-world has one layer");

    let manifest: serde_json::Value = serde_json::from_slice(&by_tag.bytes).expect("json");
    let layer = manifest["layers"][0]["digest"].as_str().expect("layer");
    let config = manifest["config"]["digest"].as_str().expect("config");
    for d in [layer, config] {
        let mut r = c
            .blob(&reg.host, "lw/hello", &digest(d))
            .await
            .expect("blob");
        let mut got = Vec::new();
        r.read_to_end(&mut got)
            .await
            .expect("blob reads and verifies");
        assert_eq!(got, support::layout_blob(&layout, d), "{d}");
        assert!(
            c.blob_exists(&reg.host, "lw/hello", &digest(d))
                .await
                .expect("head")
        );
    }

    // The blocking adapter, as the layer reader uses it from a blocking thread.
    let r = c
        .blob(&reg.host, "lw/hello", &digest(layer))
        .await
        .expect("blob");
    let mut sync = r.into_blocking();
    let got = tokio::task::spawn_blocking(move || {
        let mut v = Vec::new();
        sync.read_to_end(&mut v).map(|_| v)
    })
    .await
    .expect("join")
    .expect("blocking read verifies");
    assert_eq!(got, support::layout_blob(&layout, layer));

    let absent = Digest::sha256_of(b"not pushed");
    assert!(
        !c.blob_exists(&reg.host, "lw/hello", &absent)
            .await
            .expect("head 404 is false")
    );
    let err = c
        .manifest(&reg.host, "lw/hello", &"nope".parse().expect("tag"))
        .await
        .expect_err("missing tag");
    assert!(matches!(err, RegistryError::NotFound { .. }), "{err:?}");
    assert_eq!(
        err.to_string(),
        format!("{}/lw/hello@nope not found (HTTP 404)", reg.host)
    );
    assert!(!err.is_retryable());

    // Plain http only for hosts the caller lists.
    let strict = RegistryClient::new(ClientConfig::default()).expect("client");
    let err = strict
        .manifest(&reg.host, "lw/hello", &"v1".parse().expect("tag"))
        .await
        .expect_err("tls");
    let RegistryError::RetriesExhausted { last, .. } = &err else {
        panic!("expected retries: {err:?}")
    };
    assert!(
        matches!(**last, RegistryError::Transport { .. }),
        "https to a plain-http registry fails: {err:?}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn alpine_as_docker_schema2_with_basic_auth() {
    let (user, password) = ("testuser", "testpass");
    let reg = Registry::start(RegistryAuth::Htpasswd {
        user: user.into(),
        password: password.into(),
    });
    let (_tmp, layout) = support::alpine_layout();
    support::push(
        &format!("oci:{}:alpine", layout.display()),
        &reg.host,
        "lw/alpine:3.20",
        Some((user, password)),
        &["--format", "v2s2"],
    );
    let oci_manifest: serde_json::Value = serde_json::from_slice(&support::layout_blob(
        &layout,
        support::layout_manifest(&layout, Some("alpine"))["digest"]
            .as_str()
            .expect("d"),
    ))
    .expect("json");
    let layer = oci_manifest["layers"][0]["digest"]
        .as_str()
        .expect("layer")
        .to_string();
    let layer_size = oci_manifest["layers"][0]["size"].as_u64().expect("size");

    let creds = StaticCredentials::new().with(reg.host.clone(), Credential::basic(user, password));
    let c = client(&reg.host, creds);
    let m = c
        .manifest(&reg.host, "lw/alpine", &"3.20".parse().expect("tag"))
        .await
        .expect("manifest");
    assert_eq!(
        m.media_type.as_str(),
        "application/vnd.docker.distribution.manifest.v2+json"
    );
    let docker: serde_json::Value = serde_json::from_slice(&m.bytes).expect("json");
    assert_eq!(
        docker["layers"][0]["digest"],
        layer.as_str(),
        "v2s2 conversion keeps the gzip layer"
    );
    let mut r = c
        .blob(&reg.host, "lw/alpine", &digest(&layer))
        .await
        .expect("blob");
    assert_eq!(r.size(), Some(layer_size));
    let mut got = Vec::new();
    r.read_to_end(&mut got).await.expect("layer verifies");
    assert_eq!(got, support::layout_blob(&layout, &layer));

    let anon = client(&reg.host, StaticCredentials::new());
    let err = anon
        .manifest(&reg.host, "lw/alpine", &"3.20".parse().expect("tag"))
        .await
        .expect_err("anonymous");
    assert!(
        matches!(err, RegistryError::Denied { status: 401, .. }),
        "{err:?}"
    );
    assert!(err.to_string().contains("lw/alpine@3.20"), "{err}");
    let wrong = client(
        &reg.host,
        StaticCredentials::new().with(reg.host.clone(), Credential::basic(user, "wrong")),
    );
    let err = wrong
        .blob(&reg.host, "lw/alpine", &digest(&layer))
        .await
        .expect_err("wrong password");
    assert!(
        matches!(err, RegistryError::Denied { status: 401, .. }),
        "{err:?}"
    );
    assert!(err.to_string().contains(&layer), "{err}");
    assert!(
        !format!("{err:?}").contains("wrong"),
        "no password in errors"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn oci_index_and_its_child_by_digest() {
    let reg = Registry::start(RegistryAuth::None);
    let (_tmp, layout) = support::hello_world_layout();
    let child = support::layout_manifest(&layout, None);
    let index = support::add_index(&layout, "multi", &child);
    support::push(
        &format!("oci:{}:multi", layout.display()),
        &reg.host,
        "lw/multi:v1",
        None,
        &["--all"],
    );
    let c = client(&reg.host, StaticCredentials::new());
    let m = c
        .manifest(&reg.host, "lw/multi", &"v1".parse().expect("tag"))
        .await
        .expect("index");
    assert!(m.is_index(), "{}", m.media_type);
    assert_eq!(m.digest, index, "the index blob we wrote, byte for byte");
    let Ok(layerwatch_oci::ParsedManifest::Index(parsed)) = m.parse() else {
        panic!("an index")
    };
    let entry = &parsed.manifests[0];
    assert_eq!(
        entry.digest.to_string(),
        child["digest"].as_str().expect("digest")
    );
    let by_digest = c
        .manifest(
            &reg.host,
            "lw/multi",
            &ManifestRef::Digest(entry.digest.clone()),
        )
        .await
        .expect("child");
    assert!(!by_digest.is_index());
}
