//! What every step runs with: the six stores, the registry settings, the layer reader's limits,
//! the advisory store, and a clock.
//!
//! A binary builds one [`Context`] when it starts (a Lambda at cold start, the CLI per command)
//! and passes `&Context` to each step call.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use layerwatch_layer::Limits;
use layerwatch_registry::ClientConfig;
use layerwatch_report::Timestamp;

use crate::store::{
    Alerts, JobStore, LayerCacheStore, ObjectStore, ResultStore, StoreError, WorkQueue,
};

/// Gives assemble and rematch the advisory store to match against. Its revision is
/// `store.revision()`, and every report and results row names it.
pub trait AdvisoryProvider: Send + Sync {
    /// The newest store. Opening a store reads only its meta rows, so a provider may open the
    /// file on every call; a cloud provider keeps the downloaded snapshot while warm.
    fn open(&self) -> Result<layerwatch_advisory::Store, StoreError>;
}

/// An advisory store file on local disk (the CLI's `~/.cache/layerwatch/advisories.db`, or a
/// snapshot a function downloaded to its temp space).
#[derive(Debug, Clone)]
pub struct FileAdvisories(pub PathBuf);

impl AdvisoryProvider for FileAdvisories {
    fn open(&self) -> Result<layerwatch_advisory::Store, StoreError> {
        layerwatch_advisory::Store::open(&self.0)
            .map_err(|e| StoreError::Permanent(format!("advisory store {}: {e}", self.0.display())))
    }
}

/// The time steps stamp jobs, rows and documents with.
pub trait Clock: Send + Sync {
    /// Seconds since 1970-01-01T00:00:00Z.
    fn now_unix(&self) -> u64;

    /// The current time as an RFC 3339 timestamp in whole seconds.
    fn now(&self) -> Timestamp {
        Timestamp::from_unix(self.now_unix())
    }
}

/// The system clock.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now_unix(&self) -> u64 {
        // A clock before 1970 is broken; the epoch is a harmless stand-in.
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_secs())
    }
}

/// How steps reach registries.
#[derive(Debug, Clone, Default)]
pub struct RegistryAccess {
    /// Client settings: credentials, plain-http hosts, retries.
    pub client: ClientConfig,
    /// Registry hosts as events name them, mapped to the `HOST[:PORT]` actually contacted. Empty
    /// in production; tests point `<account>.dkr.ecr.<region>.amazonaws.com` at a local
    /// registry, and a deployment may name a pull-through endpoint. Keys stay the event's host.
    pub endpoints: BTreeMap<String, String>,
}

impl RegistryAccess {
    /// The host to contact for `registry`.
    pub fn endpoint<'a>(&'a self, registry: &'a str) -> &'a str {
        self.endpoints
            .get(registry)
            .map_or(registry, String::as_str)
    }

    /// Parses `FROM=TO[,FROM=TO...]` (the [`crate::config::REGISTRY_ENDPOINTS`] variable).
    pub fn parse_endpoints(spec: &str) -> Result<BTreeMap<String, String>, String> {
        spec.split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(|pair| match pair.split_once('=') {
                Some((from, to)) if !from.trim().is_empty() && !to.trim().is_empty() => {
                    Ok((from.trim().to_string(), to.trim().to_string()))
                }
                _ => Err(format!(
                    "registry endpoint `{pair}` is not of the form REGISTRY=HOST[:PORT]"
                )),
            })
            .collect()
    }
}

/// Everything a step needs. Fields are public so each binary wires its own backends.
#[derive(Clone)]
pub struct Context {
    /// Layer inventories.
    pub layers: Arc<dyn LayerCacheStore>,
    /// Scan jobs.
    pub jobs: Arc<dyn JobStore>,
    /// Results rows and their indexes.
    pub results: Arc<dyn ResultStore>,
    /// Reports, SBOMs, image configs.
    pub objects: Arc<dyn ObjectStore>,
    /// The layer and assemble queues.
    pub queue: Arc<dyn WorkQueue>,
    /// Findings and failure announcements.
    pub alerts: Arc<dyn Alerts>,
    /// Registry client settings.
    pub registry: RegistryAccess,
    /// Caps on what one layer's inventory may hold.
    pub limits: Limits,
    /// The advisory store.
    pub advisories: Arc<dyn AdvisoryProvider>,
    /// Timestamps.
    pub clock: Arc<dyn Clock>,
    /// The analyzer version jobs and cache entries are keyed by (normally
    /// [`layerwatch_inventory::ANALYZER_VERSION`]).
    pub analyzer: String,
    /// A job still pending or assembling this long after it was created is taken as stalled (a
    /// lost message, a killed function): a new event for it sends its missing work again.
    /// Younger jobs are left alone, so a duplicate event does nothing new.
    pub stalled_after: Duration,
}

impl std::fmt::Debug for Context {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Context")
            .field("registry", &self.registry)
            .field("analyzer", &self.analyzer)
            .field("stalled_after", &self.stalled_after)
            .finish_non_exhaustive()
    }
}

/// The default [`Context::stalled_after`]: longer than any layer takes with its retries.
pub const DEFAULT_STALLED_AFTER: Duration = Duration::from_secs(30 * 60);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn endpoints_parse_and_map() {
        let map = RegistryAccess::parse_endpoints(
            "123456789012.dkr.ecr.us-east-1.amazonaws.com=127.0.0.1:5000, a.azurecr.io=localhost:5001",
        )
        .expect("valid");
        let access = RegistryAccess {
            endpoints: map,
            ..RegistryAccess::default()
        };
        assert_eq!(
            access.endpoint("123456789012.dkr.ecr.us-east-1.amazonaws.com"),
            "127.0.0.1:5000"
        );
        assert_eq!(access.endpoint("ghcr.io"), "ghcr.io");
        assert!(RegistryAccess::parse_endpoints("nohost").is_err());
        assert!(
            RegistryAccess::parse_endpoints("")
                .expect("empty")
                .is_empty()
        );
    }
}
