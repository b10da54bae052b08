//! The pipeline's steps, each a synchronous function of a [`crate::Context`] and one message,
//! returning an outcome the binary logs and turns into its response.
//!
//! | step | input | binary |
//! |---|---|---|
//! | [`dispatch()`] | a [`layerwatch_events::ScanRequest`] | `dispatch` |
//! | [`analyze_layer()`] | a [`crate::LayerJob`] | `analyze-layer` |
//! | [`assemble()`] | an [`crate::AssembleJob`] | `assemble` |
//! | [`query()`] | a [`crate::ResultQuery`] | `query` |
//! | [`rematch()`] | a [`crate::ResultQuery`] naming the rows | CLI `rematch`, a scheduled function |
//!
//! A retryable [`crate::StepError`] means "put the message back"; anything the image itself
//! gets wrong ends its job as failed inside the step.

mod analyze;
mod assemble;
mod common;
mod dispatch;
mod fail;
mod query;
mod rematch;

pub use analyze::{AnalyzeOutcome, analyze_layer};
pub use assemble::{AssembleOutcome, assemble};
pub use common::purl_without_version;
pub use dispatch::{DispatchOutcome, JobDispatch, dispatch};
pub use fail::fail_job;
pub use query::query;
pub use rematch::{RematchOutcome, rematch};
