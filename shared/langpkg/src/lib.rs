//! Readers for the metadata that language package managers leave inside an image.
//!
//! The layer reader calls [`classify`] on the normalised path of every tar entry (so it does
//! no allocation and looks only at the last few path components), buffers a file it
//! recognises up to [`LangKind::max_size`], and hands the bytes to [`parse`], which returns
//! the packages the file describes. The file formats are read with serde (JSON, TOML, YAML)
//! or by hand where they are not one of those (Python metadata headers, yarn.lock, gemspecs,
//! go.mod); what counts as an installed package is decided here.
//!
//! Installed artefacts: Python `*.dist-info/METADATA`, `*.egg-info/PKG-INFO`, single-file
//! `*.egg-info`, `EGG-INFO/PKG-INFO` of an unpacked `.egg`; npm `node_modules/**/package.json`;
//! Ruby `specifications/*.gemspec`; PHP `vendor/composer/installed.json`; .NET `*.deps.json`.
//! Lockfiles an application ships: `package-lock.json` (v1 to v3), `yarn.lock` (v1 and berry),
//! `pnpm-lock.yaml`, `Cargo.lock`, `poetry.lock`, `Pipfile.lock`, `uv.lock`, `pylock.toml`,
//! `go.mod`.

use std::fmt;

use layerwatch_inventory::Package;

mod classify;
mod dotnet;
mod gomod;
mod npm;
mod php;
mod pnpm;
mod pylock;
mod python;
mod ruby;
mod rust;
mod yarn;

pub use classify::classify;
pub use python::normalize_pypi_name;

/// The kinds of file this crate reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum LangKind {
    /// `*.dist-info/METADATA` (wheels, pip installs).
    PythonDistInfo,
    /// `*.egg-info/PKG-INFO` or `*.egg/EGG-INFO/PKG-INFO` (setuptools, distutils).
    PythonEggInfo,
    /// A single-file `*.egg-info` (distutils, many Debian python packages).
    PythonEggInfoFile,
    /// `node_modules/<name>/package.json` or `node_modules/@scope/<name>/package.json`.
    NpmPackageJson,
    /// `package-lock.json` or `npm-shrinkwrap.json`, outside `node_modules`.
    NpmLock,
    /// `yarn.lock`, classic (v1) or berry.
    YarnLock,
    /// `pnpm-lock.yaml`.
    PnpmLock,
    /// `specifications/*.gemspec` of an installed gem.
    Gemspec,
    /// `vendor/composer/installed.json`.
    ComposerInstalled,
    /// `*.deps.json` of a .NET application.
    DotnetDeps,
    /// `Cargo.lock`.
    CargoLock,
    /// `poetry.lock`.
    PoetryLock,
    /// `Pipfile.lock`.
    PipfileLock,
    /// `uv.lock`.
    UvLock,
    /// `pylock.toml` or `pylock.<name>.toml` (PEP 751).
    PyLock,
    /// `go.mod`.
    GoMod,
}

impl LangKind {
    /// The largest file of this kind that is read; a larger one is reported, not read.
    /// Installed metadata is small (a METADATA file carries the README, rarely past a few
    /// hundred KiB); lockfiles of large monorepos reach tens of MiB.
    pub fn max_size(self) -> u64 {
        match self {
            LangKind::PythonDistInfo | LangKind::PythonEggInfo | LangKind::PythonEggInfoFile => {
                8 << 20
            }
            LangKind::NpmPackageJson | LangKind::Gemspec | LangKind::GoMod => 4 << 20,
            LangKind::ComposerInstalled | LangKind::DotnetDeps | LangKind::CargoLock => 32 << 20,
            LangKind::NpmLock
            | LangKind::YarnLock
            | LangKind::PnpmLock
            | LangKind::PoetryLock
            | LangKind::PipfileLock
            | LangKind::UvLock
            | LangKind::PyLock => 64 << 20,
        }
    }

    /// A short readable name, used in messages.
    pub fn as_str(self) -> &'static str {
        match self {
            LangKind::PythonDistInfo => "python dist-info METADATA",
            LangKind::PythonEggInfo => "python egg-info PKG-INFO",
            LangKind::PythonEggInfoFile => "python egg-info",
            LangKind::NpmPackageJson => "npm package.json",
            LangKind::NpmLock => "package-lock.json",
            LangKind::YarnLock => "yarn.lock",
            LangKind::PnpmLock => "pnpm-lock.yaml",
            LangKind::Gemspec => "gemspec",
            LangKind::ComposerInstalled => "composer installed.json",
            LangKind::DotnetDeps => ".NET deps.json",
            LangKind::CargoLock => "Cargo.lock",
            LangKind::PoetryLock => "poetry.lock",
            LangKind::PipfileLock => "Pipfile.lock",
            LangKind::UvLock => "uv.lock",
            LangKind::PyLock => "pylock.toml",
            LangKind::GoMod => "go.mod",
        }
    }
}

impl fmt::Display for LangKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Why a file could not be read. The scan goes on; the reason becomes a warning on the file.
#[derive(Debug, thiserror::Error)]
pub enum LangError {
    /// The file does not follow its format.
    #[error("malformed {kind} file `{path}`: {reason}")]
    Malformed {
        /// The kind of file.
        kind: LangKind,
        /// Its normalised path in the layer.
        path: String,
        /// What was wrong, naming the entry where possible.
        reason: String,
    },
}

/// What a format module says is wrong with its input; [`parse`] adds the kind and path.
type Reason = String;

/// Parses the bytes of a file that [`classify`] recognised at `path`.
///
/// Gives the packages the file lists (possibly none: a `package.json` without a version is not
/// a package). Malformed bytes give [`LangError::Malformed`], never a panic.
pub fn parse(kind: LangKind, path: &str, bytes: &[u8]) -> Result<Vec<Package>, LangError> {
    let parsed = match kind {
        LangKind::PythonDistInfo | LangKind::PythonEggInfo | LangKind::PythonEggInfoFile => {
            python::parse_metadata(bytes)
        }
        LangKind::NpmPackageJson => npm::parse_package_json(bytes),
        LangKind::NpmLock => npm::parse_lock(bytes),
        LangKind::YarnLock => yarn::parse(bytes),
        LangKind::PnpmLock => pnpm::parse(bytes),
        LangKind::Gemspec => ruby::parse_gemspec(bytes),
        LangKind::ComposerInstalled => php::parse_installed(bytes),
        LangKind::DotnetDeps => dotnet::parse_deps(bytes),
        LangKind::CargoLock => rust::parse_cargo_lock(bytes),
        LangKind::PoetryLock => pylock::parse_poetry(bytes),
        LangKind::PipfileLock => pylock::parse_pipfile(bytes),
        LangKind::UvLock => pylock::parse_uv(bytes),
        LangKind::PyLock => pylock::parse_pylock(bytes),
        LangKind::GoMod => gomod::parse(bytes),
    };
    parsed.map_err(|reason| LangError::Malformed {
        kind,
        path: path.to_string(),
        reason,
    })
}

/// A package of `ecosystem` with only a name and a version, as most of these files give.
fn package(
    ecosystem: layerwatch_inventory::Ecosystem,
    name: impl Into<String>,
    version: impl Into<String>,
) -> Package {
    Package {
        ecosystem,
        name: name.into(),
        version: version.into(),
        arch: None,
        source_name: None,
        source_version: None,
        license: None,
    }
}

/// Text of a file that should be UTF-8; a few stray bytes (Latin-1 descriptions) are replaced
/// rather than failing the file.
fn text(bytes: &[u8]) -> std::borrow::Cow<'_, str> {
    let bytes = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes);
    String::from_utf8_lossy(bytes)
}
