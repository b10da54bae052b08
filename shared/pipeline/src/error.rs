//! Why a step could not finish, and whether running it again can help.
//!
//! A binary turns a retryable error into a retry (the message goes back to its queue) and
//! anything else into a logged, acknowledged failure. Permanent problems of one image (a bad
//! layer, a missing blob) do not come back as errors: the step marks the job failed and says
//! so in its outcome.

use layerwatch_registry::RegistryError;

use crate::store::StoreError;

/// A step's failure.
#[derive(Debug, thiserror::Error)]
pub enum StepError {
    /// A store call failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The registry failed in a way a later attempt may not (or may, see `retryable`).
    #[error("{message}")]
    Registry {
        /// What was being read, and the registry's error.
        message: String,
        /// True for throttling, 5xx and transport failures.
        retryable: bool,
    },
    /// The request itself cannot be served (no such image, not an image, bad manifest).
    #[error("{0}")]
    Rejected(String),
}

impl StepError {
    /// True when the same call may succeed later.
    pub fn is_retryable(&self) -> bool {
        match self {
            StepError::Store(e) => e.is_retryable(),
            StepError::Registry { retryable, .. } => *retryable,
            StepError::Rejected(_) => false,
        }
    }

    /// A registry error with `context` (what was being read).
    pub(crate) fn registry(context: &str, e: &RegistryError) -> StepError {
        StepError::Registry {
            message: format!("{context}: {e}"),
            retryable: e.is_retryable(),
        }
    }
}
