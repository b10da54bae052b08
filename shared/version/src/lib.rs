//! Version ordering, one exact implementation per ecosystem's scheme.
//!
//! Each scheme has its own module and newtype (`DpkgVersion`, `ApkVersion`, ...) that parses
//! with [`FromStr`](std::str::FromStr) and orders with [`Ord`] exactly as the ecosystem's own
//! tool does. [`Version`] wraps any of them so callers can parse once per scheme and compare
//! many times; [`compare`] is the one-shot form.
//!
//! ```
//! use layerwatch_version::{Scheme, Version, compare, npm_range_contains};
//!
//! assert!(compare(Scheme::Dpkg, "1.0~rc1", "1.0")?.is_lt());
//! let fixed = Version::parse(Scheme::Apk, "3.0.15-r0")?;
//! assert!(Version::parse(Scheme::Apk, "3.0.8-r0")? < fixed);
//! assert!(npm_range_contains(">=1.2.7 <1.3.0", "1.2.99")?);
//! # Ok::<(), layerwatch_version::VersionError>(())
//! ```

use std::cmp::Ordering;
use std::fmt;

use layerwatch_inventory::Ecosystem;

mod macros;

pub mod apk;
pub mod composer;
pub mod dpkg;
pub mod gem;
pub mod go;
pub mod maven;
pub mod npm_range;
pub mod nuget;
pub mod pep440;
pub mod rpm;
pub mod semver;
mod version;

pub use apk::ApkVersion;
pub use composer::ComposerVersion;
pub use dpkg::DpkgVersion;
pub use gem::GemVersion;
pub use go::GoVersion;
pub use maven::MavenVersion;
pub use npm_range::{NpmRange, npm_range_contains};
pub use nuget::NugetVersion;
pub use pep440::Pep440Version;
pub use rpm::RpmVersion;
pub use semver::SemverVersion;
pub use version::Version;

/// A version scheme: the ordering rules of one family of package managers. Serialised as
/// its lowercase name ([`Scheme::as_str`]).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum Scheme {
    /// Debian policy 5.6.12 (`dpkg --compare-versions`).
    Dpkg,
    /// rpm's `rpmvercmp` over `[epoch:]version[-release]`.
    Rpm,
    /// apk-tools' version rules (Alpine).
    Apk,
    /// Python's PEP 440.
    Pep440,
    /// Semantic Versioning 2.0 (npm, Cargo).
    Semver,
    /// Go module versions and Go toolchain versions.
    Go,
    /// Maven's `ComparableVersion`.
    Maven,
    /// RubyGems' `Gem::Version`.
    RubyGems,
    /// NuGet's `NuGetVersion` (semver with a fourth part).
    Nuget,
    /// Composer's normalised versions (PHP `version_compare`).
    Composer,
}

impl Scheme {
    /// The scheme an ecosystem's packages are versioned with.
    pub fn for_ecosystem(e: Ecosystem) -> Scheme {
        match e {
            Ecosystem::Deb => Scheme::Dpkg,
            Ecosystem::Rpm => Scheme::Rpm,
            Ecosystem::Apk => Scheme::Apk,
            Ecosystem::Pypi => Scheme::Pep440,
            Ecosystem::Npm | Ecosystem::Cargo => Scheme::Semver,
            Ecosystem::Golang => Scheme::Go,
            Ecosystem::Maven => Scheme::Maven,
            Ecosystem::Gem => Scheme::RubyGems,
            Ecosystem::Nuget => Scheme::Nuget,
            Ecosystem::Composer => Scheme::Composer,
        }
    }

    /// A short lowercase name, used in error messages.
    pub fn as_str(self) -> &'static str {
        match self {
            Scheme::Dpkg => "dpkg",
            Scheme::Rpm => "rpm",
            Scheme::Apk => "apk",
            Scheme::Pep440 => "pep440",
            Scheme::Semver => "semver",
            Scheme::Go => "go",
            Scheme::Maven => "maven",
            Scheme::RubyGems => "rubygems",
            Scheme::Nuget => "nuget",
            Scheme::Composer => "composer",
        }
    }
}

impl fmt::Display for Scheme {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Why a string is not a version of a scheme.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum VersionError {
    /// The string does not follow the scheme's syntax.
    #[error("invalid {scheme} version `{version}`: {reason}")]
    Invalid {
        /// The scheme the string was parsed as.
        scheme: Scheme,
        /// The string as given.
        version: String,
        /// What is wrong with it.
        reason: String,
    },
}

impl VersionError {
    /// Builds an [`VersionError::Invalid`].
    pub(crate) fn invalid(scheme: Scheme, version: &str, reason: impl Into<String>) -> Self {
        VersionError::Invalid {
            scheme,
            version: version.to_owned(),
            reason: reason.into(),
        }
    }
}

/// Compares two version strings under `scheme`.
///
/// Fails if either string is not a valid version of the scheme.
pub fn compare(scheme: Scheme, a: &str, b: &str) -> Result<Ordering, VersionError> {
    let a = Version::parse(scheme, a)?;
    let b = Version::parse(scheme, b)?;
    Ok(a.cmp(&b))
}
