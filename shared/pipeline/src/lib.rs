//! The serverless pipeline, cloud-free: what happens between a push event and a stored report.
//!
//! ```text
//! push event ──> dispatch ──┬──> LayerJob per uncached layer ──> analyze-layer ─┐ (last layer in)
//!                           └── all layers cached ──────────────────────────────┴──> assemble
//! assemble ──> report object + results row + findings event
//! ```
//!
//! The steps are written against the traits in [`store`]; the embedded store (CLI), the AWS
//! adapter (DynamoDB, S3, SQS, EventBridge) and the Azure adapter (Blob, Storage queues)
//! implement them. The traits are synchronous: the core is blocking code (the layer reader
//! streams through `std::io::Read`), so a Lambda handler runs a step on a blocking thread and an
//! adapter drives its async SDK from there with its runtime handle.
//!
//! [`model`] holds what crosses a queue or sits in a table, [`keys`] the storage keys of
//! DESIGN.md, [`codec`] how an inventory is stored, [`config`] the environment every function
//! reads. [`steps`] are the pipeline itself, each a function of a [`Context`]; with the
//! `conformance` feature, [`conformance`] is the behaviour suite every backend runs.

pub mod codec;
pub mod config;
#[cfg(feature = "conformance")]
pub mod conformance;
pub mod context;
pub mod error;
pub mod keys;
pub mod model;
pub mod steps;
pub mod store;

pub use context::{
    AdvisoryProvider, Clock, Context, DEFAULT_STALLED_AFTER, FileAdvisories, RegistryAccess,
    SystemClock,
};
pub use error::StepError;

pub use model::{
    AssembleJob, FindingsEvent, ImageLocation, IndexEntry, Job, JobKey, JobState, LayerJob,
    ResultRow, SeverityCounts,
};
pub use store::{
    Alerts, CreateOutcome, JobStore, LayerCacheStore, ObjectStore, PutOutcome, ResultQuery,
    ResultStore, StoreError, WorkQueue,
};
