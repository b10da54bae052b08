//! What crosses a queue or sits in a table: jobs, layer and assemble messages, results rows.
//!
//! Messages carry digests and where to fetch them, never layer data: an Azure Storage queue
//! message is at most 64 KiB, an SQS one about 1 MiB.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use layerwatch_oci::{Digest, Platform};
use layerwatch_report::Severity;
use serde::{Deserialize, Serialize};

/// Where an image lives: a registry host and a repository in it.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct ImageLocation {
    /// Registry host (and port), e.g. `123456789012.dkr.ecr.us-east-1.amazonaws.com`.
    pub registry: String,
    /// Repository, e.g. `team/service`.
    pub repository: String,
}

impl fmt::Display for ImageLocation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.registry, self.repository)
    }
}

/// One scan job: one platform image of one pushed manifest, for one analyzer version.
///
/// Its display form is the `scan-jobs` key of DESIGN.md:
/// `<registry>/<repo>@<digest>#<platform>#<analyzer>`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct JobKey {
    /// The registry and repository.
    pub image: ImageLocation,
    /// Digest of the platform's image manifest (not of the index).
    pub digest: Digest,
    /// The platform, e.g. `linux/arm64/v8`.
    pub platform: String,
    /// The analyzer version the inventories are made with.
    pub analyzer: String,
}

impl fmt::Display for JobKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}@{}#{}#{}",
            self.image, self.digest, self.platform, self.analyzer
        )
    }
}

/// Where a job stands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum JobState {
    /// Layers are being analysed.
    Pending,
    /// One assemble has been claimed; no second one may start.
    Assembling,
    /// The report and results row are written.
    Done,
    /// The job ended without a report; `reason` names the object and what was wrong.
    Failed {
        /// Why, for the user.
        reason: String,
    },
}

/// A scan job as stored in `scan-jobs`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Job {
    /// The key.
    pub key: JobKey,
    /// The index the manifest was chosen from, when the push was an index.
    pub index_digest: Option<Digest>,
    /// The platform as the manifest or index said it.
    pub platform: Option<Platform>,
    /// Tags pushed with this digest so far.
    pub tags: BTreeSet<String>,
    /// Digest of the image config blob.
    pub config_digest: Digest,
    /// The layer blobs, bottom first, as the manifest lists them.
    pub layers: Vec<Digest>,
    /// Layers whose inventory is in the layer cache (a set, so a retried message counts once).
    pub finished: BTreeSet<Digest>,
    /// Where the job stands.
    pub state: JobState,
    /// The id of the event that created the job, for tracing.
    pub event_id: String,
    /// When the job was created, RFC 3339.
    pub created_at: String,
}

impl Job {
    /// True when every layer's inventory is in the cache.
    pub fn all_layers_finished(&self) -> bool {
        self.layers.iter().all(|l| self.finished.contains(l))
    }
}

/// The message that asks analyze-layer to read one layer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LayerJob {
    /// The job the layer belongs to.
    pub job: JobKey,
    /// The layer blob's digest (as stored; verified while streaming).
    pub layer: Digest,
    /// Its position in the manifest, bottom first, for messages and logs.
    pub index: usize,
    /// Its size in bytes according to the manifest.
    pub size: Option<u64>,
    /// Its media type according to the manifest.
    pub media_type: Option<String>,
}

/// The message that asks assemble to build the report of a job.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AssembleJob {
    /// The job.
    pub job: JobKey,
}

/// Findings per severity.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SeverityCounts {
    /// Critical.
    pub critical: u32,
    /// High.
    pub high: u32,
    /// Medium.
    pub medium: u32,
    /// Low.
    pub low: u32,
    /// Negligible.
    pub negligible: u32,
    /// Unknown.
    pub unknown: u32,
}

impl SeverityCounts {
    /// Counts one finding of `severity`.
    pub fn add(&mut self, severity: Severity) {
        let slot = match severity {
            Severity::Critical => &mut self.critical,
            Severity::High => &mut self.high,
            Severity::Medium => &mut self.medium,
            Severity::Low => &mut self.low,
            Severity::Negligible => &mut self.negligible,
            Severity::Unknown => &mut self.unknown,
        };
        *slot += 1;
    }

    /// All findings.
    pub fn total(&self) -> u32 {
        self.critical + self.high + self.medium + self.low + self.negligible + self.unknown
    }
}

/// One scanned platform image as users query it (`results`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResultRow {
    /// The registry and repository.
    pub image: ImageLocation,
    /// The platform manifest's digest.
    pub digest: Digest,
    /// The index it came from, if any.
    pub index_digest: Option<Digest>,
    /// The platform, e.g. `linux/amd64`.
    pub platform: String,
    /// Tags known for this digest.
    pub tags: BTreeSet<String>,
    /// Findings per severity, after the report's own filters (none in the pipeline).
    pub counts: SeverityCounts,
    /// Key of the JSON report in the object store.
    pub report_key: String,
    /// Key of the CycloneDX SBOM beside it.
    pub sbom_key: String,
    /// The advisory store revision the findings came from.
    pub advisory_revision: String,
    /// The analyzer version.
    pub analyzer: String,
    /// When the report was written, RFC 3339.
    pub scanned_at: String,
    /// The operating system, e.g. `alpine 3.20.3`.
    pub os: Option<String>,
    /// True once the registry said the image was deleted; the row and report are kept.
    pub deleted: bool,
}

/// One entry of the look-up indexes written beside a results row: a vulnerability or a
/// package present in the image.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum IndexEntry {
    /// A finding: the advisory id (and each alias gets its own entry) and the package.
    Vulnerability {
        /// Advisory id or alias, e.g. `CVE-2024-6119`.
        id: String,
        /// The package's purl without version, e.g. `pkg:apk/alpine/openssl`.
        package: String,
        /// The installed version.
        version: String,
        /// Severity of the finding.
        severity: Severity,
    },
    /// A package: purl without version and the version.
    Package {
        /// The package's purl without version.
        package: String,
        /// The installed version.
        version: String,
    },
}

/// What assemble publishes for alerting.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FindingsEvent {
    /// The image.
    pub image: ImageLocation,
    /// The platform manifest's digest.
    pub digest: Digest,
    /// The platform.
    pub platform: String,
    /// Tags known for the digest.
    pub tags: BTreeSet<String>,
    /// Findings per severity.
    pub counts: SeverityCounts,
    /// Ids of the most severe findings (at most 20), for the alert text.
    pub top: Vec<String>,
    /// Where the report is.
    pub report_key: String,
    /// Extra dimensions for metrics, e.g. the repository.
    pub dimensions: BTreeMap<String, String>,
}
