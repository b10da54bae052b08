//! The in-process work queue the runner drains, and the alert collector.

use std::collections::VecDeque;
use std::sync::Mutex;

use layerwatch_pipeline::{
    Alerts, AssembleJob, FindingsEvent, JobKey, LayerJob, StoreError, WorkQueue,
};
use tracing::{info, warn};

/// A message between steps.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Message {
    /// For analyze-layer.
    Layer(LayerJob),
    /// For assemble.
    Assemble(AssembleJob),
}

/// A first-in first-out queue in memory.
#[derive(Debug, Default)]
pub struct MemoryQueue {
    messages: Mutex<VecDeque<Message>>,
}

impl MemoryQueue {
    /// The next message, if any.
    pub fn pop(&self) -> Option<Message> {
        self.messages
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .pop_front()
    }

    /// Puts a message back at the end (a retry).
    pub fn push(&self, message: Message) {
        self.messages
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .push_back(message);
    }

    /// Messages waiting.
    pub fn len(&self) -> usize {
        self.messages
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .len()
    }

    /// True when nothing waits.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl WorkQueue for MemoryQueue {
    fn send_layer_jobs(&self, jobs: &[LayerJob]) -> Result<(), StoreError> {
        for job in jobs {
            self.push(Message::Layer(job.clone()));
        }
        Ok(())
    }

    fn send_assemble(&self, job: &AssembleJob) -> Result<(), StoreError> {
        self.push(Message::Assemble(job.clone()));
        Ok(())
    }
}

/// An announcement the pipeline made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Alert {
    /// Findings of a finished scan.
    Findings(FindingsEvent),
    /// A failed scan.
    Failed {
        /// The job.
        job: JobKey,
        /// Why.
        reason: String,
    },
}

/// Collects announcements (and logs them) for the caller to show.
#[derive(Debug, Default)]
pub struct CollectedAlerts {
    alerts: Mutex<Vec<Alert>>,
}

impl CollectedAlerts {
    /// Takes the announcements collected so far.
    pub fn take(&self) -> Vec<Alert> {
        std::mem::take(&mut *self.alerts.lock().unwrap_or_else(|p| p.into_inner()))
    }
}

impl Alerts for CollectedAlerts {
    fn findings(&self, event: &FindingsEvent) -> Result<(), StoreError> {
        info!(image = %event.image, digest = %event.digest, platform = %event.platform, critical = event.counts.critical, high = event.counts.high, total = event.counts.total(), "findings");
        self.alerts
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .push(Alert::Findings(event.clone()));
        Ok(())
    }

    fn scan_failed(&self, job: &JobKey, reason: &str) -> Result<(), StoreError> {
        warn!(job = %job, reason, "scan failed");
        self.alerts
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .push(Alert::Failed {
                job: job.clone(),
                reason: reason.to_string(),
            });
        Ok(())
    }
}
