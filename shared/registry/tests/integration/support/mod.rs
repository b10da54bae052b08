//! Test support: real `docker-registry` processes, the Python token server, image pushes with
//! skopeo and umoci, and tiny in-process HTTP servers for faults a real registry never makes.
//! Every process is started on a free loopback port and killed when its guard drops.

#![allow(dead_code)]

pub mod tiny;

use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use tempfile::TempDir;

/// The project's shared data folder (`$LAYERWATCH_SHARED` or `<workspace>/../shared`).
pub fn shared_dir() -> PathBuf {
    let dir = match std::env::var_os("LAYERWATCH_SHARED") {
        Some(d) => PathBuf::from(d),
        None => Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared"),
    };
    assert!(
        dir.join("data/images").is_dir(),
        "shared data folder not found at {} (set LAYERWATCH_SHARED)",
        dir.display()
    );
    dir
}

pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .expect("bind loopback")
        .local_addr()
        .expect("addr")
        .port()
}

pub fn wait_port(port: u16, what: &str) {
    let deadline = Instant::now() + Duration::from_secs(15);
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            Instant::now() < deadline,
            "{what} did not listen on 127.0.0.1:{port}"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// A child process killed (by its own pid) on drop.
pub struct Proc(pub Child, pub &'static str);

impl Drop for Proc {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

pub fn run(cmd: &mut Command) -> String {
    let out = cmd
        .stderr(Stdio::piped())
        .stdout(Stdio::piped())
        .output()
        .unwrap_or_else(|e| panic!("cannot run {cmd:?}: {e} (is it installed?)"));
    assert!(
        out.status.success(),
        "{cmd:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// How a test registry authenticates.
pub enum RegistryAuth {
    None,
    Htpasswd {
        user: String,
        password: String,
    },
    Token {
        realm: String,
        service: String,
        issuer: String,
        cert: PathBuf,
    },
}

/// A `docker-registry` process with its storage in a temp dir.
pub struct Registry {
    pub host: String,
    pub port: u16,
    _proc: Proc,
    _dir: TempDir,
}

impl Registry {
    pub fn start(auth: RegistryAuth) -> Registry {
        let dir = tempfile::tempdir().expect("tempdir");
        let port = free_port();
        let root = dir.path().join("storage");
        let auth_yaml = match auth {
            RegistryAuth::None => String::new(),
            RegistryAuth::Htpasswd { user, password } => {
                let line = run(Command::new("htpasswd").args(["-Bbn", &user, &password]));
                let path = dir.path().join("htpasswd");
                std::fs::write(&path, line).expect("write htpasswd");
                format!(
                    "auth: {{htpasswd: {{realm: basic-realm, path: {}}}}}\n",
                    path.display()
                )
            }
            RegistryAuth::Token {
                realm,
                service,
                issuer,
                cert,
            } => format!(
                "auth: {{token: {{realm: \"{realm}\", service: {service}, issuer: {issuer}, rootcertbundle: {}}}}}\n",
                cert.display()
            ),
        };
        let config = format!(
            "version: 0.1\nlog: {{level: warn, accesslog: {{disabled: true}}}}\n\
             storage: {{filesystem: {{rootdirectory: {}}}, delete: {{enabled: true}}}}\n\
             http: {{addr: \"127.0.0.1:{port}\"}}\n{auth_yaml}",
            root.display()
        );
        let cfg = dir.path().join("registry.yml");
        std::fs::write(&cfg, config).expect("write config");
        let child = Command::new("docker-registry")
            .arg("serve")
            .arg(&cfg)
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(dir.path().join("registry.log")).expect("log"))
            .spawn()
            .expect("docker-registry must be installed (apt-get install docker-registry)");
        let proc = Proc(child, "docker-registry");
        wait_port(port, "docker-registry");
        Registry {
            host: format!("127.0.0.1:{port}"),
            port,
            _proc: proc,
            _dir: dir,
        }
    }
}

/// The Python token server (a stand-in for a Docker token service and ACR's OAuth2 endpoints).
pub struct TokenServer {
    pub port: u16,
    pub cert: PathBuf,
    pub log: PathBuf,
    _proc: Proc,
    _dir: TempDir,
}

pub const SERVICE: &str = "test-registry";
pub const ENTRA_TOKEN: &str = "entra-test-token";

fn python() -> PathBuf {
    let venv = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../.venv/bin/python3");
    if venv.exists() {
        venv
    } else {
        PathBuf::from("python3")
    }
}

impl TokenServer {
    pub fn start(user: &str, password: &str) -> TokenServer {
        let dir = tempfile::tempdir().expect("tempdir");
        let cert = dir.path().join("token.crt");
        let port_file = dir.path().join("port");
        let log = dir.path().join("requests.log");
        std::fs::write(&log, "").expect("log");
        let script =
            Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/integration/support/token_server.py");
        let child = Command::new(python())
            .arg(script)
            .args([&port_file, &log, &cert])
            .args(["test-issuer", SERVICE, user, password, ENTRA_TOKEN])
            .stdout(Stdio::null())
            .spawn()
            .expect("python3 with the cryptography package is needed for the token server");
        let proc = Proc(child, "token server");
        let deadline = Instant::now() + Duration::from_secs(15);
        let port = loop {
            if let Ok(p) = std::fs::read_to_string(&port_file) {
                break p.trim().parse::<u16>().expect("port number");
            }
            assert!(
                Instant::now() < deadline,
                "token server did not start (python3 + cryptography installed?)"
            );
            std::thread::sleep(Duration::from_millis(50));
        };
        TokenServer {
            port,
            cert,
            log,
            _proc: proc,
            _dir: dir,
        }
    }

    pub fn realm(&self) -> String {
        format!("http://127.0.0.1:{}/oauth2/token", self.port)
    }

    pub fn requests(&self) -> Vec<String> {
        std::fs::read_to_string(&self.log)
            .expect("log")
            .lines()
            .map(str::to_string)
            .collect()
    }
}

/// A copy of the shared hello-world OCI layout (skopeo may write beside its source).
pub fn hello_world_layout() -> (TempDir, PathBuf) {
    let src = shared_dir().join("data/images/oci-layout/hello-world.oci");
    let dir = tempfile::tempdir().expect("tempdir");
    let dst = dir.path().join("hello-world.oci");
    run(Command::new("cp").arg("-r").arg(&src).arg(&dst));
    run(Command::new("chmod").arg("-R").arg("u+w").arg(&dst));
    (dir, dst)
}

/// An OCI layout holding the Alpine 3.20.3 minirootfs as one layer, tagged `alpine`.
pub fn alpine_layout() -> (TempDir, PathBuf) {
    let tarball =
        shared_dir().join("data/images/alpine-minirootfs/alpine-minirootfs-3.20.3-x86_64.tar.gz");
    let dir = tempfile::tempdir().expect("tempdir");
    let layout = dir.path().join("alpine.oci");
    let bundle = dir.path().join("bundle");
    let image = format!("{}:alpine", layout.display());
    run(Command::new("umoci")
        .args(["init", "--layout"])
        .arg(&layout));
    run(Command::new("umoci").args(["new", "--image", &image]));
    run(Command::new("umoci")
        .args(["unpack", "--image", &image])
        .arg(&bundle));
    run(Command::new("tar")
        .arg("-xzf")
        .arg(&tarball)
        .arg("-C")
        .arg(bundle.join("rootfs")));
    run(Command::new("umoci")
        .args(["repack", "--image", &image])
        .arg(&bundle));
    run(Command::new("umoci").args([
        "config",
        "--image",
        &image,
        "--architecture",
        "amd64",
        "--os",
        "linux",
    ]));
    (dir, layout)
}

/// `skopeo copy` into a test registry over plain http.
pub fn push(src: &str, registry: &str, dest: &str, creds: Option<(&str, &str)>, extra: &[&str]) {
    let mut cmd = Command::new("skopeo");
    cmd.args(["copy", "--quiet", "--dest-tls-verify=false"])
        .args(extra);
    if let Some((u, p)) = creds {
        cmd.arg("--dest-creds").arg(format!("{u}:{p}"));
    }
    cmd.arg(src).arg(format!("docker://{registry}/{dest}"));
    run(&mut cmd);
}

/// The manifest descriptor a layout's `index.json` names for `ref_name` (or its only one).
pub fn layout_manifest(layout: &Path, ref_name: Option<&str>) -> serde_json::Value {
    let index: serde_json::Value =
        serde_json::from_slice(&std::fs::read(layout.join("index.json")).expect("index"))
            .expect("json");
    let ms = index["manifests"].as_array().expect("manifests").clone();
    ms.into_iter()
        .find(|m| {
            ref_name.is_none_or(|r| m["annotations"]["org.opencontainers.image.ref.name"] == r)
        })
        .expect("manifest in layout")
}

pub fn layout_blob(layout: &Path, digest: &str) -> Vec<u8> {
    let hex = digest.strip_prefix("sha256:").expect("sha256 digest");
    std::fs::read(layout.join("blobs/sha256").join(hex)).expect("blob in layout")
}

/// Writes an OCI index holding `child` (as linux/amd64) into the layout under `ref_name`, the
/// way LOCAL-STACK.md's mkindex.py does; returns the index digest.
pub fn add_index(
    layout: &Path,
    ref_name: &str,
    child: &serde_json::Value,
) -> layerwatch_oci::Digest {
    let mut entry = child.clone();
    entry["platform"] = serde_json::json!({"architecture": "amd64", "os": "linux"});
    let body = serde_json::to_vec(&serde_json::json!({
        "schemaVersion": 2,
        "mediaType": "application/vnd.oci.image.index.v1+json",
        "manifests": [entry],
    }))
    .expect("json");
    let digest = layerwatch_oci::Digest::sha256_of(&body);
    std::fs::write(layout.join("blobs/sha256").join(digest.hex()), &body)
        .expect("write index blob");
    let path = layout.join("index.json");
    let mut top: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&path).expect("index.json")).expect("json");
    top["manifests"]
        .as_array_mut()
        .expect("manifests")
        .push(serde_json::json!({
            "mediaType": "application/vnd.oci.image.index.v1+json",
            "digest": digest.to_string(),
            "size": body.len(),
            "annotations": {"org.opencontainers.image.ref.name": ref_name},
        }));
    std::fs::write(&path, serde_json::to_vec(&top).expect("json")).expect("write index.json");
    digest
}
