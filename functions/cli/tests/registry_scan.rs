//! `layerwatch scan HOST:PORT/REPO:TAG` through the real binary against a real `docker-registry`
//! (plain http, loopback): the Alpine 3.20.3 minirootfs pushed by skopeo from an OCI layout
//! written here gives the packages of its apk database and the same report as the layout
//! scanned locally; Basic credentials come from the environment or the Docker config file.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use layerwatch_oci::Digest;
use serde_json::{Value, json};
use tempfile::TempDir;

fn shared() -> PathBuf {
    let dir = std::env::var_os("LAYERWATCH_SHARED")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared"));
    assert!(
        dir.join("data").is_dir(),
        "shared data not found at {} (set LAYERWATCH_SHARED)",
        dir.display()
    );
    dir
}

fn minirootfs() -> PathBuf {
    shared().join("data/images/alpine-minirootfs/alpine-minirootfs-3.20.3-x86_64.tar.gz")
}

fn sh(script: &str) -> Vec<u8> {
    let out = Command::new("sh")
        .args(["-c", script])
        .output()
        .expect("sh");
    assert!(
        out.status.success(),
        "`{script}` failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

/// A `docker-registry` on a free loopback port, optionally with one htpasswd user; killed on drop.
struct Registry {
    host: String,
    child: Child,
    _dir: TempDir,
}

impl Registry {
    fn start(user: Option<(&str, &str)>) -> Registry {
        let dir = tempfile::tempdir().expect("tempdir");
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("free port")
            .port();
        let auth = match user {
            None => String::new(),
            Some((u, p)) => {
                let line = sh(&format!("htpasswd -Bbn {u} {p}"));
                let path = dir.path().join("htpasswd");
                std::fs::write(&path, line).expect("htpasswd");
                format!(
                    "auth: {{htpasswd: {{realm: r, path: {}}}}}\n",
                    path.display()
                )
            }
        };
        let config = format!(
            "version: 0.1\nlog: {{level: warn, accesslog: {{disabled: true}}}}\n\
             storage: {{filesystem: {{rootdirectory: {}}}}}\nhttp: {{addr: \"127.0.0.1:{port}\"}}\n{auth}",
            dir.path().join("storage").display()
        );
        std::fs::write(dir.path().join("registry.yml"), config).expect("config");
        let child = Command::new("docker-registry")
            .arg("serve")
            .arg(dir.path().join("registry.yml"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("docker-registry must be installed (apt-get install docker-registry)");
        let deadline = Instant::now() + Duration::from_secs(15);
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(Instant::now() < deadline, "docker-registry did not listen");
            std::thread::sleep(Duration::from_millis(50));
        }
        Registry {
            host: format!("127.0.0.1:{port}"),
            child,
            _dir: dir,
        }
    }
}

impl Drop for Registry {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// An OCI layout whose one layer is the minirootfs tarball itself (already a gzip tar);
/// returns the manifest digest and layer digest it wrote.
fn alpine_layout(dir: &Path) -> (Digest, Digest) {
    let blobs = dir.join("blobs/sha256");
    std::fs::create_dir_all(&blobs).expect("blobs");
    std::fs::write(dir.join("oci-layout"), r#"{"imageLayoutVersion":"1.0.0"}"#).expect("layout");
    let put = |bytes: &[u8]| {
        let d = Digest::sha256_of(bytes);
        std::fs::write(blobs.join(d.hex()), bytes).expect("blob");
        d
    };
    let layer = std::fs::read(minirootfs()).expect("minirootfs");
    let diff_id = Digest::sha256_of(&sh(&format!("gunzip -c '{}'", minirootfs().display())));
    let layer_digest = put(&layer);
    let config = json!({"architecture": "amd64", "os": "linux", "config": {},
        "rootfs": {"type": "layers", "diff_ids": [diff_id.to_string()]}})
    .to_string();
    let config_digest = put(config.as_bytes());
    let manifest =
        json!({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
        "config": {"mediaType": "application/vnd.oci.image.config.v1+json",
                   "digest": config_digest.to_string(), "size": config.len()},
        "layers": [{"mediaType": "application/vnd.oci.image.layer.v1.tar+gzip",
                    "digest": layer_digest.to_string(), "size": layer.len()}]})
        .to_string();
    let manifest_digest = put(manifest.as_bytes());
    let index = json!({"schemaVersion": 2, "manifests": [{
        "mediaType": "application/vnd.oci.image.manifest.v1+json",
        "digest": manifest_digest.to_string(), "size": manifest.len()}]});
    std::fs::write(dir.join("index.json"), index.to_string()).expect("index.json");
    (manifest_digest, layer_digest)
}

fn push(layout: &Path, dest: &str, creds: Option<(&str, &str)>) {
    let mut cmd = Command::new("skopeo");
    cmd.args(["copy", "--quiet", "--dest-tls-verify=false"]);
    if let Some((u, p)) = creds {
        cmd.arg(format!("--dest-creds={u}:{p}"));
    }
    let out = cmd
        .arg(format!("oci:{}", layout.display()))
        .arg(format!("docker://{dest}"))
        .output()
        .expect("skopeo must be installed");
    assert!(
        out.status.success(),
        "skopeo: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// `layerwatch scan --no-match -f json ARGS...` with `env` set and no Docker config of the user.
fn layerwatch(args: &[&str], env: &[(&str, &str)], docker_config: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_layerwatch"))
        .args(["scan", "--no-match", "-f", "json"])
        .args(args)
        .env_remove("LAYERWATCH_REGISTRY_USERNAME")
        .env_remove("LAYERWATCH_REGISTRY_PASSWORD")
        .env_remove("LAYERWATCH_REGISTRY_HOST")
        .env("DOCKER_CONFIG", docker_config)
        .envs(env.iter().copied())
        .output()
        .expect("run layerwatch")
}

fn report(out: &Output) -> Value {
    assert!(
        out.status.success(),
        "layerwatch failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let value: Value = serde_json::from_slice(&out.stdout).expect("json report");
    match value {
        Value::Array(mut reports) => {
            assert_eq!(reports.len(), 1, "one platform");
            reports.remove(0)
        }
        report => report,
    }
}

fn apk_pairs() -> BTreeSet<(String, String)> {
    let db = sh(&format!(
        "tar -xzOf '{}' ./lib/apk/db/installed",
        minirootfs().display()
    ));
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

fn packages(report: &Value) -> BTreeSet<(String, String)> {
    report["packages"]
        .as_array()
        .expect("packages")
        .iter()
        .map(|p| {
            (
                p["name"].as_str().expect("name").into(),
                p["version"].as_str().expect("version").into(),
            )
        })
        .collect()
}

#[test]
fn scan_from_a_plain_http_registry_equals_the_local_layout() {
    let reg = Registry::start(None);
    let tmp = tempfile::tempdir().expect("tempdir");
    let layout = tmp.path().join("alpine.oci");
    let (manifest, layer) = alpine_layout(&layout);
    push(&layout, &format!("{}/test/alpine:3.20", reg.host), None);
    let target = format!("{}/test/alpine:3.20", reg.host);

    let out = layerwatch(
        &["--insecure-registry", &reg.host, &target],
        &[],
        tmp.path(),
    );
    let mut remote = report(&out);
    assert_eq!(remote["artifact"]["reference"], json!(target));
    assert_eq!(
        remote["artifact"]["manifest_digest"],
        json!(manifest.to_string())
    );
    assert_eq!(remote["layers"][0]["digest"], json!(layer.to_string()));
    assert_eq!(packages(&remote), apk_pairs());
    assert!(packages(&remote).len() > 10);

    let mut local = report(&layerwatch(
        &[&format!("oci:{}", layout.display())],
        &[],
        tmp.path(),
    ));
    remote["artifact"]["reference"] = json!("");
    local["artifact"]["reference"] = json!("");
    assert_eq!(remote, local, "only the reference may differ");

    // Without --insecure-registry the client insists on https and fails, naming the host.
    let out = layerwatch(&[&target], &[], tmp.path());
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains(&reg.host), "{stderr}");
}

#[test]
fn credentials_come_from_the_environment_or_the_docker_config() {
    let (user, password) = ("scanner", "s3cret-pw");
    let reg = Registry::start(Some((user, password)));
    let tmp = tempfile::tempdir().expect("tempdir");
    let layout = tmp.path().join("alpine.oci");
    alpine_layout(&layout);
    push(
        &layout,
        &format!("{}/test/alpine:3.20", reg.host),
        Some((user, password)),
    );
    let target = format!("{}/test/alpine:3.20", reg.host);
    let args = ["--insecure-registry", reg.host.as_str(), target.as_str()];

    let anonymous = layerwatch(&args, &[], tmp.path());
    assert!(!anonymous.status.success());
    let stderr = String::from_utf8_lossy(&anonymous.stderr);
    assert!(
        stderr.contains("denied") && stderr.contains("test/alpine"),
        "{stderr}"
    );

    let env = [
        ("LAYERWATCH_REGISTRY_USERNAME", user),
        ("LAYERWATCH_REGISTRY_PASSWORD", password),
    ];
    assert_eq!(
        packages(&report(&layerwatch(&args, &env, tmp.path()))),
        apk_pairs()
    );

    let docker = tmp.path().join("docker");
    std::fs::create_dir_all(&docker).expect("docker dir");
    let auth = String::from_utf8(sh(&format!("printf '%s' '{user}:{password}' | base64 -w0")))
        .expect("base64");
    let config = json!({"auths": {reg.host.as_str(): {"auth": auth}}});
    std::fs::write(docker.join("config.json"), config.to_string()).expect("config.json");
    let out = layerwatch(&args, &[], &docker);
    assert_eq!(packages(&report(&out)), apk_pairs());
    assert!(!String::from_utf8_lossy(&out.stderr).contains(password));
}
