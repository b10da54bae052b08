//! Packages as found in a database, before they are attributed to a layer.

use std::fmt;

use serde::{Deserialize, Serialize};

/// The packaging system a package belongs to. Serialised with the purl type names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Ecosystem {
    /// Alpine's apk.
    Apk,
    /// Debian and Ubuntu's dpkg.
    Deb,
    /// rpm (Red Hat, SUSE, Amazon Linux ...).
    Rpm,
    /// Python packages.
    Pypi,
    /// npm packages.
    Npm,
    /// Go modules.
    Golang,
    /// Rust crates.
    Cargo,
    /// Maven artefacts.
    Maven,
    /// Ruby gems.
    Gem,
    /// PHP Composer packages.
    Composer,
    /// .NET NuGet packages.
    Nuget,
}

impl Ecosystem {
    /// The purl type, which is also the serialised name.
    pub fn as_str(self) -> &'static str {
        match self {
            Ecosystem::Apk => "apk",
            Ecosystem::Deb => "deb",
            Ecosystem::Rpm => "rpm",
            Ecosystem::Pypi => "pypi",
            Ecosystem::Npm => "npm",
            Ecosystem::Golang => "golang",
            Ecosystem::Cargo => "cargo",
            Ecosystem::Maven => "maven",
            Ecosystem::Gem => "gem",
            Ecosystem::Composer => "composer",
            Ecosystem::Nuget => "nuget",
        }
    }

    /// True for the packages of an operating system's package manager.
    pub fn is_os(self) -> bool {
        matches!(self, Ecosystem::Apk | Ecosystem::Deb | Ecosystem::Rpm)
    }
}

impl fmt::Display for Ecosystem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One installed package as its database describes it.
///
/// `version` is the full string the ecosystem's version scheme compares: for dpkg the
/// `Version:` field with its epoch (`1:2.3-4`), for apk `1.2.3-r0`, for rpm `[EPOCH:]VERSION-RELEASE`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Package {
    /// Which packaging system.
    pub ecosystem: Ecosystem,
    /// The binary package name as installed.
    pub name: String,
    /// The installed version, as the ecosystem's scheme compares it.
    pub version: String,
    /// CPU architecture, where the database records one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub arch: Option<String>,
    /// The source package (dpkg `Source:`, rpm source rpm name, apk origin `o:`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source_name: Option<String>,
    /// The source package's version where it differs from `version` or is recorded apart.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source_version: Option<String>,
    /// Licence string as recorded, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub license: Option<String>,
}
