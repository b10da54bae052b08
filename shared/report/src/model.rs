//! The report types, serialised as the JSON report.

use layerwatch_inventory::{Os, Warning};
use layerwatch_oci::Digest;
use serde::{Deserialize, Serialize};

/// The JSON report's schema version.
pub const SCHEMA_VERSION: u32 = 1;

/// A complete scan report for one image (one platform of an index) or one root filesystem.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Report {
    /// [`SCHEMA_VERSION`].
    pub schema_version: u32,
    /// What was scanned.
    pub artifact: Artifact,
    /// The operating system, when one was identified.
    pub os: Option<Os>,
    /// The layers, bottom first.
    pub layers: Vec<LayerSummary>,
    /// Every package found in the final image.
    pub packages: Vec<PackageEntry>,
    /// Advisories that apply to a package, after filters.
    #[serde(default)]
    pub findings: Vec<Finding>,
    /// Configuration checks.
    #[serde(default)]
    pub checks: Vec<Check>,
    /// The advisory store the findings came from; absent when no matching was done.
    #[serde(default)]
    pub advisory_db: Option<AdvisoryDb>,
    /// Which advisory sources covered the OS release and each ecosystem present.
    #[serde(default)]
    pub coverage: Vec<Coverage>,
    /// The analyzer that produced the inventories.
    pub analyzer: Analyzer,
    /// Everything the scan could not do completely.
    #[serde(default)]
    pub warnings: Vec<Warning>,
}

/// The scanned artifact. Manifest, config and index digests are kept apart, never confused.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Artifact {
    /// What the user named (`docker-archive:x.tar`, `registry/repo:tag`, `rootfs:/`).
    pub reference: String,
    /// Digest of the image manifest, when there is one.
    pub manifest_digest: Option<Digest>,
    /// Digest of the image config, when there is one.
    pub config_digest: Option<Digest>,
    /// Digest of the index the manifest was chosen from, when there was one.
    pub index_digest: Option<Digest>,
    /// `os/arch[/variant]`, when known.
    pub platform: Option<String>,
}

/// One layer of the image.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LayerSummary {
    /// Digest of the blob as stored; every `layer` field in the report refers to this.
    pub digest: Digest,
    /// The uncompressed tar's digest from the image config, when known.
    pub diff_id: Option<Digest>,
    /// Bytes of the blob as stored.
    pub size: u64,
}

/// A package of the final image.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PackageEntry {
    /// Package name.
    pub name: String,
    /// Installed version.
    pub version: String,
    /// Ecosystem (purl type: `apk`, `deb`, `rpm`, `pypi`, ...).
    pub ecosystem: String,
    /// Source package name (OS packages).
    pub source_name: Option<String>,
    /// Source package version (OS packages).
    pub source_version: Option<String>,
    /// Digest of the layer that brought it.
    pub layer: Digest,
    /// Where it was found in the image.
    pub path: String,
    /// Package URL.
    pub purl: String,
    /// Architecture, when recorded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub arch: Option<String>,
    /// Licence, when recorded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub license: Option<String>,
    /// A language package whose metadata file an OS package owns (a Debian `python3-yaml`
    /// ships `PyYAML-*.egg-info`): the OS package's advisories cover it, so the language
    /// feeds are not matched against it. Absent when false.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub os_owned: bool,
}

/// Severity levels, lowest first: the advisory model's own type, so a finding carries the
/// feed's severity without a second enum to keep in step.
pub use layerwatch_advisory::Severity;

/// Whether and how the advisory's package is fixed for this distribution or ecosystem.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FixStatus {
    /// A fixed version exists.
    Fixed,
    /// Affected and no fix released.
    Affected,
    /// The vendor will not fix it.
    WontFix,
    /// Minor issue the distribution does not fix in a security update (`no-dsa`, `ignored`).
    NoDsa,
    /// The release is out of support.
    EndOfLife,
}

/// A CVSS score with its vector.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CvssScore {
    /// `3.1`, `3.0`, `4.0`, `2.0`.
    pub version: String,
    /// The vector string.
    pub vector: String,
    /// The base score computed from the vector, when it could be.
    pub base_score: Option<f64>,
    /// Who gave the vector (feed name).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
}

/// The package a finding is about.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FindingPackage {
    /// Name.
    pub name: String,
    /// Installed version.
    pub version: String,
    /// Ecosystem (purl type).
    pub ecosystem: String,
    /// Package URL.
    pub purl: String,
}

/// Which advisory, range and rule produced a finding.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MatchedBy {
    /// Feed the advisory came from (e.g. `alpine-secdb`, `osv:PyPI`).
    pub source: String,
    /// Advisory namespace (e.g. `alpine:3.20`, `pypi`).
    pub namespace: String,
    /// The package name that was looked up (the source package for OS packages).
    pub package: String,
    /// The range that matched, in readable form (`< 1.1.1d-r0`, `>=0 <2.0.1`).
    pub range: String,
    /// The rule: e.g. `installed < fixed (apk)`.
    pub rule: String,
}

/// An advisory that applies to a package of the image.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Finding {
    /// Advisory id (the CVE where the feed keys by CVE).
    pub id: String,
    /// Other ids of the same vulnerability.
    pub aliases: Vec<String>,
    /// The package.
    pub package: FindingPackage,
    /// The layer that brought the package.
    pub layer: Digest,
    /// Installed version.
    pub installed_version: String,
    /// The first fixed version, when there is one.
    pub fixed_version: Option<String>,
    /// Fix state.
    pub status: FixStatus,
    /// Severity: the vendor's first, then CVSS.
    pub severity: Severity,
    /// Where the severity came from (`alpine-secdb`, `cvss:3.1`, ...), absent when unknown.
    pub severity_source: Option<String>,
    /// CVSS scores given by the feeds.
    #[serde(default)]
    pub cvss: Vec<CvssScore>,
    /// How the match was made.
    pub matched_by: MatchedBy,
    /// Short title, when the feed has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// Reference URLs.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub references: Vec<String>,
}

/// Result of a configuration check.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CheckResult {
    /// The rule holds.
    Pass,
    /// The rule is broken.
    Fail,
    /// The rule cannot be judged for this artifact (never reported as pass).
    NotApplicable,
}

/// A configuration check (CIS Docker Benchmark image rules, secrets).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Check {
    /// Stable id, e.g. `LW-CIS-4.1`.
    pub id: String,
    /// Title.
    pub title: String,
    /// Severity of a failure.
    pub severity: Severity,
    /// Pass, fail or not applicable.
    pub result: CheckResult,
    /// What was seen (values of secrets are always redacted).
    #[serde(default)]
    pub evidence: Vec<String>,
    /// The layer concerned, if one is.
    #[serde(default)]
    pub layer: Option<Digest>,
    /// CIS Docker Benchmark reference, where one exists.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cis: Option<String>,
}

/// The advisory store a report was matched against.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AdvisoryDb {
    /// Content hash + newest modification time of the store.
    pub revision: String,
    /// Names of the feeds in the store.
    pub sources: Vec<String>,
}

/// Which sources covered one part of the image (the OS release, or one ecosystem).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Coverage {
    /// `os:alpine:3.20` or `ecosystem:pypi`.
    pub target: String,
    /// The feeds that hold advisories for it; empty means not covered (and a warning says so).
    pub sources: Vec<String>,
}

/// The analyzer that produced the inventories.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Analyzer {
    /// Analyzer version (the cache key part).
    pub version: String,
    /// Layerwatch's own version.
    pub layerwatch: String,
}
