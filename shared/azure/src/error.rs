//! Errors of setting up the Azure adapter (configuration, tokens). Failures of storage calls
//! are [`layerwatch_pipeline::StoreError`]s, with 409/412 conflicts returned as outcomes.

/// What went wrong while configuring the adapter or obtaining a token.
#[derive(Debug, thiserror::Error)]
pub enum AzureError {
    /// A setting is missing or malformed; the message names it.
    #[error("azure storage configuration: {0}")]
    Config(String),
    /// The managed identity endpoint did not hand out a token.
    #[error("azure managed identity token from {0}")]
    Token(String),
}
