//! Registry faults a real registry does not produce on demand, served by tiny local servers:
//! wrong blob or manifest bytes, throttling and 5xx, redirects to object storage.

use std::io::Read;
use std::sync::Arc;
use std::time::Duration;

use layerwatch_oci::Digest;
use layerwatch_registry::{
    ClientConfig, Credential, ManifestRef, RegistryClient, RegistryError, RetryPolicy,
    StaticCredentials, registry_error,
};
use tokio::io::AsyncReadExt;

use crate::support::tiny::{Resp, Tiny};

const OCI_MANIFEST: &str = "application/vnd.oci.image.manifest.v1+json";
const MANIFEST: &str = r#"{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855","size":0},"layers":[]}"#;

fn client(hosts: &[String], credentials: StaticCredentials) -> RegistryClient {
    RegistryClient::new(ClientConfig {
        credentials: Arc::new(credentials),
        insecure_hosts: hosts.to_vec(),
        retry: RetryPolicy {
            max_attempts: 4,
            base_delay: Duration::from_millis(20),
            max_delay: Duration::from_millis(100),
        },
        ..ClientConfig::default()
    })
    .expect("client")
}

#[tokio::test(flavor = "multi_thread")]
async fn wrong_blob_bytes_fail_the_read_naming_the_blob() {
    let wanted = Digest::sha256_of(b"the real layer");
    let server = Tiny::start(|_, _| Resp::new(200, "a lying registry's bytes"));
    let c = client(&[server.host()], StaticCredentials::new());
    let mut r = c
        .blob(&server.host(), "lw/x", &wanted)
        .await
        .expect("response arrives");
    let mut sink = Vec::new();
    let err = r.read_to_end(&mut sink).await.expect_err("digest mismatch");
    let inner = registry_error(&err).expect("registry error inside io::Error");
    assert!(
        matches!(inner, RegistryError::DigestMismatch { what: "blob", expected, .. } if *expected == wanted),
        "{inner:?}"
    );
    assert!(err.to_string().contains(&wanted.to_string()), "{err}");
    assert_eq!(
        inner.to_string(),
        format!(
            "blob of {}/lw/x has digest {}, expected {wanted}",
            server.host(),
            Digest::sha256_of(b"a lying registry's bytes")
        )
    );

    let blocking = c
        .blob(&server.host(), "lw/x", &wanted)
        .await
        .expect("response")
        .into_blocking();
    let res = tokio::task::spawn_blocking(move || {
        let mut b = blocking;
        b.read_to_end(&mut Vec::new())
    })
    .await
    .expect("join");
    assert!(res.is_err_and(|e| {
        registry_error(&e).is_some_and(|r| matches!(r, RegistryError::DigestMismatch { .. }))
    }));
}

#[tokio::test(flavor = "multi_thread")]
async fn throttling_and_server_errors_are_retried_then_succeed() {
    let server = Tiny::start(|_, n| match n {
        0 => Resp::new(429, "slow down"),
        1 => Resp::new(500, "oops"),
        _ => Resp::new(200, MANIFEST).header("Content-Type", OCI_MANIFEST),
    });
    let c = client(&[server.host()], StaticCredentials::new());
    let d = Digest::sha256_of(MANIFEST.as_bytes());
    let m = c
        .manifest(&server.host(), "lw/x", &ManifestRef::Digest(d.clone()))
        .await
        .expect("third attempt succeeds");
    assert_eq!(m.digest, d);
    assert_eq!(server.seen().len(), 3);

    let down = Tiny::start(|_, _| Resp::new(503, "down"));
    let c = client(&[down.host()], StaticCredentials::new());
    let err = c
        .manifest(&down.host(), "lw/x", &"v1".parse().expect("tag"))
        .await
        .expect_err("never up");
    assert!(
        matches!(err, RegistryError::RetriesExhausted { attempts: 4, .. }),
        "{err:?}"
    );
    assert!(err.is_retryable(), "the job may try again later");
    assert_eq!(down.seen().len(), 4, "bounded");

    let forbidden = Tiny::start(|_, _| Resp::new(403, "no"));
    let c = client(&[forbidden.host()], StaticCredentials::new());
    let err = c
        .manifest(&forbidden.host(), "lw/x", &"v1".parse().expect("tag"))
        .await
        .expect_err("403");
    assert!(
        matches!(err, RegistryError::Denied { status: 403, .. }) && !err.is_retryable(),
        "{err:?}"
    );
    assert_eq!(
        forbidden.seen().len(),
        1,
        "permanent errors are not retried"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn redirects_to_storage_drop_the_authorization_header() {
    let body = b"layer bytes in object storage".to_vec();
    let digest = Digest::sha256_of(&body);
    let storage = Tiny::start(move |_, _| Resp::new(200, body.clone()));
    let target = format!(
        "http://{}/bucket/blob?X-Amz-Signature=sekrit",
        storage.host()
    );
    let registry = Tiny::start(move |req, _| match req.header("authorization") {
        None => Resp::new(401, "").header("WWW-Authenticate", r#"Basic realm="r""#),
        Some(_) => Resp::new(307, "").header("Location", &target),
    });
    let creds = StaticCredentials::new().with(registry.host(), Credential::basic("u", "p"));
    let c = client(&[registry.host(), storage.host()], creds.clone());
    let mut r = c
        .blob(&registry.host(), "lw/x", &digest)
        .await
        .expect("redirected blob");
    let mut got = Vec::new();
    r.read_to_end(&mut got).await.expect("verified");
    assert_eq!(got, b"layer bytes in object storage");
    let seen = registry.seen();
    assert_eq!(seen.len(), 2);
    assert_eq!(
        seen[1].header("authorization"),
        Some("Basic dTpw"),
        "base64(u:p) to the registry"
    );
    assert_eq!(storage.seen().len(), 1);
    assert_eq!(
        storage.seen()[0].header("authorization"),
        None,
        "no credentials to object storage"
    );

    // A redirect to plain http on a host that is not listed is refused, and the signed URL is masked.
    let sneaky_target = format!("http://localhost:{}/bucket/blob?sig=sekrit", storage.port);
    let sneaky = Tiny::start(move |_, _| Resp::new(302, "").header("Location", &sneaky_target));
    let c = client(&[sneaky.host(), storage.host()], StaticCredentials::new());
    let err = c
        .blob(&sneaky.host(), "lw/x", &digest)
        .await
        .expect_err("not listed");
    assert!(matches!(err, RegistryError::Insecure { .. }), "{err:?}");
    assert!(!format!("{err} {err:?}").contains("sekrit"));
}

#[tokio::test(flavor = "multi_thread")]
async fn manifests_are_verified_and_schema1_is_unsupported() {
    let server = Tiny::start(|req, _| {
        if req.path.contains("schema1") {
            Resp::new(
                200,
                r#"{"schemaVersion":1,"name":"x","tag":"v1","fsLayers":[]}"#,
            )
            .header(
                "Content-Type",
                "application/vnd.docker.distribution.manifest.v1+prettyjws",
            )
        } else {
            let wrong = "sha256:0000000000000000000000000000000000000000000000000000000000000000";
            Resp::new(200, MANIFEST)
                .header("Content-Type", OCI_MANIFEST)
                .header("Docker-Content-Digest", wrong)
        }
    });
    let c = client(&[server.host()], StaticCredentials::new());
    let asked = Digest::sha256_of(b"some other manifest");
    let err = c
        .manifest(&server.host(), "lw/x", &ManifestRef::Digest(asked.clone()))
        .await
        .expect_err("by digest");
    assert!(
        matches!(&err, RegistryError::DigestMismatch { what: "manifest", expected, .. } if *expected == asked),
        "{err:?}"
    );
    let err = c
        .manifest(&server.host(), "lw/x", &"v1".parse().expect("tag"))
        .await
        .expect_err("header digest");
    assert!(
        matches!(
            err,
            RegistryError::DigestMismatch {
                what: "manifest",
                ..
            }
        ),
        "{err:?}"
    );
    let err = c
        .manifest(&server.host(), "lw/schema1", &"v1".parse().expect("tag"))
        .await
        .expect_err("schema 1");
    assert_eq!(
        err.to_string(),
        format!(
            "unsupported manifest {}/lw/schema1@v1: schema 1",
            server.host()
        )
    );
    let accept = server
        .seen()
        .last()
        .and_then(|r| r.header("accept").map(str::to_string))
        .expect("accept");
    for t in [
        OCI_MANIFEST,
        "application/vnd.oci.image.index.v1+json",
        "application/vnd.docker.distribution.manifest.v2+json",
        "application/vnd.docker.distribution.manifest.list.v2+json",
    ] {
        assert!(accept.contains(t), "Accept lists {t}: {accept}");
    }
}
