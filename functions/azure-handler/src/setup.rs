//! The handler's [`Context`] from its app settings: the Azure stores, registry access (ACR
//! through the managed identity, or endpoints and plain-http hosts for tests), and the advisory
//! snapshot the refresh-advisories timer publishes.

use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use layerwatch_azure::{AzureConfig, AzureStorage};
use layerwatch_pipeline::config as env;
use layerwatch_pipeline::keys::{ADVISORY_LATEST_KEY, advisory_snapshot_key};
use layerwatch_pipeline::{
    AdvisoryProvider, Context, DEFAULT_STALLED_AFTER, ObjectStore, RegistryAccess, StoreError,
    SystemClock,
};
use layerwatch_registry::acr::ManagedIdentityTokenSource;
use layerwatch_registry::credentials::{Credential, CredentialProvider};
use layerwatch_registry::{ClientConfig, RegistryError};

/// The newest advisory snapshot in the container, downloaded once per revision into the
/// function's temp space and kept while the instance is warm.
pub struct SnapshotAdvisories {
    objects: Arc<AzureStorage>,
    dir: tempfile::TempDir,
    current: Mutex<Option<(String, PathBuf)>>,
}

impl SnapshotAdvisories {
    /// A provider reading from `objects`.
    pub fn new(objects: Arc<AzureStorage>) -> std::io::Result<Self> {
        Ok(SnapshotAdvisories {
            objects,
            dir: tempfile::tempdir()?,
            current: Mutex::new(None),
        })
    }
}

impl AdvisoryProvider for SnapshotAdvisories {
    fn open(&self) -> Result<layerwatch_advisory::Store, StoreError> {
        let latest = self.objects.get(ADVISORY_LATEST_KEY)?.ok_or_else(|| {
            StoreError::Transient(format!(
                "{ADVISORY_LATEST_KEY} is missing: refresh-advisories has not run yet"
            ))
        })?;
        let revision = String::from_utf8_lossy(&latest).trim().to_string();
        let mut current = self
            .current
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let path = match current.as_ref() {
            Some((rev, path)) if *rev == revision => path.clone(),
            _ => {
                let key = advisory_snapshot_key(&revision);
                let bytes = self.objects.get(&key)?.ok_or_else(|| {
                    StoreError::Permanent(format!(
                        "advisory snapshot {key} named by {ADVISORY_LATEST_KEY} is missing"
                    ))
                })?;
                // The key's last segment is already sanitised for a file name.
                let name = key.rsplit('/').next().unwrap_or("advisories.store");
                let path = self.dir.path().join(name);
                std::fs::write(&path, bytes).map_err(|e| {
                    StoreError::Transient(format!("writing {}: {e}", path.display()))
                })?;
                *current = Some((revision.clone(), path.clone()));
                path
            }
        };
        layerwatch_advisory::Store::open(&path)
            .map_err(|e| StoreError::Permanent(format!("advisory snapshot {revision}: {e}")))
    }
}

/// ACR hosts (`*.azurecr.io`) get Entra ID tokens from the managed identity; others are
/// pulled anonymously.
struct AcrCredentials(Arc<ManagedIdentityTokenSource>);

#[async_trait::async_trait]
impl CredentialProvider for AcrCredentials {
    async fn credential(&self, registry: &str) -> Result<Credential, RegistryError> {
        let host = registry.split(':').next().unwrap_or(registry);
        if host.ends_with(".azurecr.io") {
            Ok(Credential::AzureAd(self.0.clone()))
        } else {
            Ok(Credential::Anonymous)
        }
    }
}

/// Registry access from `LAYERWATCH_REGISTRY_ENDPOINTS` and `LAYERWATCH_INSECURE_REGISTRIES`.
pub fn registry_access() -> anyhow::Result<RegistryAccess> {
    let var = |k: &str| std::env::var(k).unwrap_or_default();
    let endpoints = RegistryAccess::parse_endpoints(&var(env::REGISTRY_ENDPOINTS))
        .map_err(anyhow::Error::msg)?;
    let identity = ManagedIdentityTokenSource::from_env()?;
    let client = ClientConfig {
        credentials: Arc::new(AcrCredentials(Arc::new(identity))),
        insecure_hosts: var(env::INSECURE_REGISTRIES)
            .split(',')
            .map(str::trim)
            .filter(|h| !h.is_empty())
            .map(str::to_string)
            .collect(),
        ..ClientConfig::default()
    };
    Ok(RegistryAccess { client, endpoints })
}

/// The stores and the context every function runs with.
pub fn context(runtime: tokio::runtime::Handle) -> anyhow::Result<(Arc<AzureStorage>, Context)> {
    let config = AzureConfig::from_env()?;
    let storage = Arc::new(AzureStorage::new(&config, runtime)?);
    let advisories = Arc::new(SnapshotAdvisories::new(storage.clone())?);
    let context = Context {
        layers: storage.clone(),
        jobs: storage.clone(),
        results: storage.clone(),
        objects: storage.clone(),
        queue: storage.clone(),
        alerts: storage.clone(),
        registry: registry_access()?,
        limits: layerwatch_layer::Limits::default(),
        advisories,
        clock: Arc::new(SystemClock),
        analyzer: layerwatch_inventory::ANALYZER_VERSION.to_string(),
        stalled_after: DEFAULT_STALLED_AFTER,
    };
    Ok((storage, context))
}
