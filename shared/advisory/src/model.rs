//! The normalised advisory model every feed is turned into, whatever its native format.
//!
//! One [`Advisory`] per advisory id and source; each [`Affected`] entry names one package in one
//! [`Namespace`] (an OS release or a language ecosystem) and says which of its versions are
//! affected, as OSV-style event ranges or an npm range string.

use std::fmt;

use layerwatch_inventory::Ecosystem;
use serde::{Deserialize, Serialize};

/// One advisory as a feed publishes it, normalised.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Advisory {
    /// The advisory's own id (`CVE-2019-1549` for Alpine, `DSA-4539-1`, `GO-2022-0956`, ...).
    pub id: String,
    /// Other ids of the same issue (CVE, GHSA, ...), never containing `id`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub aliases: Vec<String>,
    /// The feed it came from: the first two folders of its path below the feed root
    /// (`alpine/secdb-json`, `go/vulndb-osv`), or the feed kind's name for files higher up.
    pub source: String,
    /// One-line summary (OSV `summary`, else the first line of `details`; DSA title).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub summary: Option<String>,
    /// A severity label the publisher assigned (GHSA `database_specific.severity`, Node WG).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub severity: Option<VendorSeverity>,
    /// CVSS vectors with their computed base scores.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub cvss: Vec<Cvss>,
    /// Reference URLs.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub references: Vec<String>,
    /// Last modification, RFC 3339 (`2023-06-13T13:10:24Z`); date-only sources get `T00:00:00Z`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub modified: Option<String>,
    /// First publication, RFC 3339 as for `modified`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub published: Option<String>,
    /// When the advisory was withdrawn; its affected entries then carry [`FixState::Withdrawn`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub withdrawn: Option<String>,
    /// RustSec's `informational` kind (`unmaintained`, `unsound`, `notice`): not a vulnerability.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub informational: Option<String>,
    /// The packages it affects. A store lookup returns only the entries for the looked-up package.
    #[serde(default)]
    pub affected: Vec<Affected>,
}

impl Advisory {
    /// An advisory with only an id and a source, everything else empty.
    pub fn new(id: impl Into<String>, source: impl Into<String>) -> Self {
        Advisory {
            id: id.into(),
            aliases: Vec::new(),
            source: source.into(),
            summary: None,
            severity: None,
            cvss: Vec::new(),
            references: Vec::new(),
            modified: None,
            published: None,
            withdrawn: None,
            informational: None,
            affected: Vec::new(),
        }
    }

    /// The highest base score among the CVSS vectors, if any could be scored.
    pub fn max_cvss_score(&self) -> Option<f64> {
        self.cvss
            .iter()
            .filter_map(|c| c.base_score)
            .reduce(f64::max)
    }
}

/// A severity label as a vendor or database assigned it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VendorSeverity {
    /// Who assigned it (`ghsa`, `nodejs-security-wg`, `ubuntu`, ...).
    pub source: String,
    /// The label mapped onto our scale.
    pub level: Severity,
}

/// Severity scale, ordered from least to most severe.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// No usable severity.
    #[default]
    Unknown,
    /// Negligible (Debian "unimportant", Ubuntu "negligible").
    Negligible,
    /// Low.
    Low,
    /// Medium (GHSA "moderate").
    Medium,
    /// High (Red Hat "important").
    High,
    /// Critical.
    Critical,
}

impl Severity {
    /// Maps a vendor's label, case-insensitively; unknown labels give [`Severity::Unknown`].
    pub fn from_label(label: &str) -> Severity {
        match label.trim().to_ascii_lowercase().as_str() {
            "negligible" | "unimportant" | "none" | "informational" => Severity::Negligible,
            "low" => Severity::Low,
            "medium" | "moderate" => Severity::Medium,
            "high" | "important" => Severity::High,
            "critical" => Severity::Critical,
            _ => Severity::Unknown,
        }
    }

    /// The qualitative rating of a CVSS v3/v4 base score (0.0 is "none", shown as negligible).
    pub fn from_cvss_score(score: f64) -> Severity {
        if score >= 9.0 {
            Severity::Critical
        } else if score >= 7.0 {
            Severity::High
        } else if score >= 4.0 {
            Severity::Medium
        } else if score > 0.0 {
            Severity::Low
        } else {
            Severity::Negligible
        }
    }

    /// The lowercase name used in reports.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Unknown => "unknown",
            Severity::Negligible => "negligible",
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
            Severity::Critical => "critical",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One CVSS vector and its base score.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Cvss {
    /// `2.0`, `3.0`, `3.1` or `4.0`.
    pub version: String,
    /// The vector as published.
    pub vector: String,
    /// The base score computed from the vector; `None` when the vector does not parse.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub base_score: Option<f64>,
}

/// Where a package lives: an OS release or a language ecosystem.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Namespace {
    /// An OS release: `alpine` `3.10`, `debian` `buster` (codename), `ubuntu` `18.04`,
    /// `ubuntu-pro` `16.04` (Ubuntu Pro/ESM fixes, kept apart from the public archive).
    Os {
        /// Distribution family, lowercase.
        family: String,
        /// Release as the family's advisories name it (see the variant doc).
        release: String,
    },
    /// A language ecosystem, where advisories do not depend on the OS.
    Language(Ecosystem),
}

impl Namespace {
    /// An OS namespace.
    pub fn os(family: impl Into<String>, release: impl Into<String>) -> Self {
        Namespace::Os {
            family: family.into(),
            release: release.into(),
        }
    }

    /// The namespace an image's OS packages are looked up in, from its os-release `ID`,
    /// `VERSION_ID` and `VERSION_CODENAME`: Alpine by `major.minor` (`3.10.3` is `3.10`, a
    /// pre-release such as `3.21.0_alpha20240807` is `edge`), Debian by codename (from the
    /// number when the codename is missing), Ubuntu by `VERSION_ID`, others as given.
    pub fn for_os_release(id: &str, version_id: &str, codename: Option<&str>) -> Option<Self> {
        let id = id.trim().to_ascii_lowercase();
        let version_id = version_id.trim();
        let release = match id.as_str() {
            "alpine" if version_id.contains("_alpha") || version_id == "edge" => "edge".into(),
            "alpine" => {
                let mut parts = version_id.split('.');
                match (parts.next(), parts.next()) {
                    (Some(major), Some(minor)) => format!("{major}.{minor}"),
                    _ => return None,
                }
            }
            "debian" => match codename.map(str::trim).filter(|c| !c.is_empty()) {
                Some(c) => c.to_ascii_lowercase(),
                None => crate::feeds::debian_codename(version_id.split('.').next()?)?.to_owned(),
            },
            _ if version_id.is_empty() => return None,
            _ => version_id.to_owned(),
        };
        Some(Namespace::os(id, release))
    }

    /// The store's index key: `os:alpine:3.10`, `lang:npm`.
    pub fn key(&self) -> String {
        match self {
            Namespace::Os { family, release } => format!("os:{family}:{release}"),
            Namespace::Language(eco) => format!("lang:{}", eco.as_str()),
        }
    }
}

impl fmt::Display for Namespace {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.key())
    }
}

/// The package name as the store indexes it: PyPI names by PEP 503 (lowercase, runs of
/// `-_.` as one `-`); NuGet, Composer and npm lowercase (npm has only allowed lowercase names
/// since 2017, and old feeds write e.g. `jQuery` for `jquery`); every other namespace unchanged.
pub fn normalize_package(namespace: &Namespace, name: &str) -> String {
    match namespace {
        Namespace::Language(Ecosystem::Pypi) => {
            let mut out = String::with_capacity(name.len());
            let mut in_sep = false;
            for c in name.trim().chars() {
                if matches!(c, '-' | '_' | '.') {
                    if !in_sep {
                        out.push('-');
                    }
                    in_sep = true;
                } else {
                    out.push(c.to_ascii_lowercase());
                    in_sep = false;
                }
            }
            out
        }
        Namespace::Language(Ecosystem::Nuget | Ecosystem::Composer | Ecosystem::Npm) => {
            name.to_ascii_lowercase()
        }
        _ => name.to_owned(),
    }
}

/// One affected package of an advisory.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Affected {
    /// Where the package lives.
    pub namespace: Namespace,
    /// The package name as the feed gives it (source package for Alpine origins and Debian).
    pub package: String,
    /// Affected version ranges; git ranges are dropped at parse time.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ranges: Vec<Range>,
    /// Explicitly affected versions (OSV `versions`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub versions: Vec<String>,
    /// Whether a fix exists for this package in this namespace.
    pub fix_state: FixState,
}

impl Affected {
    /// Every fixed version named by the ranges, in order of appearance.
    pub fn fixed_versions(&self) -> Vec<&str> {
        self.ranges
            .iter()
            .flat_map(|r| match r {
                Range::Events { events, .. } => events.as_slice(),
                Range::Npm { .. } => &[],
            })
            .filter_map(|e| match e {
                Event::Fixed(v) => Some(v.as_str()),
                _ => None,
            })
            .collect()
    }
}

/// A range of affected versions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Range {
    /// OSV-style events, compared with the namespace's version scheme (ECOSYSTEM) or SemVer.
    Events {
        /// How versions in the events compare.
        kind: RangeKind,
        /// The events in the feed's order (matching sorts them).
        events: Vec<Event>,
    },
    /// npm semver ranges as the Node.js security WG publishes them.
    Npm {
        /// `vulnerable_versions` (e.g. `<=1.5.1`).
        vulnerable: String,
        /// `patched_versions` (e.g. `>=1.5.2`); a version in it is never affected.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        patched: Option<String>,
    },
}

/// How the versions of an event range compare.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum RangeKind {
    /// The ecosystem's own scheme (apk, dpkg, PEP 440, ...).
    Ecosystem,
    /// SemVer 2.0 (Go, crates.io).
    Semver,
}

/// One OSV range event; serialised exactly as OSV writes it (`{"fixed": "1.2.3"}`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Event {
    /// Versions from this one on are affected (`0` means from the beginning).
    Introduced(String),
    /// Versions from this one on are no longer affected (exclusive end).
    Fixed(String),
    /// The last affected version (inclusive end).
    LastAffected(String),
    /// An upper bound on the range (exclusive), regardless of other events.
    Limit(String),
}

/// Whether a fix exists for an affected package.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FixState {
    /// A fixed version exists.
    Fixed,
    /// Affected and no fix yet (Debian `<unfixed>`, OSV without a `fixed` event).
    Affected,
    /// The vendor decided not to fix it (Debian `<ignored>`).
    WontFix,
    /// Debian `<no-dsa>`/`<postponed>`: minor issue, no advisory planned.
    NoDsa,
    /// The release is out of security support (Debian `<end-of-life>`).
    EndOfLife,
    /// The advisory was withdrawn: it matches nothing.
    Withdrawn,
}

impl FixState {
    /// The snake_case name used in reports.
    pub fn as_str(self) -> &'static str {
        match self {
            FixState::Fixed => "fixed",
            FixState::Affected => "affected",
            FixState::WontFix => "wont_fix",
            FixState::NoDsa => "no_dsa",
            FixState::EndOfLife => "end_of_life",
            FixState::Withdrawn => "withdrawn",
        }
    }
}
