//! What every route shares: the pipeline context and the stores behind it.

use std::path::PathBuf;
use std::sync::Arc;

use layerwatch_azure::AzureStorage;
use layerwatch_pipeline::Context;

/// The handler's shared state (cheap to clone).
#[derive(Clone)]
pub struct App {
    /// The context steps run with.
    pub context: Context,
    /// The Azure stores (for the advisory snapshot and tests).
    pub storage: Arc<AzureStorage>,
    /// Directory of advisory feeds refresh-advisories builds from.
    pub advisory_source: Option<PathBuf>,
}

impl App {
    /// From the environment (see the crate docs for the variables).
    pub fn from_env(runtime: tokio::runtime::Handle) -> anyhow::Result<App> {
        let (storage, context) = crate::setup::context(runtime)?;
        let advisory_source = std::env::var(layerwatch_pipeline::config::ADVISORY_SOURCE)
            .ok()
            .filter(|v| !v.is_empty() && !v.starts_with("http"))
            .map(PathBuf::from);
        Ok(App {
            context,
            storage,
            advisory_source,
        })
    }
}
