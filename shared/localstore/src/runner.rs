//! The pipeline run in-process: dispatch, then every queued layer and assemble message until
//! the queue is empty. Transient errors are retried here as a queue would redeliver them;
//! a message that keeps failing ends its job as failed.

use std::sync::Arc;
use std::time::Duration;

use layerwatch_events::ScanRequest;
use layerwatch_pipeline::steps::{
    AnalyzeOutcome, AssembleOutcome, DispatchOutcome, JobDispatch, analyze_layer, assemble,
    dispatch, fail_job,
};
use layerwatch_pipeline::{
    AdvisoryProvider, Context, JobKey, JobStore, LayerCacheStore, ObjectStore, PutOutcome,
    RegistryAccess, ResultRow, ResultStore, StepError, SystemClock,
};
use tracing::warn;

use crate::queue::{Alert, CollectedAlerts, MemoryQueue, Message};

/// Deliveries of one message before its job is failed (SQS's maxReceiveCount in the cloud).
const MAX_ATTEMPTS: u32 = 3;

/// The four stores the runner works on (the embedded ones, or wrappers of them in tests).
#[derive(Clone)]
pub struct Stores {
    /// Layer inventories.
    pub layers: Arc<dyn LayerCacheStore>,
    /// Scan jobs.
    pub jobs: Arc<dyn JobStore>,
    /// Results rows.
    pub results: Arc<dyn ResultStore>,
    /// Reports and configs.
    pub objects: Arc<dyn ObjectStore>,
}

/// How the runner reaches the registry and the advisories.
#[derive(Clone)]
pub struct Settings {
    /// Registry settings.
    pub registry: RegistryAccess,
    /// The layer reader's caps.
    pub limits: layerwatch_layer::Limits,
    /// The advisory store.
    pub advisories: Arc<dyn AdvisoryProvider>,
}

/// What one run did.
#[derive(Debug, Clone, PartialEq)]
pub struct RunSummary {
    /// What dispatch did with the request.
    pub dispatch: DispatchOutcome,
    /// Layers streamed from the registry and analysed.
    pub layers_read: usize,
    /// Distinct layers whose inventory came from the cache instead (at dispatch or later).
    pub layers_cached: usize,
    /// Rows written by assemble in this run.
    pub rows: Vec<ResultRow>,
    /// Jobs that failed, with the reason.
    pub failed: Vec<(JobKey, String)>,
    /// Announcements made.
    pub alerts: Vec<Alert>,
}

/// The pipeline on local stores with an in-process queue.
pub struct LocalPipeline {
    context: Context,
    queue: Arc<MemoryQueue>,
    alerts: Arc<CollectedAlerts>,
}

impl LocalPipeline {
    /// A pipeline over `stores`.
    pub fn new(stores: Stores, settings: Settings) -> LocalPipeline {
        let queue = Arc::new(MemoryQueue::default());
        let alerts = Arc::new(CollectedAlerts::default());
        let context = Context {
            layers: stores.layers,
            jobs: stores.jobs,
            results: stores.results,
            objects: stores.objects,
            queue: queue.clone(),
            alerts: alerts.clone(),
            registry: settings.registry,
            limits: settings.limits,
            advisories: settings.advisories,
            clock: Arc::new(SystemClock),
            analyzer: layerwatch_inventory::ANALYZER_VERSION.to_string(),
            // Nothing else works on these jobs while this process runs: a job left pending
            // or assembling by a killed run is picked up again by the next one.
            stalled_after: Duration::ZERO,
        };
        LocalPipeline {
            context,
            queue,
            alerts,
        }
    }

    /// The context the steps run with (for `query` and `rematch`).
    pub fn context(&self) -> &Context {
        &self.context
    }

    /// Runs dispatch for `request`, then drains the queue.
    pub fn run_scan(&self, request: &ScanRequest) -> Result<RunSummary, StepError> {
        let outcome = dispatch(&self.context, request)?;
        let mut summary = RunSummary {
            layers_cached: cached_at_dispatch(&outcome),
            dispatch: outcome,
            layers_read: 0,
            rows: Vec::new(),
            failed: Vec::new(),
            alerts: Vec::new(),
        };
        self.drain(&mut summary)?;
        summary.alerts = self.alerts.take();
        Ok(summary)
    }

    fn drain(&self, summary: &mut RunSummary) -> Result<(), StepError> {
        while let Some(message) = self.queue.pop() {
            let mut attempt = 1;
            loop {
                match self.handle(&message, summary) {
                    Ok(()) => break,
                    Err(e) if e.is_retryable() && attempt < MAX_ATTEMPTS => {
                        warn!(error = %e, attempt, "retrying");
                        std::thread::sleep(Duration::from_millis(200 * u64::from(attempt)));
                        attempt += 1;
                    }
                    Err(e) => {
                        let job = match &message {
                            Message::Layer(m) => &m.job,
                            Message::Assemble(m) => &m.job,
                        };
                        let reason = format!("gave up after {attempt} attempts: {e}");
                        fail_job(&self.context, job, &reason)?;
                        summary.failed.push((job.clone(), reason));
                        break;
                    }
                }
            }
        }
        Ok(())
    }

    fn handle(&self, message: &Message, summary: &mut RunSummary) -> Result<(), StepError> {
        match message {
            Message::Layer(m) => match analyze_layer(&self.context, m)? {
                AnalyzeOutcome::Finished { cached, .. } => match cached {
                    PutOutcome::Created => summary.layers_read += 1,
                    PutOutcome::AlreadyPresent => summary.layers_cached += 1,
                },
                AnalyzeOutcome::JobFailed { reason } => {
                    summary.failed.push((m.job.clone(), reason))
                }
                AnalyzeOutcome::Skipped { .. } => {}
            },
            Message::Assemble(m) => match assemble(&self.context, m)? {
                AssembleOutcome::Assembled { row, .. } => summary.rows.push(*row),
                AssembleOutcome::JobFailed { reason } => {
                    summary.failed.push((m.job.clone(), reason))
                }
                AssembleOutcome::Skipped { .. } => {}
            },
        }
        Ok(())
    }
}

fn cached_at_dispatch(outcome: &DispatchOutcome) -> usize {
    match outcome {
        DispatchOutcome::Pushed { jobs } => jobs
            .iter()
            .map(|(_, d)| match d {
                JobDispatch::Created { cached, .. } => *cached,
                _ => 0,
            })
            .sum(),
        DispatchOutcome::Deleted { .. } => 0,
    }
}
