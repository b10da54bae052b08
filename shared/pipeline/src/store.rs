//! The storage the pipeline needs, as traits each backend implements: the layer cache, the job
//! table, the results table with its look-up indexes, an object store, the work queues and the
//! alert channel.
//!
//! Every call is blocking (see the crate docs). Errors say whether a retry can help, so a queue
//! message is retried on throttling and dropped to its dead-letter queue on a permanent fault.

use std::collections::HashMap;

use layerwatch_inventory::LayerInventory;
use layerwatch_oci::Digest;

use crate::model::{
    AssembleJob, FindingsEvent, ImageLocation, IndexEntry, Job, JobKey, JobState, LayerJob,
    ResultRow,
};

/// A storage failure. The message names the table, key or object.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// Throttling, a timeout, a 5xx: the same call may succeed later.
    #[error("{0} (retryable)")]
    Transient(String),
    /// Anything a retry cannot fix: access denied, a missing table, a malformed item.
    #[error("{0}")]
    Permanent(String),
    /// A stored value could not be decoded.
    #[error("stored {what} `{key}` is unreadable: {reason}")]
    Corrupt {
        /// What kind of value, e.g. `layer inventory`.
        what: &'static str,
        /// Its key.
        key: String,
        /// What is wrong.
        reason: String,
    },
}

impl StoreError {
    /// True when the same call may succeed if repeated later.
    pub fn is_retryable(&self) -> bool {
        matches!(self, StoreError::Transient(_))
    }
}

/// The result of a conditional put.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PutOutcome {
    /// This call wrote the value.
    Created,
    /// A value was already there and is left as it was.
    AlreadyPresent,
}

/// The result of creating a job.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CreateOutcome {
    /// This call created the job.
    Created,
    /// A job with this key exists (a duplicate or replayed event); it is returned unchanged.
    Exists(Box<Job>),
}

/// Layer inventories keyed by layer digest and analyzer version (`layer-cache`).
pub trait LayerCacheStore: Send + Sync {
    /// The inventories of those `digests` that are cached for `analyzer`, in one batch where
    /// the backend allows. Reading refreshes an entry's time to live.
    fn get_many(
        &self,
        digests: &[Digest],
        analyzer: &str,
    ) -> Result<HashMap<Digest, LayerInventory>, StoreError>;

    /// Stores an inventory unless one is there already (key: its digest and analyzer
    /// version). A backend spills a value over its item limit to its object store.
    fn put(&self, inventory: &LayerInventory) -> Result<PutOutcome, StoreError>;
}

/// Scan jobs (`scan-jobs`). Every write is conditional, so concurrent and repeated calls agree.
pub trait JobStore: Send + Sync {
    /// Creates `job` unless its key exists. A job in state [`JobState::Failed`] may be replaced
    /// (a re-push retries a failed scan); any other existing job is returned unchanged.
    fn create(&self, job: &Job) -> Result<CreateOutcome, StoreError>;

    /// The job with `key`.
    fn get(&self, key: &JobKey) -> Result<Option<Job>, StoreError>;

    /// Adds `layer` to the job's finished set (idempotent) and returns the job as stored after.
    fn finish_layer(&self, key: &JobKey, layer: &Digest) -> Result<Job, StoreError>;

    /// Moves the job from [`JobState::Pending`] to [`JobState::Assembling`]. Returns false when
    /// it was not pending: another invocation has claimed it, or it ended.
    fn claim_assembly(&self, key: &JobKey) -> Result<bool, StoreError>;

    /// Records the end of a job: [`JobState::Done`] or [`JobState::Failed`].
    fn finish(&self, key: &JobKey, state: JobState) -> Result<(), StoreError>;

    /// Adds a tag to the job's tag set (a new tag pushed for a known digest).
    fn add_tag(&self, key: &JobKey, tag: &str) -> Result<(), StoreError>;
}

/// A question to the results table. Its JSON form is what the `query` function takes, e.g.
/// `{"vulnerability": "CVE-2024-6119"}` or `{"repository": {"image": {...}, "tag": "3.20"}}`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ResultQuery {
    /// The rows of one platform manifest digest (or of an index digest: all its platforms).
    Digest(Digest),
    /// The rows of a repository, optionally only those carrying `tag`.
    Repository {
        /// Registry and repository.
        image: ImageLocation,
        /// Only rows with this tag.
        tag: Option<String>,
    },
    /// Images containing a package: purl without version, and optionally one version.
    Package {
        /// e.g. `pkg:apk/alpine/openssl`.
        package: String,
        /// Only this installed version.
        version: Option<String>,
    },
    /// Images affected by a vulnerability id or alias.
    Vulnerability(String),
    /// Every row (for a re-match after an advisory update; a table scan in the cloud).
    All,
}

/// Scan results and their look-up indexes (`results`).
pub trait ResultStore: Send + Sync {
    /// Writes (or replaces) the row of one platform image and its index entries. Replacing a
    /// row replaces its index entries: a re-match that no longer finds a CVE removes it.
    fn put(&self, row: &ResultRow, index: &[IndexEntry]) -> Result<(), StoreError>;

    /// Adds a tag to every row of `digest` in `image` (platform rows of an index included).
    fn add_tag(&self, image: &ImageLocation, digest: &Digest, tag: &str) -> Result<(), StoreError>;

    /// Marks every row of `digest` in `image` deleted; nothing is removed.
    fn mark_deleted(&self, image: &ImageLocation, digest: &Digest) -> Result<(), StoreError>;

    /// Answers a query; rows come with the index entries that matched (empty for digest,
    /// repository and `All` queries). Deleted rows are included (they say `deleted`).
    fn query(&self, query: &ResultQuery) -> Result<Vec<(ResultRow, Vec<IndexEntry>)>, StoreError>;
}

/// Whole objects by key (S3, Azure Blob, a directory).
pub trait ObjectStore: Send + Sync {
    /// Writes `bytes` at `key` unless an object is there (reports are written once, whole).
    fn put_once(
        &self,
        key: &str,
        bytes: &[u8],
        content_type: &str,
    ) -> Result<PutOutcome, StoreError>;

    /// Writes `bytes` at `key`, replacing what is there (pointers such as the newest advisory
    /// snapshot).
    fn put(&self, key: &str, bytes: &[u8], content_type: &str) -> Result<(), StoreError>;

    /// The object at `key`, if any.
    fn get(&self, key: &str) -> Result<Option<Vec<u8>>, StoreError>;

    /// The keys that start with `prefix`, in lexical order.
    fn list(&self, prefix: &str) -> Result<Vec<String>, StoreError>;
}

/// The queues between the steps.
pub trait WorkQueue: Send + Sync {
    /// Sends one message per layer (in batches where the backend allows).
    fn send_layer_jobs(&self, jobs: &[LayerJob]) -> Result<(), StoreError>;

    /// Sends the assemble message of a job.
    fn send_assemble(&self, job: &AssembleJob) -> Result<(), StoreError>;
}

/// Where findings and failures are announced (EventBridge + CloudWatch, Azure Monitor).
pub trait Alerts: Send + Sync {
    /// Publishes the findings of a finished scan.
    fn findings(&self, event: &FindingsEvent) -> Result<(), StoreError>;

    /// Counts a failed scan, with the job and its reason.
    fn scan_failed(&self, job: &JobKey, reason: &str) -> Result<(), StoreError>;
}
