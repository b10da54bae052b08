//! Each rule on true and false examples. Secret-looking values are assembled at run time so
//! this file does not itself look like it leaks tokens to other scanners.

use std::process::Command;

use super::*;

fn rules(candidate: Candidate, text: &str) -> Vec<&'static str> {
    scan(candidate, text.as_bytes())
        .into_iter()
        .map(|f| f.rule)
        .collect()
}

fn key_body(lines: usize) -> String {
    (0..lines)
        .map(|i| format!("MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7{i:02}\n"))
        .collect()
}

fn pem(label: &str, body: &str) -> String {
    format!("-----BEGIN {label}-----\n{body}-----END {label}-----\n")
}

#[test]
fn private_keys_from_the_real_tools_are_found() {
    let dir = tempfile::tempdir().expect("tempdir");
    let rsa = dir.path().join("rsa.pem");
    let out = Command::new("openssl")
        .args([
            "genpkey",
            "-algorithm",
            "RSA",
            "-pkeyopt",
            "rsa_keygen_bits:1024",
            "-out",
        ])
        .arg(&rsa)
        .output()
        .expect("openssl must be installed");
    assert!(out.status.success(), "openssl genpkey failed");
    let ssh = dir.path().join("id_ed25519");
    let out = Command::new("ssh-keygen")
        .args(["-q", "-t", "ed25519", "-N", "", "-f"])
        .arg(&ssh)
        .output()
        .expect("ssh-keygen must be installed (openssh-client)");
    assert!(out.status.success(), "ssh-keygen failed");
    for (path, file) in [
        ("etc/ssl/private/server.pem", &rsa),
        ("root/.ssh/id_ed25519", &ssh),
    ] {
        let bytes = std::fs::read(file).expect("key");
        let candidate = candidate(path, bytes.len() as u64).expect("a key file is a candidate");
        let found = scan(candidate, &bytes);
        assert_eq!(
            found,
            vec![Found {
                rule: "private-key",
                line: 1
            }],
            "{path}"
        );
    }
    // The public half is not a secret.
    let public = std::fs::read(ssh.with_extension("pub")).expect("public key");
    assert!(scan(Candidate::KeyFile, &public).is_empty());
}

#[test]
fn private_key_rule_needs_a_body_not_just_the_marker() {
    let yes = [
        pem("RSA PRIVATE KEY", &key_body(4)),
        pem("OPENSSH PRIVATE KEY", &key_body(3)),
        // An encrypted PEM keeps its header lines.
        pem(
            "RSA PRIVATE KEY",
            &format!(
                "Proc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,00FF\n\n{}",
                key_body(3)
            ),
        ),
        // Embedded in JSON or a string with `\n` escapes.
        format!(
            "{{\"key\": \"-----BEGIN PRIVATE KEY-----\\n{}\\n-----END PRIVATE KEY-----\\n\"}}",
            key_body(2).replace('\n', "\\n")
        ),
    ];
    for text in &yes {
        assert_eq!(rules(Candidate::Text, text), vec!["private-key"], "{text}");
    }
    let no = [
        // A parser's constants.
        "const BEGIN: &str = \"-----BEGIN RSA PRIVATE KEY-----\";\nconst END: &str = \"-----END RSA PRIVATE KEY-----\";".to_string(),
        // Documentation with an elided body.
        pem("PRIVATE KEY", "...\n"),
        // A certificate and a public key are not private.
        pem("CERTIFICATE", &key_body(4)),
        pem("PUBLIC KEY", &key_body(4)),
        // Too short to be a key.
        pem("PRIVATE KEY", "MIIEvQIBADANBgkq\n"),
        // No end marker.
        format!("-----BEGIN PRIVATE KEY-----\n{}", key_body(4)),
    ];
    for text in &no {
        assert!(rules(Candidate::Text, text).is_empty(), "{text}");
    }
}

fn aws_id() -> String {
    format!("AKIA{}", "Q3ZR7WXYTL2M5N6P")
}

fn aws_secret() -> String {
    format!("{}{}", "tP9vQ2xR7+bN4mK8", "wL5jH3gF6dS1aZ0cV/yU2eI4")
}

#[test]
fn aws_access_key_needs_the_id_and_a_secret() {
    let (id, secret) = (aws_id(), aws_secret());
    let yes = [
        format!("AWS_ACCESS_KEY_ID={id}\nAWS_SECRET_ACCESS_KEY={secret}\n"),
        format!("{{\"AccessKeyId\": \"{id}\", \"SecretAccessKey\": \"{secret}\"}}"),
        format!("aws:\n  key: {id}\n  secret_access_key: '{secret}'\n"),
    ];
    for text in &yes {
        assert_eq!(
            rules(Candidate::Text, text),
            vec!["aws-access-key-pair"],
            "{text}"
        );
    }
    let no = [
        // An id alone, a secret alone.
        format!("AWS_ACCESS_KEY_ID={id}\n"),
        format!("AWS_SECRET_ACCESS_KEY={secret}\n"),
        // AWS's documentation pair.
        format!(
            "AWS_ACCESS_KEY_ID=AKIAIOSFODNN7{}\nAWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCY{}\n",
            "EXAMPLE", "EXAMPLEKEY"
        ),
        // Part of a longer word, or the wrong length.
        format!("X{id}\nsecret_access_key = {secret}\n"),
        format!("{id}\nsecret_access_key = {secret}X\n"),
    ];
    for text in &no {
        assert!(rules(Candidate::Text, text).is_empty(), "{text}");
    }
}

#[test]
fn aws_credentials_file_by_path_and_content() {
    let text = format!(
        "[default]\naws_access_key_id = {}\naws_secret_access_key = {}\n",
        aws_id(),
        aws_secret()
    );
    let c = candidate("root/.aws/credentials", text.len() as u64);
    assert_eq!(c, Some(Candidate::AwsFile));
    let found = scan(Candidate::AwsFile, text.as_bytes());
    assert_eq!(
        found,
        vec![Found {
            rule: "aws-credentials-file",
            line: 3
        }]
    );
    let template = "[default]\naws_access_key_id =\naws_secret_access_key = <your secret>\n";
    assert!(scan(Candidate::AwsFile, template.as_bytes()).is_empty());
    let profile = "[profile dev]\nregion = eu-west-1\noutput = json\n";
    assert!(scan(Candidate::AwsFile, profile.as_bytes()).is_empty());
}

#[test]
fn gcp_service_account_and_user_credentials() {
    let key = pem("PRIVATE KEY", &key_body(3)).replace('\n', "\\n");
    let sa = format!(
        "{{\"type\": \"service_account\", \"project_id\": \"p\", \"private_key_id\": \"0a\", \"private_key\": \"{key}\", \"client_email\": \"x@p.iam.gserviceaccount.com\"}}"
    );
    assert_eq!(
        candidate("app/sa-key.json", sa.len() as u64),
        Some(Candidate::Json)
    );
    assert_eq!(rules(Candidate::Json, &sa), vec!["gcp-credentials"]);
    let adc = "{\"client_id\": \"1.apps.googleusercontent.com\", \"client_secret\": \"d-FL95Q\", \"refresh_token\": \"1//0g\", \"type\": \"authorized_user\"}";
    let path = "root/.config/gcloud/application_default_credentials.json";
    assert_eq!(
        candidate(path, adc.len() as u64),
        Some(Candidate::GcloudFile)
    );
    assert_eq!(rules(Candidate::GcloudFile, adc), vec!["gcp-credentials"]);
    // The same text elsewhere is an OAuth client config, and a key-less account file is not a key.
    assert!(rules(Candidate::Json, adc).is_empty());
    let keyless =
        "{\"type\": \"service_account\", \"client_email\": \"x@p.iam.gserviceaccount.com\"}";
    assert!(rules(Candidate::Json, keyless).is_empty());
    assert!(
        rules(
            Candidate::Json,
            "{\"name\": \"left-pad\", \"version\": \"1.3.0\"}"
        )
        .is_empty()
    );
}

#[test]
fn azure_files_and_storage_keys() {
    let path = "root/.azure/msal_token_cache.json";
    assert_eq!(candidate(path, 100), Some(Candidate::AzureFile));
    let cache = "{\"AccessToken\": {\"k\": {\"secret\": \"eyJ0\"}}, \"RefreshToken\": {}}";
    assert_eq!(
        rules(Candidate::AzureFile, cache),
        vec!["azure-credentials-file"]
    );
    assert!(rules(Candidate::AzureFile, "{}").is_empty());
    let key = format!("{}==", "k3Yb".repeat(21) + "Qw");
    let conn = format!(
        "DefaultEndpointsProtocol=https;AccountName=acme;AccountKey={key};EndpointSuffix=core.windows.net"
    );
    assert_eq!(rules(Candidate::Text, &conn), vec!["azure-storage-key"]);
    let azurite = "AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";
    assert!(rules(Candidate::Text, azurite).is_empty());
    assert!(rules(Candidate::Text, "AccountKey=${STORAGE_KEY}").is_empty());
}

#[test]
fn dotenv_credentials_by_name_and_value() {
    for path in ["app/.env", "app/.env.production", "srv/prod.env"] {
        assert_eq!(candidate(path, 10), Some(Candidate::DotEnv), "{path}");
    }
    let yes = [
        "DB_HOST=db\nDB_PASSWORD=s3cr3t-Value\n",
        "export STRIPE_API_KEY=sk_live_abcdef123456\n",
        "JWT_SECRET=\"long random string\" # rotate monthly\n",
    ];
    for text in yes {
        let found = scan(Candidate::DotEnv, text.as_bytes());
        assert_eq!(
            found.first().map(|f| f.rule),
            Some("dotenv-credential"),
            "{text}"
        );
    }
    assert_eq!(scan(Candidate::DotEnv, yes[0].as_bytes())[0].line, 2);
    let no = [
        "DB_HOST=db\nDB_PORT=5432\nDEBUG=true\n",
        "DB_PASSWORD=\nAPI_TOKEN=${API_TOKEN}\nSECRET_KEY=<set me>\n",
        "POSTGRES_PASSWORD_FILE=/run/secrets/db\nGPG_KEY=A035C8C19219BA821ECEA86B64E628F8D684696D\n",
        "# DB_PASSWORD=old-value\nPASSWORD_MIN_LENGTH=12\n",
        "ADMIN_PASSWORD=changeme\nAPI_KEY=xxxxxxxx\n",
    ];
    for text in no {
        let found = scan(Candidate::DotEnv, text.as_bytes());
        // `PASSWORD_MIN_LENGTH=12` has a credential-looking name but a short value.
        assert!(found.is_empty(), "{text}: {found:?}");
    }
}

#[test]
fn platform_tokens_by_shape() {
    let gh = format!("ghp_{}", "a1B2c3D4e5F6".repeat(3));
    let pat = format!("github_pat_{}_{}", "11ABCDEFG0123456789abc", "Z".repeat(59));
    let gl = format!("glpat-{}", "xY3_zK9-wQ2mN7pL5rT8");
    let slack = format!(
        "xoxb-{}-{}-{}",
        "1234567890", "2345678901234", "AbCdEfGhIjKlMnOpQrStUvWx"
    );
    let hook = format!(
        "https://hooks.slack.com/services/T{}/B{}/{}",
        "0ABCDEFGH", "0IJKLMNOP", "aBcDeFgHiJkLmNoPqRsTuVwX"
    );
    let yes = [
        (format!("token: {gh}"), "github-token"),
        (format!("GH={pat}"), "github-token"),
        (
            format!("url = https://oauth2:{gl}@gitlab.com/x.git"),
            "gitlab-token",
        ),
        (format!("SLACK_TOKEN='{slack}'"), "slack-token"),
        (format!("webhook: {hook}"), "slack-token"),
    ];
    for (text, rule) in &yes {
        assert_eq!(rules(Candidate::Text, text), vec![*rule], "{text}");
        assert_eq!(scan_text(text), vec![*rule], "{text}");
    }
    let no = [
        // Wrong lengths, inside words, documentation shapes.
        format!("ghp_{}", "a1B2c3".repeat(5)),
        format!("xghp_{}", "a1B2c3D4e5F6".repeat(3)),
        "glpat-xxxxxxxx".to_string(),
        "xoxb-your-token-here".to_string(),
        "xoxp-123-456-abc".to_string(),
        "https://hooks.slack.com/services/T000/B000/XXXX".to_string(),
        "the ghp_ prefix marks a personal access token".to_string(),
    ];
    for text in &no {
        assert!(rules(Candidate::Text, text).is_empty(), "{text}");
    }
}

#[test]
fn registry_and_package_manager_credentials() {
    let docker = "{\"auths\": {\"registry.example.com\": {\"auth\": \"dXNlcjpwYXNz\"}}}";
    assert_eq!(
        candidate("root/.docker/config.json", 60),
        Some(Candidate::DockerConfig)
    );
    assert_eq!(
        rules(Candidate::DockerConfig, docker),
        vec!["docker-config-auth"]
    );
    let helper = "{\"auths\": {\"registry.example.com\": {}}, \"credsStore\": \"pass\"}";
    assert!(rules(Candidate::DockerConfig, helper).is_empty());

    let npmrc =
        "registry=https://registry.npmjs.org/\n//registry.npmjs.org/:_authToken=npm_aBcDeF123456\n";
    assert_eq!(rules(Candidate::Npmrc, npmrc), vec!["npm-token"]);
    let env_npmrc = "//registry.npmjs.org/:_authToken=${NPM_TOKEN}\n";
    assert!(rules(Candidate::Npmrc, env_npmrc).is_empty());

    let git = "https://alice:s3cretpass@github.com\n";
    assert_eq!(
        rules(Candidate::GitCredentials, git),
        vec!["git-credentials"]
    );
    assert!(rules(Candidate::GitCredentials, "https://alice@github.com\n").is_empty());
}

#[test]
fn candidates_are_chosen_by_name_size_and_folder() {
    assert_eq!(
        candidate("etc/ssh/ssh_host_ed25519_key", 400),
        Some(Candidate::KeyFile)
    );
    assert_eq!(
        candidate("etc/app/config.yaml", 1000),
        Some(Candidate::Text)
    );
    assert_eq!(candidate("root/.bash_history", 1000), Some(Candidate::Text));
    // Binaries, big files, empty files, docs and test folders are not read.
    assert_eq!(candidate("usr/bin/ssh", 1000), None);
    assert_eq!(candidate("etc/app/config.yaml", MAX_TEXT_FILE + 1), None);
    assert_eq!(
        candidate("etc/ssl/private/big.pem", MAX_NAMED_FILE + 1),
        None
    );
    assert_eq!(candidate("app/.env", 0), None);
    assert_eq!(candidate("usr/share/doc/openssl/demo.pem", 100), None);
    assert_eq!(candidate("usr/lib/python3.11/test/keycert.pem", 100), None);
    assert_eq!(
        candidate("srv/node_modules/x/tests/fixtures/key.pem", 100),
        None
    );
}

#[test]
fn credential_names_and_placeholders() {
    for name in [
        "DB_PASSWORD",
        "api_key",
        "GITHUB_TOKEN",
        "AWS_SECRET_ACCESS_KEY",
        "MYSQL_ROOT_PASSWORD",
        "client-secret",
        "PRIVATE_KEY",
    ] {
        assert!(credential_name(name), "{name}");
    }
    for name in [
        "PATH",
        "PWD",
        "GPG_KEY",
        "PASSWORD_FILE",
        "TOKEN_URL",
        "KEYRING",
        "PASSENGER_HOME",
        "HOSTNAME",
    ] {
        assert!(!credential_name(name), "{name}");
    }
    for value in [
        "",
        "$X",
        "${X}",
        "<x>",
        "****",
        "changeme",
        "none",
        "your-key-here",
        "/run/secrets/db",
    ] {
        assert!(is_placeholder(value), "{value:?}");
    }
    for value in ["hunter22", "s3cr3t-Value", "sk_live_abc123"] {
        assert!(!is_placeholder(value), "{value:?}");
    }
}
