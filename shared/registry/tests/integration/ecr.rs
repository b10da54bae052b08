//! ECR: moto answers `GetAuthorizationToken` (always `AWS:123456789012-auth-token`), and a local
//! registry with that user in htpasswd stands in for ECR's data plane, as LOCAL-STACK.md found.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Arc;

use layerwatch_registry::ecr::EcrCredentials;
use layerwatch_registry::{ClientConfig, CredentialProvider, RegistryClient};

use crate::support::{self, Proc, Registry, RegistryAuth};

#[tokio::test(flavor = "multi_thread")]
async fn ecr_token_from_moto_opens_the_registry() {
    let moto = std::env::var_os("LAYERWATCH_MOTO_SERVER")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            Path::new(env!("CARGO_MANIFEST_DIR")).join("../../.venv/bin/moto_server")
        });
    assert!(
        moto.exists(),
        "moto is required for the ECR test: {} is missing (python3 -m venv .venv && .venv/bin/pip install 'moto[server]')",
        moto.display()
    );
    let port = support::free_port();
    let child = Command::new(&moto)
        .args(["-H", "127.0.0.1", "-p", &port.to_string()])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start moto_server");
    let _moto = Proc(child, "moto_server");
    support::wait_port(port, "moto_server");

    let reg = Registry::start(RegistryAuth::Htpasswd {
        user: "AWS".into(),
        password: "123456789012-auth-token".into(),
    });
    let (_tmp, layout) = support::hello_world_layout();
    support::push(
        &format!("oci:{}", layout.display()),
        &reg.host,
        "team/app:v1",
        Some(("AWS", "123456789012-auth-token")),
        &[],
    );

    let sdk = aws_config::defaults(aws_config::BehaviorVersion::latest())
        .region(aws_config::Region::new("us-east-1"))
        .credentials_provider(aws_sdk_ecr::config::Credentials::new(
            "testing", "testing", None, None, "test",
        ))
        .load()
        .await;
    let ecr = EcrCredentials::from_sdk_config(sdk)
        .with_endpoint_url(format!("http://127.0.0.1:{port}"))
        .with_fallback_region("us-east-1");
    let cred = ecr
        .credential(&reg.host)
        .await
        .expect("GetAuthorizationToken via moto");
    assert!(
        format!("{cred:?}").contains("AWS") && !format!("{cred:?}").contains("auth-token"),
        "{cred:?}"
    );

    let c = RegistryClient::new(ClientConfig {
        credentials: Arc::new(ecr),
        insecure_hosts: vec![reg.host.clone()],
        ..ClientConfig::default()
    })
    .expect("client");
    let m = c
        .manifest(&reg.host, "team/app", &"v1".parse().expect("tag"))
        .await
        .expect("manifest with the ECR token");
    assert_eq!(
        m.digest.to_string(),
        support::layout_manifest(&layout, None)["digest"]
            .as_str()
            .expect("digest")
    );
}
