//! A real `docker-registry` for the tests: plain http on a free loopback port, storage and
//! access log in a temp dir, images pushed with skopeo, killed on drop.

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use layerwatch_engine::{ScanOptions, Target};
use layerwatch_oci::Digest;
use layerwatch_registry::ClientConfig;
use tempfile::TempDir;

/// A `docker-registry` process with its storage and access log in a temp dir; killed on drop.
pub struct Registry {
    pub host: String,
    dir: TempDir,
    child: Child,
}

impl Registry {
    pub fn start() -> Registry {
        let dir = tempfile::tempdir().expect("tempdir");
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("free port")
            .port();
        let config = format!(
            "version: 0.1\nlog: {{level: warn}}\n\
             storage: {{filesystem: {{rootdirectory: {}}}}}\nhttp: {{addr: \"127.0.0.1:{port}\"}}\n",
            dir.path().join("storage").display()
        );
        std::fs::write(dir.path().join("registry.yml"), config).expect("config");
        // The access log (one combined-format line per request) goes to stdout.
        let child = Command::new("docker-registry")
            .arg("serve")
            .arg(dir.path().join("registry.yml"))
            .stdout(std::fs::File::create(dir.path().join("access.log")).expect("log"))
            .stderr(std::fs::File::create(dir.path().join("registry.log")).expect("log"))
            .spawn()
            .expect("docker-registry must be installed (apt-get install docker-registry)");
        let deadline = Instant::now() + Duration::from_secs(15);
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(Instant::now() < deadline, "docker-registry did not listen");
            std::thread::sleep(Duration::from_millis(50));
        }
        Registry {
            host: format!("127.0.0.1:{port}"),
            dir,
            child,
        }
    }

    /// `skopeo copy SRC docker://HOST/DEST` over plain http.
    pub fn push(&self, src: &str, dest: &str, extra: &[&str]) {
        let out = Command::new("skopeo")
            .args(["copy", "--quiet", "--dest-tls-verify=false"])
            .args(extra)
            .arg(src)
            .arg(format!("docker://{}/{dest}", self.host))
            .stdout(Stdio::null())
            .output()
            .expect("skopeo must be installed");
        assert!(
            out.status.success(),
            "skopeo: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }

    /// The manifest bytes the registry serves for `name`, as skopeo reads them.
    pub fn inspect_raw(&self, name: &str) -> Vec<u8> {
        let out = Command::new("skopeo")
            .args(["inspect", "--raw", "--tls-verify=false"])
            .arg(format!("docker://{}/{name}", self.host))
            .output()
            .expect("skopeo must be installed");
        assert!(
            out.status.success(),
            "skopeo inspect: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        out.stdout
    }

    /// Blob downloads by layerwatch so far (skopeo's own requests have another user agent).
    pub fn blob_gets(&self) -> usize {
        // The line is written when the response completes, a moment after the client is done.
        std::thread::sleep(Duration::from_millis(300));
        let log = std::fs::read_to_string(self.dir.path().join("access.log")).expect("log");
        log.lines()
            .filter(|l| l.contains("\"GET /v2/") && l.contains("/blobs/"))
            .filter(|l| l.contains("layerwatch/"))
            .count()
    }

    /// The stored file of a blob (shared by every repository of this registry).
    pub fn blob_file(&self, digest: &Digest) -> PathBuf {
        let hex = digest.hex();
        self.dir
            .path()
            .join("storage/docker/registry/v2/blobs/sha256")
            .join(&hex[..2])
            .join(hex)
            .join("data")
    }

    pub fn options(&self) -> ScanOptions {
        ScanOptions {
            registry: ClientConfig {
                insecure_hosts: vec![self.host.clone()],
                ..ClientConfig::default()
            },
            ..ScanOptions::default()
        }
    }

    pub fn target(&self, rest: &str) -> Target {
        let t: Target = format!("{}/{rest}", self.host).parse().expect("target");
        assert!(matches!(t, Target::Registry(_)), "{t:?}");
        t
    }
}

impl Drop for Registry {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
