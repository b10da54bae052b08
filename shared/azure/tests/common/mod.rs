//! Test helpers: stores on the Azurite that `infra/stack-up.sh` started (its env.sh exports
//! `LAYERWATCH_AZURITE_URL`, `LAYERWATCH_AZURITE_QUEUE_URL`, `LAYERWATCH_AZURE_ACCOUNT` and
//! `LAYERWATCH_AZURE_KEY`), each test in its own container and queues.

#![allow(dead_code)]

use std::sync::atomic::{AtomicU32, Ordering};

use layerwatch_azure::{AzureConfig, AzureStorage};

/// A runtime for the stores plus the stores, on fresh names.
pub struct Fixture {
    /// Kept alive for the stores' requests.
    pub runtime: tokio::runtime::Runtime,
    /// The stores.
    pub storage: AzureStorage,
    /// Their configuration.
    pub config: AzureConfig,
}

fn need(var: &str) -> String {
    std::env::var(var).unwrap_or_else(|_| {
        panic!("{var} is not set: start the stack with infra/stack-up.sh DIR and source DIR/env.sh")
    })
}

/// Names unique to this process and call: Azure container and queue names are lowercase
/// letters, digits and dashes, 3 to 63 long.
pub fn unique(tag: &str) -> String {
    static N: AtomicU32 = AtomicU32::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("clock after 1970")
        .subsec_nanos();
    format!(
        "t{}-{}-{tag}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed),
        nanos % 100_000
    )
}

/// A configuration on Azurite with fresh container and queue names.
pub fn config(tag: &str) -> AzureConfig {
    let name = unique(tag);
    AzureConfig {
        blob_endpoint: need("LAYERWATCH_AZURITE_URL").parse().expect("blob url"),
        queue_endpoint: need("LAYERWATCH_AZURITE_QUEUE_URL")
            .parse()
            .expect("queue url"),
        container: name.clone(),
        layer_queue: format!("{name}-layers"),
        assemble_queue: format!("{name}-assemble"),
        credential: AzureConfig::shared_key(
            &need("LAYERWATCH_AZURE_ACCOUNT"),
            &need("LAYERWATCH_AZURE_KEY"),
        )
        .expect("key"),
    }
}

/// Stores on fresh names, created.
pub fn fixture(tag: &str) -> Fixture {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    let config = config(tag);
    let storage = AzureStorage::new(&config, runtime.handle().clone()).expect("storage");
    storage
        .ensure_created()
        .expect("container and queues on azurite");
    Fixture {
        runtime,
        storage,
        config,
    }
}
