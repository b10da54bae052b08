//! The adapter as a whole: configuration from the environment, one container and two queues in
//! one storage account, and the simple traits (objects, queues, alerts). The layer cache, jobs
//! and results are in their own modules.
//!
//! Layout of the container (DESIGN.md, Storage):
//!
//! ```text
//! cache/v1/<analyzer>/<alg>/<hex>.json.zst      layer inventories, created with If-None-Match: *
//! jobs/<job key>.json                            scan jobs, updated with If-Match: <etag>
//! results/<registry>/<repo>/<alg>/<hex>/<platform>.json   results rows (+ their index keys)
//! index/digest/<alg>/<hex>/<row>                 digest (and index digest) -> row
//! index/cve/<id>/<row>, index/pkg/<purl>/<row>   look-up entries, listed by prefix
//! alerts/findings/..., alerts/failed/...         what the alert channel announced
//! reports/v1/..., advisories/v1/..., layers/v1/...   objects (ObjectStore)
//! ```

use std::sync::Arc;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use layerwatch_pipeline::config as env;
use layerwatch_pipeline::{
    Alerts, AssembleJob, FindingsEvent, JobKey, LayerJob, ObjectStore, PutOutcome, StoreError,
    WorkQueue,
};
use tokio::runtime::Handle;

use crate::blob::{Condition, Container, Put};
use crate::cas::{encode, segment};
use crate::error::AzureError;
use crate::queue::Queue;
use crate::rest::{Credential, Rest};
use crate::token::ManagedIdentity;

/// Storage account name for Shared Key signing (Azurite: `devstoreaccount1`). Without it (and
/// [`STORAGE_KEY`]) requests carry managed-identity bearer tokens.
pub const STORAGE_ACCOUNT: &str = "LAYERWATCH_STORAGE_ACCOUNT";
/// Storage account key (base64) for Shared Key signing.
pub const STORAGE_KEY: &str = "LAYERWATCH_STORAGE_KEY";

/// Where the adapter's data lives and how it signs in.
#[derive(Debug, Clone)]
pub struct AzureConfig {
    /// Blob endpoint, e.g. `https://acct.blob.core.windows.net`.
    pub blob_endpoint: url::Url,
    /// Queue endpoint, e.g. `https://acct.queue.core.windows.net`.
    pub queue_endpoint: url::Url,
    /// The container holding everything.
    pub container: String,
    /// Queue of layer jobs.
    pub layer_queue: String,
    /// Queue of assemble jobs.
    pub assemble_queue: String,
    /// How requests are authorised.
    pub credential: Credential,
}

impl AzureConfig {
    /// Shared Key credential from an account name and its base64 key.
    pub fn shared_key(account: &str, key_base64: &str) -> Result<Credential, AzureError> {
        let key = STANDARD
            .decode(key_base64.trim())
            .map_err(|_| AzureError::Config(format!("{STORAGE_KEY} is not base64")))?;
        Ok(Credential::SharedKey {
            account: account.to_string(),
            key,
        })
    }

    /// From `LAYERWATCH_BLOB_ENDPOINT`, `LAYERWATCH_QUEUE_ENDPOINT`, `LAYERWATCH_CONTAINER`,
    /// `LAYERWATCH_LAYER_QUEUE`, `LAYERWATCH_ASSEMBLE_QUEUE`, and either
    /// `LAYERWATCH_STORAGE_ACCOUNT` + `LAYERWATCH_STORAGE_KEY` or the managed identity.
    pub fn from_env() -> Result<Self, AzureError> {
        let var = |k: &str| std::env::var(k).ok().filter(|v| !v.is_empty());
        let need = |k: &str| var(k).ok_or_else(|| AzureError::Config(format!("{k} is not set")));
        let url = |k: &str| {
            let v = need(k)?;
            url::Url::parse(&v).map_err(|_| AzureError::Config(format!("{k} is not a URL: {v}")))
        };
        let credential = match (var(STORAGE_ACCOUNT), var(STORAGE_KEY)) {
            (Some(account), Some(key)) => Self::shared_key(&account, &key)?,
            _ => Credential::Token(Arc::new(ManagedIdentity::from_env()?)),
        };
        Ok(AzureConfig {
            blob_endpoint: url(env::BLOB_ENDPOINT)?,
            queue_endpoint: url(env::QUEUE_ENDPOINT)?,
            container: var(env::CONTAINER).unwrap_or_else(|| "layerwatch".into()),
            layer_queue: var(env::LAYER_QUEUE).unwrap_or_else(|| "layer-jobs".into()),
            assemble_queue: var(env::ASSEMBLE_QUEUE).unwrap_or_else(|| "assemble-jobs".into()),
            credential,
        })
    }
}

/// Every pipeline store on one storage account.
#[derive(Debug, Clone)]
pub struct AzureStorage {
    pub(crate) container: Container,
    layer_queue: Queue,
    assemble_queue: Queue,
}

impl AzureStorage {
    /// The stores of `config`, making their requests on `runtime` (multi-thread; call the
    /// stores from blocking threads).
    pub fn new(config: &AzureConfig, runtime: Handle) -> Result<Self, AzureError> {
        let rest = Rest::new(config.credential.clone(), runtime)?;
        Ok(AzureStorage {
            container: Container::new(rest.clone(), &config.blob_endpoint, &config.container),
            layer_queue: Queue::new(rest.clone(), &config.queue_endpoint, &config.layer_queue),
            assemble_queue: Queue::new(rest, &config.queue_endpoint, &config.assemble_queue),
        })
    }

    /// Creates the container and both queues when absent (Terraform creates them in
    /// production; tests and first runs use this).
    pub fn ensure_created(&self) -> Result<(), StoreError> {
        self.container.create()?;
        self.layer_queue.create()?;
        self.assemble_queue.create()
    }

    /// The container.
    pub fn container(&self) -> &Container {
        &self.container
    }

    /// The layer-job queue.
    pub fn layer_queue(&self) -> &Queue {
        &self.layer_queue
    }

    /// The assemble-job queue.
    pub fn assemble_queue(&self) -> &Queue {
        &self.assemble_queue
    }
}

impl ObjectStore for AzureStorage {
    fn put_once(
        &self,
        key: &str,
        bytes: &[u8],
        content_type: &str,
    ) -> Result<PutOutcome, StoreError> {
        Ok(
            match self
                .container
                .put(key, bytes, content_type, Condition::Absent)?
            {
                Put::Written(_) => PutOutcome::Created,
                Put::Conflict => PutOutcome::AlreadyPresent,
            },
        )
    }

    fn put(&self, key: &str, bytes: &[u8], content_type: &str) -> Result<(), StoreError> {
        self.container
            .put(key, bytes, content_type, Condition::None)
            .map(|_| ())
    }

    fn get(&self, key: &str) -> Result<Option<Vec<u8>>, StoreError> {
        Ok(self.container.get(key)?.map(|f| f.bytes))
    }

    fn list(&self, prefix: &str) -> Result<Vec<String>, StoreError> {
        self.container.list(prefix)
    }
}

impl WorkQueue for AzureStorage {
    fn send_layer_jobs(&self, jobs: &[LayerJob]) -> Result<(), StoreError> {
        // Storage queues have no batch send; one request per layer.
        for job in jobs {
            let key = format!("{}#{}", job.job, job.layer);
            self.layer_queue.send(&encode("layer job", &key, job)?)?;
        }
        Ok(())
    }

    fn send_assemble(&self, job: &AssembleJob) -> Result<(), StoreError> {
        let key = job.job.to_string();
        self.assemble_queue
            .send(&encode("assemble job", &key, job)?)
    }
}

/// Application Insights is not reachable from here (and not emulated): alerts are structured
/// log lines, which the Functions host forwards to Application Insights as traces (log-search
/// alert rules match on `event`), plus a JSON blob under `alerts/` kept for audit and tests.
impl Alerts for AzureStorage {
    fn findings(&self, event: &FindingsEvent) -> Result<(), StoreError> {
        tracing::info!(
            target: "layerwatch::alert",
            event = "LayerwatchFindings",
            image = %event.image,
            digest = %event.digest,
            platform = %event.platform,
            critical = event.counts.critical,
            high = event.counts.high,
            medium = event.counts.medium,
            total = event.counts.total(),
            report = %event.report_key,
            "scan findings"
        );
        let key = format!(
            "alerts/findings/{}/{}/{}/{}.json",
            segment(&event.image.to_string()),
            event.digest.algorithm().as_str(),
            event.digest.hex(),
            segment(&event.platform)
        );
        let bytes = encode("findings event", &key, event)?;
        self.container
            .put(&key, &bytes, "application/json", Condition::None)
            .map(|_| ())
    }

    fn scan_failed(&self, job: &JobKey, reason: &str) -> Result<(), StoreError> {
        tracing::warn!(
            target: "layerwatch::alert",
            event = "LayerwatchScanFailed",
            job = %job,
            reason,
            "scan failed"
        );
        let key = format!("alerts/failed/{}.json", segment(&job.to_string()));
        let body = serde_json::json!({ "job": job, "reason": reason });
        let bytes = encode("failed-scan alert", &key, &body)?;
        self.container
            .put(&key, &bytes, "application/json", Condition::None)
            .map(|_| ())
    }
}
