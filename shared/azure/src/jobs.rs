//! Scan jobs on Blob storage: one JSON blob per job key, created with `If-None-Match: *` and
//! changed only by ETag compare-and-swap, so duplicate events create one job and a retried
//! layer message counts once.

use layerwatch_oci::Digest;
use layerwatch_pipeline::{CreateOutcome, Job, JobKey, JobState, JobStore, StoreError};

use crate::blob::{Condition, Put};
use crate::cas::{encode, read, segment, update};
use crate::storage::AzureStorage;

const WHAT: &str = "scan job";

/// The blob name of a job.
pub fn job_blob(key: &JobKey) -> String {
    format!("jobs/{}.json", segment(&key.to_string()))
}

impl AzureStorage {
    fn update_job<F: FnMut(&mut Job) -> bool>(
        &self,
        key: &JobKey,
        change: F,
    ) -> Result<Job, StoreError> {
        let name = job_blob(key);
        update(&self.container, WHAT, &name, change)?
            .ok_or_else(|| StoreError::Permanent(format!("{WHAT} `{key}` does not exist")))
    }
}

impl JobStore for AzureStorage {
    fn create(&self, job: &Job) -> Result<CreateOutcome, StoreError> {
        let name = job_blob(&job.key);
        let bytes = encode(WHAT, &name, job)?;
        for _ in 0..50 {
            if let Put::Written(_) =
                self.container
                    .put(&name, &bytes, "application/json", Condition::Absent)?
            {
                return Ok(CreateOutcome::Created);
            }
            let Some(existing) = self.container.get(&name)? else {
                // Deleted between the two calls: try creating again.
                continue;
            };
            let stored: Job = crate::cas::decode(WHAT, &name, &existing.bytes)?;
            if !matches!(stored.state, JobState::Failed { .. }) {
                return Ok(CreateOutcome::Exists(Box::new(stored)));
            }
            // A re-push retries a failed scan: replace exactly the failed version we read.
            match self.container.put(
                &name,
                &bytes,
                "application/json",
                Condition::Matches(&existing.etag),
            )? {
                Put::Written(_) => return Ok(CreateOutcome::Created),
                Put::Conflict => continue,
            }
        }
        Err(StoreError::Transient(format!(
            "{WHAT} `{}`: creation still contended after 50 attempts",
            job.key
        )))
    }

    fn get(&self, key: &JobKey) -> Result<Option<Job>, StoreError> {
        read(&self.container, WHAT, &job_blob(key))
    }

    fn finish_layer(&self, key: &JobKey, layer: &Digest) -> Result<Job, StoreError> {
        self.update_job(key, |job| job.finished.insert(layer.clone()))
    }

    fn claim_assembly(&self, key: &JobKey) -> Result<bool, StoreError> {
        let mut claimed = false;
        self.update_job(key, |job| {
            claimed = job.state == JobState::Pending;
            if claimed {
                job.state = JobState::Assembling;
            }
            claimed
        })?;
        Ok(claimed)
    }

    fn finish(&self, key: &JobKey, state: JobState) -> Result<(), StoreError> {
        self.update_job(key, |job| {
            if job.state == state {
                return false;
            }
            job.state = state.clone();
            true
        })
        .map(|_| ())
    }

    fn add_tag(&self, key: &JobKey, tag: &str) -> Result<(), StoreError> {
        self.update_job(key, |job| job.tags.insert(tag.to_string()))
            .map(|_| ())
    }
}
