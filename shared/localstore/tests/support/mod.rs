//! Test support: a real `docker-registry` on a free loopback port (storage and access log in
//! a temp dir), the test images of `infra/build-test-images.sh`, advisory stores built from
//! the shared feeds, and the pipeline on a fresh embedded store.

#![allow(dead_code)]

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use layerwatch_inventory::LayerInventory;
use layerwatch_localstore::{LocalPaths, LocalPipeline, Settings, Stores};
use layerwatch_oci::Digest;
use layerwatch_pipeline::{
    FileAdvisories, LayerCacheStore, PutOutcome, RegistryAccess, StoreError,
};
use layerwatch_registry::ClientConfig;
use tempfile::TempDir;

/// The ECR registry host the sample events name.
pub const ECR_HOST: &str = "123456789012.dkr.ecr.us-east-1.amazonaws.com";

/// The read-only shared data folder (`$LAYERWATCH_SHARED` or `<workspace>/../shared`).
pub fn shared() -> PathBuf {
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

/// The workspace's `events/` folder.
pub fn events_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../events")
}

/// The images built by `infra/build-test-images.sh` (`$LAYERWATCH_IMAGES`, else
/// `/var/cache/layerwatch/images`).
pub fn images() -> PathBuf {
    let dir = std::env::var_os("LAYERWATCH_IMAGES")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/var/cache/layerwatch/images"));
    assert!(
        dir.join("images.json").is_file(),
        "test images not found at {} (run infra/build-test-images.sh, or set LAYERWATCH_IMAGES)",
        dir.display()
    );
    dir
}

/// The entry of `name` in `images.json`.
pub fn image_entry(name: &str) -> serde_json::Value {
    let list: serde_json::Value =
        serde_json::from_slice(&std::fs::read(images().join("images.json")).expect("images.json"))
            .expect("json");
    list["images"]
        .as_array()
        .expect("images")
        .iter()
        .find(|i| i["name"] == name)
        .unwrap_or_else(|| panic!("{name} not in images.json"))
        .clone()
}

/// (name, version) of the packages the real tool listed for an image.
pub fn expected_packages(name: &str) -> BTreeSet<(String, String)> {
    let entry = image_entry(name);
    let tsv =
        std::fs::read_to_string(images().join(entry["expected_packages"].as_str().expect("tsv")))
            .expect("expected packages");
    tsv.lines()
        .filter_map(|l| {
            let mut f = l.split('\t');
            Some((f.next()?.to_string(), f.next()?.to_string()))
        })
        .collect()
}

/// A `docker-registry` process; killed on drop.
pub struct Registry {
    pub host: String,
    dir: TempDir,
    child: Child,
}

impl Registry {
    pub fn start() -> Registry {
        let dir = tempfile::tempdir().expect("tempdir");
        let port = free_port();
        let config = format!(
            "version: 0.1\nlog: {{level: warn}}\n\
             storage: {{filesystem: {{rootdirectory: {}}}}}\nhttp: {{addr: \"127.0.0.1:{port}\"}}\n",
            dir.path().join("storage").display()
        );
        std::fs::write(dir.path().join("registry.yml"), config).expect("config");
        // The access log (one line per request) goes to stdout.
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

    /// `skopeo copy --all --preserve-digests oci:LAYOUT:REF docker://HOST/DEST`.
    pub fn push(&self, layout: &Path, reference: &str, dest: &str) {
        let out = Command::new("skopeo")
            .args([
                "copy",
                "--quiet",
                "--all",
                "--preserve-digests",
                "--dest-tls-verify=false",
            ])
            .arg(format!("oci:{}:{reference}", layout.display()))
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

    /// Pushes a test image of `images.json` under `dest`.
    pub fn push_image(&self, name: &str, dest: &str) {
        let entry = image_entry(name);
        let layout = images().join(entry["oci_layout"].as_str().expect("layout"));
        self.push(&layout, entry["ref"].as_str().expect("ref"), dest);
    }

    /// Blob downloads by layerwatch so far (skopeo's requests have another user agent),
    /// optionally only of one digest.
    pub fn blob_gets(&self, digest: Option<&Digest>) -> usize {
        // The line is written when the response completes, a moment after the client is done.
        std::thread::sleep(Duration::from_millis(300));
        let log = std::fs::read_to_string(self.dir.path().join("access.log")).expect("log");
        log.lines()
            .filter(|l| l.contains("\"GET /v2/") && l.contains("/blobs/"))
            .filter(|l| l.contains("layerwatch/"))
            .filter(|l| digest.is_none_or(|d| l.contains(&d.to_string())))
            .count()
    }

    /// The stored file of a blob.
    pub fn blob_file(&self, digest: &Digest) -> PathBuf {
        let hex = digest.hex();
        self.dir
            .path()
            .join("storage/docker/registry/v2/blobs/sha256")
            .join(&hex[..2])
            .join(hex)
            .join("data")
    }

    /// Registry settings that send `ECR_HOST` (and this host) here over plain http.
    pub fn access(&self) -> RegistryAccess {
        RegistryAccess {
            client: ClientConfig {
                insecure_hosts: vec![self.host.clone()],
                ..ClientConfig::default()
            },
            endpoints: [(ECR_HOST.to_string(), self.host.clone())].into(),
        }
    }
}

impl Drop for Registry {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("free port")
        .port()
}

/// Counts layer cache puts that created an entry.
pub struct CountingCache {
    pub inner: Arc<dyn LayerCacheStore>,
    pub created: AtomicUsize,
}

impl LayerCacheStore for CountingCache {
    fn get_many(
        &self,
        digests: &[Digest],
        analyzer: &str,
    ) -> Result<std::collections::HashMap<Digest, LayerInventory>, StoreError> {
        self.inner.get_many(digests, analyzer)
    }

    fn put(&self, inventory: &LayerInventory) -> Result<PutOutcome, StoreError> {
        let outcome = self.inner.put(inventory)?;
        if outcome == PutOutcome::Created {
            self.created.fetch_add(1, Ordering::SeqCst);
        }
        Ok(outcome)
    }
}

/// A fresh embedded store in a temp dir, its cache wrapped to count puts.
pub struct Local {
    pub dir: TempDir,
    pub stores: Stores,
    pub counting: Arc<CountingCache>,
}

impl Local {
    pub fn new() -> Local {
        let dir = tempfile::tempdir().expect("tempdir");
        let mut stores = LocalPaths::beside(&dir.path().join("store.db"))
            .open()
            .expect("open store");
        let counting = Arc::new(CountingCache {
            inner: stores.layers.clone(),
            created: AtomicUsize::new(0),
        });
        stores.layers = counting.clone();
        Local {
            dir,
            stores,
            counting,
        }
    }

    pub fn pipeline(&self, registry: RegistryAccess, advisories: &Path) -> LocalPipeline {
        LocalPipeline::new(
            self.stores.clone(),
            Settings {
                registry,
                limits: layerwatch_layer::Limits::default(),
                advisories: Arc::new(FileAdvisories(advisories.to_path_buf())),
            },
        )
    }

    pub fn cache_puts(&self) -> usize {
        self.counting.created.load(Ordering::SeqCst)
    }
}

/// An advisory store built from the Alpine v3.20 secdb of the shared data, with `extra`
/// packages' secfixes added to `main.json` (`(name, fixed version, id)`).
pub fn alpine_store(dir: &Path, extra: &[(&str, &str, &str)]) -> PathBuf {
    let rel = "alpine/secdb-json/v3.20";
    let src = shared().join("data/advisories").join(rel);
    let feeds = dir.join(format!("feeds-{}", extra.len()));
    std::fs::create_dir_all(feeds.join(rel)).expect("feeds dir");
    for file in ["main.json", "community.json"] {
        let mut doc: serde_json::Value =
            serde_json::from_slice(&std::fs::read(src.join(file)).expect("secdb")).expect("json");
        if file == "main.json" {
            let packages = doc["packages"].as_array_mut().expect("packages");
            for (name, fixed, id) in extra {
                packages
                    .push(serde_json::json!({"pkg": {"name": name, "secfixes": {*fixed: [id]}}}));
            }
        }
        std::fs::write(feeds.join(rel).join(file), doc.to_string()).expect("write feed");
    }
    let path = dir.join(format!("advisories-{}.db", extra.len()));
    layerwatch_advisory::Store::update_from_dir(&path, &feeds).expect("build advisory store");
    path
}

/// A sample event of `events/`, with JSON edits applied to its `detail`, parsed to its one
/// scan request.
pub fn ecr_event(
    file: &str,
    edit: impl FnOnce(&mut serde_json::Value),
) -> layerwatch_events::ScanRequest {
    let mut doc: serde_json::Value =
        serde_json::from_slice(&std::fs::read(events_dir().join(file)).expect("event"))
            .expect("json");
    edit(&mut doc);
    let outcomes = layerwatch_events::parse(doc.to_string().as_bytes()).expect("parse event");
    match outcomes.into_iter().next().expect("one event") {
        layerwatch_events::Outcome::Scan(request) => request,
        other => panic!("{file}: not a scan request: {other:?}"),
    }
}
