//! Runs the real handler binary as the Functions host would, against Azurite and the local
//! registry that `infra/stack-up.sh` started (source its env.sh), and plays the host's part:
//! trigger envelopes over HTTP, queue messages drained and deleted after a 2xx, moved to
//! `<queue>-poison` after five failed deliveries.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, Instant};

use layerwatch_azure::queue::Queue;
use layerwatch_azure::{AzureConfig, AzureStorage};
use serde_json::{Value, json};

/// Deliveries before the host gives up on a message (host.json `maxDequeueCount`).
const MAX_DEQUEUE: u32 = 5;

/// The value of `var`, or a panic saying how to start the stack.
pub fn need(var: &str) -> String {
    std::env::var(var).unwrap_or_else(|_| {
        panic!("{var} is not set: start the stack with infra/stack-up.sh DIR, source DIR/env.sh, and push the test images (infra/push-test-images.sh)")
    })
}

/// The shared data folder (`$LAYERWATCH_SHARED`, else `<workspace>/../shared`).
pub fn shared() -> PathBuf {
    let dir = std::env::var_os("LAYERWATCH_SHARED")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared"));
    assert!(
        dir.join("data").is_dir(),
        "shared data folder {} is missing; set LAYERWATCH_SHARED",
        dir.display()
    );
    dir
}

/// The repository's `events/` folder.
pub fn event_file(name: &str) -> Value {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../events")
        .join(name);
    serde_json::from_slice(&std::fs::read(&path).expect("sample event"))
        .expect("sample event is JSON")
}

/// A handler process on a free port, with its own container and queues.
pub struct Host {
    child: Child,
    /// Held while this handler runs: the tests of one binary run in parallel, and a port picked
    /// by `free_port` and released can be handed to another test's handler before ours binds it.
    _serial: MutexGuard<'static, ()>,
    /// The handler's base URL.
    pub base: String,
    /// HTTP client playing the host.
    pub http: reqwest::Client,
    /// Runtime for the client and the stores.
    pub runtime: tokio::runtime::Runtime,
    /// The handler's stores, for assertions.
    pub storage: AzureStorage,
    /// Their configuration.
    pub config: AzureConfig,
    _feeds: tempfile::TempDir,
}

impl Drop for Host {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// One handler at a time in this test binary (see [`Host`]).
static SERIAL: Mutex<()> = Mutex::new(());

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .expect("bind")
        .local_addr()
        .expect("addr")
        .port()
}

/// Starts the handler. `feeds` are paths under `data/advisories` copied into its feed mirror.
pub fn start(tag: &str, feeds: &[&str]) -> Host {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("clock")
        .subsec_nanos();
    let name = format!("e2e{}-{tag}-{}", std::process::id(), nanos % 1_000_000);
    let config = AzureConfig {
        blob_endpoint: need("LAYERWATCH_AZURITE_URL").parse().expect("url"),
        queue_endpoint: need("LAYERWATCH_AZURITE_QUEUE_URL").parse().expect("url"),
        container: name.clone(),
        layer_queue: format!("{name}-layers"),
        assemble_queue: format!("{name}-assemble"),
        credential: AzureConfig::shared_key(
            &need("LAYERWATCH_AZURE_ACCOUNT"),
            &need("LAYERWATCH_AZURE_KEY"),
        )
        .expect("key"),
    };
    let storage = AzureStorage::new(&config, runtime.handle().clone()).expect("storage");
    // Terraform creates these in production.
    storage.ensure_created().expect("container and queues");
    let feed_dir = tempfile::tempdir().expect("tmp");
    for f in feeds {
        let to = feed_dir.path().join(f);
        std::fs::create_dir_all(to.parent().expect("parent")).expect("mkdir");
        std::fs::copy(shared().join("data/advisories").join(f), &to).expect("copy feed");
    }
    let registry = need("LAYERWATCH_REGISTRY");
    // A test that failed while holding the lock poisons it; the next one may still run.
    let serial = SERIAL
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    let port = free_port();
    let child = Command::new(env!("CARGO_BIN_EXE_azure-handler"))
        .env("FUNCTIONS_CUSTOMHANDLER_PORT", port.to_string())
        .env("LAYERWATCH_BLOB_ENDPOINT", config.blob_endpoint.as_str())
        .env("LAYERWATCH_QUEUE_ENDPOINT", config.queue_endpoint.as_str())
        .env("LAYERWATCH_CONTAINER", &config.container)
        .env("LAYERWATCH_LAYER_QUEUE", &config.layer_queue)
        .env("LAYERWATCH_ASSEMBLE_QUEUE", &config.assemble_queue)
        .env(
            "LAYERWATCH_STORAGE_ACCOUNT",
            need("LAYERWATCH_AZURE_ACCOUNT"),
        )
        .env("LAYERWATCH_STORAGE_KEY", need("LAYERWATCH_AZURE_KEY"))
        .env("LAYERWATCH_ADVISORY_SOURCE", feed_dir.path())
        // The sample events name layerwatch.azurecr.io; the images are in the local registry.
        .env(
            "LAYERWATCH_REGISTRY_ENDPOINTS",
            format!("layerwatch.azurecr.io={registry}"),
        )
        .env("LAYERWATCH_INSECURE_REGISTRIES", &registry)
        .env("RUST_LOG", "info")
        .env_remove("IDENTITY_ENDPOINT")
        .stdout(Stdio::null())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("start azure-handler");
    let base = format!("http://127.0.0.1:{port}");
    let deadline = Instant::now() + Duration::from_secs(20);
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            Instant::now() < deadline,
            "handler did not listen on {port}"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    Host {
        child,
        _serial: serial,
        base,
        http: reqwest::Client::new(),
        runtime,
        storage,
        config,
        _feeds: feed_dir,
    }
}

impl Host {
    /// POSTs an invocation envelope to `/<function>`; returns status and JSON body.
    pub fn invoke(&self, function: &str, data: Value, metadata: Value) -> (u16, Value) {
        let body = json!({ "Data": data, "Metadata": metadata });
        let url = format!("{}/{function}", self.base);
        self.runtime.block_on(async {
            let resp = self
                .http
                .post(&url)
                .header("x-azure-functions-invocationid", "e2e")
                .json(&body)
                .send()
                .await
                .expect("invoke");
            let status = resp.status().as_u16();
            let text = resp.text().await.expect("body");
            (
                status,
                serde_json::from_str(&text).unwrap_or(Value::String(text)),
            )
        })
    }

    /// A forwarded HTTP request (`enableForwardingHttpRequest`).
    pub fn get(&self, path_and_query: &str) -> (u16, Value) {
        let url = format!("{}{path_and_query}", self.base);
        self.runtime.block_on(async {
            let resp = self.http.get(&url).send().await.expect("get");
            let status = resp.status().as_u16();
            (status, resp.json().await.unwrap_or(Value::Null))
        })
    }

    /// The Event Grid trigger: one event per invocation, as the host delivers a batch.
    pub fn deliver_event_grid(&self, events: &Value) -> Vec<(u16, Value)> {
        let list = events
            .as_array()
            .cloned()
            .unwrap_or_else(|| vec![events.clone()]);
        list.into_iter()
            .map(|e| {
                self.invoke(
                    "dispatch",
                    json!({ "event": e }),
                    json!({ "sys": { "MethodName": "dispatch" } }),
                )
            })
            .collect()
    }

    /// Delivers every message of `queue` to `function` until the queue is empty; returns the
    /// number of deliveries.
    fn drain_queue(&self, queue: &Queue, function: &str) -> usize {
        let mut delivered = 0;
        loop {
            let messages = queue.receive(16, 30).expect("receive");
            if messages.is_empty() {
                return delivered;
            }
            for m in messages {
                delivered += 1;
                let text = String::from_utf8(m.body.clone()).expect("utf-8 message");
                let meta = json!({ "Id": m.id, "DequeueCount": m.dequeue_count, "PopReceipt": m.pop_receipt,
                    "sys": { "MethodName": function } });
                let (status, body) = self.invoke(function, json!({ "msg": text }), meta);
                if (200..300).contains(&status) {
                    queue.delete(&m).expect("delete");
                } else if m.dequeue_count >= MAX_DEQUEUE {
                    let poison = Queue::new(
                        self.rest_queue_base(),
                        &self.config.queue_endpoint,
                        &format!("{}-poison", queue.name()),
                    );
                    poison.create().expect("poison queue");
                    poison.send(&m.body).expect("poison");
                    queue.delete(&m).expect("delete");
                } else {
                    eprintln!("{function} answered {status}: {body}; the message comes back");
                }
            }
        }
    }

    fn rest_queue_base(&self) -> layerwatch_azure::rest::Rest {
        layerwatch_azure::rest::Rest::new(
            self.config.credential.clone(),
            self.runtime.handle().clone(),
        )
        .expect("rest")
    }

    /// Drains both queues until neither has work (layers first, as the host would interleave).
    pub fn drain(&self) -> (usize, usize) {
        let (mut layers, mut assembles) = (0, 0);
        loop {
            let l = self.drain_queue(self.storage.layer_queue(), "analyze-layer");
            let a = self.drain_queue(self.storage.assemble_queue(), "assemble");
            layers += l;
            assembles += a;
            if l == 0 && a == 0 {
                return (layers, assembles);
            }
        }
    }
}
