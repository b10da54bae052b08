//! The managed-identity token source against a tiny stand-in for the App Service identity
//! endpoint (the protocol as Azure documents it; not a real Azure host).

use std::time::{SystemTime, UNIX_EPOCH};

use layerwatch_registry::acr::{ACR_RESOURCE, ManagedIdentityTokenSource};
use layerwatch_registry::{Secret, TokenSource};

use crate::support::tiny::{Resp, Tiny};

#[tokio::test(flavor = "multi_thread")]
async fn identity_endpoint_protocol_and_caching() {
    let expires = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .expect("clock")
        .as_secs()
        + 3600;
    let server = Tiny::start(move |req, _| {
        if req.header("x-identity-header") != Some("id-secret") {
            return Resp::new(401, "{}");
        }
        Resp::new(
            200,
            format!(r#"{{"access_token":"mi-token","expires_on":"{expires}","resource":"x"}}"#),
        )
    });
    let endpoint = format!("http://{}/msi/token", server.host());
    let source = ManagedIdentityTokenSource::new(
        endpoint.clone(),
        Some(Secret::new("id-secret")),
        Some("client-1".into()),
    )
    .expect("source");
    assert_eq!(
        source.entra_token().await.expect("token").expose(),
        "mi-token"
    );
    assert_eq!(
        source.entra_token().await.expect("cached").expose(),
        "mi-token"
    );
    let seen = server.seen();
    assert_eq!(seen.len(), 1, "cached until shortly before expires_on");
    let url = url::Url::parse(&format!("http://x{}", seen[0].path)).expect("url");
    let q: Vec<(String, String)> = url.query_pairs().into_owned().collect();
    assert!(
        q.contains(&("resource".into(), ACR_RESOURCE.into())),
        "{q:?}"
    );
    assert!(
        q.contains(&("api-version".into(), "2019-08-01".into())),
        "{q:?}"
    );
    assert!(
        q.contains(&("client_id".into(), "client-1".into())),
        "{q:?}"
    );

    let wrong =
        ManagedIdentityTokenSource::new(endpoint, Some(Secret::new("nope")), None).expect("source");
    let err = wrong.entra_token().await.expect_err("401");
    assert!(
        err.to_string().contains("401") && !err.to_string().contains("nope"),
        "{err}"
    );
}
