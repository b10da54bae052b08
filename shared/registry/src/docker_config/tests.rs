//! Docker config parsing and credential helpers (fake helpers are shell scripts in a temp dir).

use std::os::unix::fs::PermissionsExt;

use super::*;

fn basic(c: &Credential) -> (String, String) {
    match c {
        Credential::Basic { username, password } => {
            (username.clone(), password.expose().to_string())
        }
        other => panic!("expected Basic, got {other:?}"),
    }
}

#[tokio::test]
async fn auths_are_base64_user_password_and_hub_aliases_match() {
    // "dXNlcjpwYXNz" is base64("user:pass"), "YUBiOmM6ZA==" is base64("a@b:c:d").
    let cfg = DockerConfig::from_json(
        br#"{"auths":{"https://index.docker.io/v1/":{"auth":"dXNlcjpwYXNz"},
        "reg.example:5000":{"auth":"YUBiOmM6ZA=="},"tok.example":{"identitytoken":"rt"},
        "marker.example":{}}}"#,
    )
    .unwrap();
    assert_eq!(
        basic(&cfg.credential("registry-1.docker.io").await.unwrap()),
        ("user".into(), "pass".into())
    );
    assert_eq!(
        basic(&cfg.credential("reg.example:5000").await.unwrap()),
        ("a@b".into(), "c:d".into())
    );
    assert!(
        matches!(cfg.credential("tok.example").await.unwrap(), Credential::RefreshToken(t) if t.expose() == "rt")
    );
    assert!(
        cfg.credential("marker.example")
            .await
            .unwrap()
            .is_anonymous()
    );
    assert!(
        cfg.credential("unknown.example")
            .await
            .unwrap()
            .is_anonymous()
    );
    assert!(!format!("{cfg:?}").contains("dXNlcjpwYXNz"));
}

#[test]
fn bad_base64_names_the_registry_not_the_value() {
    let err =
        DockerConfig::from_json(br#"{"auths":{"r.example":{"auth":"%%%secret"}}}"#).unwrap_err();
    let msg = err.to_string();
    assert!(
        msg.contains("r.example") && !msg.contains("secret"),
        "{msg}"
    );
}

#[tokio::test]
async fn cred_helpers_and_creds_store_run_the_helper() {
    let dir = tempfile::tempdir().unwrap();
    let script = |name: &str, body: &str| {
        let p = dir.path().join(format!("docker-credential-{name}"));
        std::fs::write(&p, format!("#!/bin/sh\n{body}\n")).unwrap();
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o755)).unwrap();
    };
    // The helper protocol: `get` with the server URL on stdin, JSON on stdout.
    script(
        "fake",
        r#"[ "$1" = get ] || exit 3; read host; printf '{"ServerURL":"%s","Username":"u-%s","Secret":"s3cret"}' "$host" "$host""#,
    );
    script(
        "tokens",
        r#"read host; printf '{"Username":"<token>","Secret":"refresh-%s"}' "$host""#,
    );
    script(
        "empty",
        r#"echo "credentials not found in native keychain"; exit 1"#,
    );
    let cfg = DockerConfig::from_json(
        br#"{"credHelpers":{"helped.example":"fake","tok.example":"tokens"},"credsStore":"empty",
        "auths":{"helped.example":{"auth":"dXNlcjpwYXNz"}}}"#,
    )
    .unwrap()
    .with_helper_prefix(dir.path().join("docker-credential-"));
    assert_eq!(
        basic(&cfg.credential("helped.example").await.unwrap()),
        ("u-helped.example".into(), "s3cret".into()),
        "credHelpers win over auths"
    );
    assert!(matches!(cfg.credential("tok.example").await.unwrap(),
        Credential::RefreshToken(t) if t.expose() == "refresh-tok.example"));
    assert!(
        cfg.credential("other.example")
            .await
            .unwrap()
            .is_anonymous(),
        "store has nothing"
    );

    let missing = DockerConfig::from_json(br#"{"credsStore":"nope"}"#)
        .unwrap()
        .with_helper_prefix(dir.path().join("docker-credential-"));
    let err = missing.credential("x.example").await.unwrap_err();
    assert!(err.to_string().contains("docker-credential-nope"), "{err}");
}
