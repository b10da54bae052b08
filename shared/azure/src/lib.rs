//! The pipeline's storage on Azure, in one storage account: the layer cache, scan jobs,
//! results with their CVE and package indexes, and objects in one Blob container; layer and
//! assemble messages on Storage queues; alerts as structured log lines plus a blob.
//!
//! The only crate with Azure-specific code. It speaks the Blob and Queue REST APIs itself
//! ([`rest`], signed with Shared Key by [`sign`] or with managed-identity tokens from
//! [`token`]): the maintained SDK crate covers Blob only, has no Shared Key credential and no
//! queue client, and this way one small HTTP stack serves both services. Conflicts (409, 412)
//! come back as outcomes; throttling and 5xx as retryable [`layerwatch_pipeline::StoreError`]s.
//!
//! [`AzureStorage`] implements every trait of `layerwatch_pipeline::store`; its module docs
//! give the container layout.

pub mod blob;
pub mod cache;
pub mod cas;
pub mod error;
pub mod jobs;
pub mod queue;
pub mod rest;
pub mod results;
pub mod sign;
pub mod storage;
pub mod token;
mod xml;

pub use error::AzureError;
pub use rest::Credential;
pub use storage::{AzureConfig, AzureStorage, STORAGE_ACCOUNT, STORAGE_KEY};
pub use token::{ManagedIdentity, STORAGE_RESOURCE, TokenProvider};
