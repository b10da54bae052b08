//! The managed-identity path. Entra ID has no local stand-in, so an in-process fake plays both
//! the Functions identity endpoint (`IDENTITY_ENDPOINT` protocol, api-version 2019-08-01) and a
//! storage endpoint that records what it was sent: the test checks that storage calls carry
//! the identity's token as `Bearer`, that the storage audience was asked for, and that the
//! token is cached between calls.

use std::sync::{Arc, Mutex};

use layerwatch_azure::{AzureConfig, AzureStorage, Credential, ManagedIdentity};
use layerwatch_pipeline::ObjectStore;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

#[derive(Default)]
struct Seen {
    token_queries: Vec<String>,
    identity_headers: Vec<String>,
    storage_auth: Vec<String>,
}

async fn serve(listener: tokio::net::TcpListener, seen: Arc<Mutex<Seen>>) {
    loop {
        let Ok((mut sock, _)) = listener.accept().await else {
            return;
        };
        let seen = seen.clone();
        tokio::spawn(async move {
            let mut buf = Vec::new();
            let mut chunk = [0u8; 4096];
            while !buf.windows(4).any(|w| w == b"\r\n\r\n") {
                match sock.read(&mut chunk).await {
                    Ok(0) | Err(_) => return,
                    Ok(n) => buf.extend_from_slice(&chunk[..n]),
                }
            }
            let head = String::from_utf8_lossy(&buf).to_string();
            let target = head.split_whitespace().nth(1).unwrap_or("").to_string();
            let header = |name: &str| {
                head.lines()
                    .find_map(|l| {
                        l.split_once(':')
                            .filter(|(k, _)| k.eq_ignore_ascii_case(name))
                            .map(|(_, v)| v.trim().to_string())
                    })
                    .unwrap_or_default()
            };
            let resp = if target.starts_with("/msi/token") {
                let mut s = seen.lock().expect("lock");
                s.token_queries.push(target.clone());
                s.identity_headers.push(header("x-identity-header"));
                let body = r#"{"access_token":"fake-token-1","expires_on":"4102444800","token_type":"Bearer"}"#;
                format!(
                    "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                    body.len()
                )
            } else {
                seen.lock()
                    .expect("lock")
                    .storage_auth
                    .push(header("authorization"));
                "HTTP/1.1 404 Not Found\r\nx-ms-error-code: BlobNotFound\r\nContent-Length: 0\r\nConnection: close\r\n\r\n".to_string()
            };
            let _ = sock.write_all(resp.as_bytes()).await;
        });
    }
}

#[test]
fn storage_calls_carry_the_managed_identity_token() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .expect("runtime");
    let listener = runtime
        .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
        .expect("bind");
    let port = listener.local_addr().expect("addr").port();
    let seen = Arc::new(Mutex::new(Seen::default()));
    runtime.spawn(serve(listener, seen.clone()));

    let identity = ManagedIdentity::new(
        format!("http://127.0.0.1:{port}/msi/token"),
        Some("header-secret".into()),
        None,
    )
    .expect("identity");
    let endpoint: url::Url = format!("http://127.0.0.1:{port}/acct")
        .parse()
        .expect("url");
    let config = AzureConfig {
        blob_endpoint: endpoint.clone(),
        queue_endpoint: endpoint,
        container: "c".into(),
        layer_queue: "l".into(),
        assemble_queue: "a".into(),
        credential: Credential::Token(Arc::new(identity)),
    };
    let storage = AzureStorage::new(&config, runtime.handle().clone()).expect("storage");
    assert_eq!(storage.get("reports/x.json").expect("get"), None);
    assert_eq!(storage.get("reports/y.json").expect("get"), None);

    let seen = seen.lock().expect("lock");
    assert_eq!(
        seen.storage_auth,
        vec!["Bearer fake-token-1", "Bearer fake-token-1"]
    );
    assert_eq!(
        seen.token_queries.len(),
        1,
        "the token is cached: {:?}",
        seen.token_queries
    );
    assert!(
        seen.token_queries[0].contains("resource=https%3A%2F%2Fstorage.azure.com%2F"),
        "{:?}",
        seen.token_queries
    );
    assert!(seen.token_queries[0].contains("api-version=2019-08-01"));
    assert_eq!(seen.identity_headers, vec!["header-secret"]);
}
