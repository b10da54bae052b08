//! Scan jobs: the job as JSON under its key; every change is a read-modify-write in one
//! immediate transaction.

use layerwatch_oci::Digest;
use layerwatch_pipeline::{CreateOutcome, Job, JobKey, JobState, JobStore, StoreError};
use rusqlite::{OptionalExtension, Transaction, params};

use super::{LocalStore, corrupt, sql_error, to_json};

fn load(tx: &Transaction<'_>, key: &str) -> Result<Option<Job>, StoreError> {
    let text: Option<String> = tx
        .query_row("SELECT job FROM jobs WHERE key = ?1", [key], |r| r.get(0))
        .optional()
        .map_err(|e| sql_error(&format!("reading job {key}"), e))?;
    text.map(|t| serde_json::from_str(&t).map_err(|e| corrupt("job", key, e)))
        .transpose()
}

fn save(tx: &Transaction<'_>, key: &str, job: &Job) -> Result<(), StoreError> {
    let text = to_json("job", key, job)?;
    tx.execute(
        "INSERT INTO jobs (key, job) VALUES (?1, ?2)
         ON CONFLICT (key) DO UPDATE SET job = excluded.job",
        params![key, text],
    )
    .map_err(|e| sql_error(&format!("writing job {key}"), e))?;
    Ok(())
}

fn missing(key: &str) -> StoreError {
    StoreError::Permanent(format!("job {key} does not exist"))
}

impl LocalStore {
    /// Changes the stored job `key` with `f`, which returns what the caller gets.
    fn update_job<T>(
        &self,
        key: &JobKey,
        f: impl FnOnce(&mut Job) -> T,
    ) -> Result<(Job, T), StoreError> {
        let k = key.to_string();
        self.write(&format!("updating job {k}"), |tx| {
            let mut job = load(tx, &k)?.ok_or_else(|| missing(&k))?;
            let out = f(&mut job);
            save(tx, &k, &job)?;
            Ok((job, out))
        })
    }
}

impl JobStore for LocalStore {
    fn create(&self, job: &Job) -> Result<CreateOutcome, StoreError> {
        let k = job.key.to_string();
        self.write(&format!("creating job {k}"), |tx| match load(tx, &k)? {
            Some(existing) if !matches!(existing.state, JobState::Failed { .. }) => {
                Ok(CreateOutcome::Exists(Box::new(existing)))
            }
            _ => {
                save(tx, &k, job)?;
                Ok(CreateOutcome::Created)
            }
        })
    }

    fn get(&self, key: &JobKey) -> Result<Option<Job>, StoreError> {
        let k = key.to_string();
        let conn = self.lock();
        let text: Option<String> = conn
            .query_row("SELECT job FROM jobs WHERE key = ?1", [&k], |r| r.get(0))
            .optional()
            .map_err(|e| sql_error(&format!("reading job {k}"), e))?;
        text.map(|t| serde_json::from_str(&t).map_err(|e| corrupt("job", &k, e)))
            .transpose()
    }

    fn finish_layer(&self, key: &JobKey, layer: &Digest) -> Result<Job, StoreError> {
        let (job, ()) = self.update_job(key, |job| {
            job.finished.insert(layer.clone());
        })?;
        Ok(job)
    }

    fn claim_assembly(&self, key: &JobKey) -> Result<bool, StoreError> {
        let (_, won) = self.update_job(key, |job| {
            let pending = job.state == JobState::Pending;
            if pending {
                job.state = JobState::Assembling;
            }
            pending
        })?;
        Ok(won)
    }

    fn finish(&self, key: &JobKey, state: JobState) -> Result<(), StoreError> {
        self.update_job(key, |job| job.state = state)?;
        Ok(())
    }

    fn add_tag(&self, key: &JobKey, tag: &str) -> Result<(), StoreError> {
        self.update_job(key, |job| {
            job.tags.insert(tag.to_string());
        })?;
        Ok(())
    }
}
