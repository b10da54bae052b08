//! Items: what the layer reader kept of one interesting file, already parsed.

use serde::{Deserialize, Serialize};

use crate::os::OsRelease;
use crate::package::Package;

/// Which kind of package database a file is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum DbKind {
    /// `var/lib/dpkg/status`.
    DpkgStatus,
    /// One file of distroless `var/lib/dpkg/status.d/`.
    DpkgStatusD,
    /// `lib/apk/db/installed`.
    ApkInstalled,
    /// `rpmdb.sqlite`.
    RpmSqlite,
    /// Berkeley DB `Packages`.
    RpmBdb,
    /// NDB `Packages.db`.
    RpmNdb,
    /// The build info embedded in a Go executable.
    GoBinary,
    /// The cargo-auditable dependency list embedded in a Rust executable.
    RustBinary,
    /// A Java archive (`.jar`, `.war`, `.ear`) and the archives nested in it.
    JavaArchive,
    /// Python `*.dist-info/METADATA`.
    PythonDistInfo,
    /// Python `*.egg-info/PKG-INFO` (or `EGG-INFO/PKG-INFO` of an unpacked egg).
    PythonEggInfo,
    /// A single-file Python `*.egg-info`.
    PythonEggInfoFile,
    /// `node_modules/**/package.json` of an installed npm module.
    NpmPackageJson,
    /// `package-lock.json` or `npm-shrinkwrap.json`.
    NpmLock,
    /// `yarn.lock`.
    YarnLock,
    /// `pnpm-lock.yaml`.
    PnpmLock,
    /// Ruby `specifications/*.gemspec`.
    Gemspec,
    /// PHP `vendor/composer/installed.json`.
    ComposerInstalled,
    /// .NET `*.deps.json`.
    DotnetDeps,
    /// Rust `Cargo.lock`.
    CargoLock,
    /// Python `poetry.lock`.
    PoetryLock,
    /// Python `Pipfile.lock`.
    PipfileLock,
    /// Python `uv.lock`.
    UvLock,
    /// Python `pylock.toml` (PEP 751).
    PyLock,
    /// Go `go.mod`.
    GoMod,
}

/// The parsed content of a kept file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "kebab-case")]
pub enum ItemContent {
    /// A package database and the packages it lists.
    Packages {
        /// The database format.
        db: DbKind,
        /// The installed packages it lists.
        packages: Vec<Package>,
    },
    /// An `os-release` file.
    OsRelease(OsRelease),
    /// `etc/alpine-release`: its first line.
    AlpineRelease {
        /// The release, e.g. `3.20.3`.
        version: String,
    },
    /// `etc/debian_version`: its first line.
    DebianVersion {
        /// The version, e.g. `12.7` or `bookworm/sid`.
        version: String,
    },
    /// A file whose path says it matters but that could not be read (too large, malformed).
    /// Its presence still shadows earlier layers' copies; the reason is also a warning.
    Unreadable {
        /// Why it was not read.
        reason: String,
    },
}

/// A kept file: its normalised path inside the layer and what it held.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Item {
    /// Path relative to the root, without a leading `/` or `./` (e.g. `var/lib/dpkg/status`).
    pub path: String,
    /// What the file held.
    pub content: ItemContent,
}
