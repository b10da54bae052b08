//! Bearer token auth against a real registry whose token server is a test stand-in (Python,
//! RS256 JWTs with x5c). The same stand-in serves ACR's `/oauth2/exchange` and `/oauth2/token`,
//! so the ACR flow is checked against a stand-in, not a real ACR.

use std::sync::Arc;

use layerwatch_registry::{
    ClientConfig, Credential, RegistryClient, RegistryError, StaticCredentials, StaticTokenSource,
};
use tokio::io::AsyncReadExt;

use crate::support::{self, ENTRA_TOKEN, Registry, RegistryAuth, SERVICE, TokenServer};

fn client(credentials: StaticCredentials) -> RegistryClient {
    // The token server is another port on the same host: list the host without a port.
    RegistryClient::new(ClientConfig {
        credentials: Arc::new(credentials),
        insecure_hosts: vec!["127.0.0.1".into()],
        ..ClientConfig::default()
    })
    .expect("client")
}

fn start() -> (TokenServer, Registry) {
    let ts = TokenServer::start("tokuser", "tokpass");
    let reg = Registry::start(RegistryAuth::Token {
        realm: ts.realm(),
        service: SERVICE.into(),
        issuer: "test-issuer".into(),
        cert: ts.cert.clone(),
    });
    let (_tmp, layout) = support::hello_world_layout();
    for repo in ["lw/a:v1", "lw/b:v1"] {
        support::push(
            &format!("oci:{}", layout.display()),
            &reg.host,
            repo,
            Some(("tokuser", "tokpass")),
            &[],
        );
    }
    std::fs::write(&ts.log, "").expect("clear log");
    (ts, reg)
}

#[tokio::test(flavor = "multi_thread")]
async fn bearer_flow_with_basic_credentials_caches_the_token_per_scope() {
    let (ts, reg) = start();
    let c = client(
        StaticCredentials::new().with(reg.host.clone(), Credential::basic("tokuser", "tokpass")),
    );
    let m = c
        .manifest(&reg.host, "lw/a", &"v1".parse().expect("tag"))
        .await
        .expect("manifest");
    let manifest: serde_json::Value = serde_json::from_slice(&m.bytes).expect("json");
    let layer = manifest["layers"][0]["digest"]
        .as_str()
        .expect("layer")
        .parse()
        .expect("digest");
    let mut blob = c.blob(&reg.host, "lw/a", &layer).await.expect("blob");
    let mut bytes = Vec::new();
    blob.read_to_end(&mut bytes).await.expect("verified");
    assert!(
        c.blob_exists(&reg.host, "lw/a", &layer)
            .await
            .expect("head")
    );
    let gets: Vec<String> = ts
        .requests()
        .into_iter()
        .filter(|l| l.starts_with("GET"))
        .collect();
    assert_eq!(
        gets,
        vec!["GET /oauth2/token grant=none auth=Basic"],
        "one token for three requests in one scope"
    );

    c.manifest(&reg.host, "lw/b", &"v1".parse().expect("tag"))
        .await
        .expect("second repository");
    assert_eq!(ts.requests().len(), 2, "a new scope needs a new token");

    let anon = client(StaticCredentials::new());
    let err = anon
        .manifest(&reg.host, "lw/a", &"v1".parse().expect("tag"))
        .await
        .expect_err("anonymous token has no access");
    assert!(
        matches!(err, RegistryError::Denied { status: 401, .. }),
        "{err:?}"
    );
    assert!(err.to_string().contains("lw/a@v1"), "{err}");

    let wrong = client(
        StaticCredentials::new().with(reg.host.clone(), Credential::basic("tokuser", "nope")),
    );
    let err = wrong
        .manifest(&reg.host, "lw/a", &"v1".parse().expect("tag"))
        .await
        .expect_err("bad password");
    assert!(matches!(err, RegistryError::Denied { .. }), "{err:?}");
    assert!(err.to_string().contains("token server"), "{err}");
}

#[tokio::test(flavor = "multi_thread")]
async fn acr_flow_exchanges_the_entra_token_and_never_uses_basic() {
    let (ts, reg) = start();
    let source = Arc::new(StaticTokenSource::new(ENTRA_TOKEN));
    let c = client(StaticCredentials::new().with(reg.host.clone(), Credential::AzureAd(source)));
    let a = c
        .manifest(&reg.host, "lw/a", &"v1".parse().expect("tag"))
        .await
        .expect("manifest via ACR flow");
    let b = c
        .manifest(&reg.host, "lw/b", &"v1".parse().expect("tag"))
        .await
        .expect("second repository");
    assert_eq!(a.digest, b.digest);
    assert_eq!(
        ts.requests(),
        vec![
            "POST /oauth2/exchange grant=access_token auth=none",
            "POST /oauth2/token grant=refresh_token auth=none",
            "POST /oauth2/token grant=refresh_token auth=none",
        ],
        "one exchange, then one repository-scoped token per scope; no Basic, no GET"
    );

    // A Docker config `identitytoken` takes the same refresh-token path, without the exchange.
    std::fs::write(&ts.log, "").expect("clear log");
    let rt = Credential::RefreshToken(layerwatch_registry::Secret::new("docker-identity-token"));
    let c = client(StaticCredentials::new().with(reg.host.clone(), rt));
    c.manifest(&reg.host, "lw/a", &"v1".parse().expect("tag"))
        .await
        .expect("identity token");
    assert_eq!(
        ts.requests(),
        vec!["POST /oauth2/token grant=refresh_token auth=none"]
    );

    let bad = client(StaticCredentials::new().with(
        reg.host.clone(),
        Credential::AzureAd(Arc::new(StaticTokenSource::new("wrong"))),
    ));
    let err = bad
        .manifest(&reg.host, "lw/a", &"v1".parse().expect("tag"))
        .await
        .expect_err("bad entra token");
    assert!(matches!(err, RegistryError::Denied { .. }), "{err:?}");
    assert!(
        !err.to_string().contains("wrong"),
        "the token is not in the message: {err}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn tokens_are_fetched_again_after_they_expire() {
    use crate::support::tiny::{Resp, Tiny};
    let tokens =
        Tiny::start(|_, n| Resp::new(200, format!(r#"{{"token":"t{n}","expires_in":1}}"#)));
    let realm = format!("http://{}/token", tokens.host());
    let registry = Tiny::start(move |req, _| match req.header("authorization") {
        Some(a) if a.starts_with("Bearer t") => Resp::new(404, ""),
        _ => Resp::new(401, "").header(
            "WWW-Authenticate",
            &format!(r#"Bearer realm="{realm}",service="svc""#),
        ),
    });
    let c = client(StaticCredentials::new());
    let digest = layerwatch_oci::Digest::sha256_of(b"x");
    assert!(
        !c.blob_exists(&registry.host(), "lw/a", &digest)
            .await
            .expect("head")
    );
    assert!(
        !c.blob_exists(&registry.host(), "lw/a", &digest)
            .await
            .expect("head")
    );
    assert_eq!(tokens.seen().len(), 1, "cached within its lifetime");
    let q = &tokens.seen()[0].path;
    assert!(
        q.contains("service=svc") && q.contains("scope=repository%3Alw%2Fa%3Apull"),
        "{q}"
    );
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    assert!(
        !c.blob_exists(&registry.host(), "lw/a", &digest)
            .await
            .expect("head")
    );
    assert_eq!(tokens.seen().len(), 2, "a new token after expires_in");
    assert_eq!(
        registry
            .seen()
            .last()
            .and_then(|r| r.header("authorization").map(str::to_string))
            .as_deref(),
        Some("Bearer t1")
    );
}
