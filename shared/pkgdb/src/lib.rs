//! Parsers for OS package databases (dpkg, apk, rpm) and OS identity files.
//!
//! The layer reader asks [`classify`] whether a path inside a layer is worth keeping, buffers
//! such a file (up to [`FileKind::max_size`]) and hands the bytes to [`parse`], which turns
//! them into an [`ItemContent`]. Nothing here touches the disk or knows about layers.

use layerwatch_inventory::{DbKind, ItemContent};

mod apk;
mod dpkg;
mod osrelease;
mod paragraph;
mod rpm;

/// The kinds of file this crate understands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FileKind {
    /// `var/lib/dpkg/status`.
    DpkgStatus,
    /// A file in `var/lib/dpkg/status.d/` (distroless).
    DpkgStatusD,
    /// `lib/apk/db/installed`.
    ApkInstalled,
    /// `rpmdb.sqlite` under `var/lib/rpm` or `usr/lib/sysimage/rpm`.
    RpmSqlite,
    /// Berkeley DB `Packages` under the same directories.
    RpmBdb,
    /// NDB `Packages.db` under the same directories.
    RpmNdb,
    /// `etc/os-release` or `usr/lib/os-release`.
    OsRelease,
    /// `etc/alpine-release`.
    AlpineRelease,
    /// `etc/debian_version`.
    DebianVersion,
}

/// Directories where rpm keeps its database.
const RPM_DIRS: [&str; 3] = ["var/lib/rpm", "usr/lib/sysimage/rpm", "usr/share/rpm"];

/// Every directory that holds a known database or identity file; the layer reader records a
/// non-directory entry at any of these paths because it hides earlier layers' databases.
pub const KNOWN_DIRS: &[&str] = &[
    "var",
    "var/lib",
    "var/lib/dpkg",
    "var/lib/dpkg/status.d",
    "lib",
    "lib/apk",
    "lib/apk/db",
    "usr",
    "usr/lib",
    "usr/lib/apk",
    "usr/lib/apk/db",
    "usr/lib/sysimage",
    "usr/lib/sysimage/rpm",
    "usr/share",
    "usr/share/rpm",
    "var/lib/rpm",
    "etc",
];

impl FileKind {
    /// The largest file of this kind that is read; a larger one becomes a warning.
    pub fn max_size(self) -> u64 {
        match self {
            FileKind::RpmSqlite | FileKind::RpmBdb | FileKind::RpmNdb => 256 << 20,
            FileKind::DpkgStatus | FileKind::ApkInstalled => 64 << 20,
            FileKind::DpkgStatusD => 4 << 20,
            FileKind::OsRelease | FileKind::AlpineRelease | FileKind::DebianVersion => 64 << 10,
        }
    }
}

/// Which kind of file `path` (normalised: no leading `/` or `./`) is, if any.
///
/// Paths are matched literally; databases reached through a symlinked directory (e.g.
/// `lib/apk -> usr/lib/apk`) are found because the real directory's path is also listed.
pub fn classify(path: &str) -> Option<FileKind> {
    match path {
        "var/lib/dpkg/status" => return Some(FileKind::DpkgStatus),
        "lib/apk/db/installed" | "usr/lib/apk/db/installed" => {
            return Some(FileKind::ApkInstalled);
        }
        "etc/os-release" | "usr/lib/os-release" => return Some(FileKind::OsRelease),
        "etc/alpine-release" => return Some(FileKind::AlpineRelease),
        "etc/debian_version" => return Some(FileKind::DebianVersion),
        _ => {}
    }
    if let Some(name) = path.strip_prefix("var/lib/dpkg/status.d/") {
        // distroless keeps one control file per package; `*.md5sums` files sit beside them.
        if !name.is_empty() && !name.contains('/') && !name.ends_with(".md5sums") {
            return Some(FileKind::DpkgStatusD);
        }
        return None;
    }
    let (dir, name) = path.rsplit_once('/')?;
    if RPM_DIRS.contains(&dir) {
        return match name {
            "rpmdb.sqlite" => Some(FileKind::RpmSqlite),
            "Packages" => Some(FileKind::RpmBdb),
            "Packages.db" => Some(FileKind::RpmNdb),
            _ => None,
        };
    }
    None
}

/// Why a database file could not be parsed. The scan goes on; the reason becomes a warning.
#[derive(Debug, thiserror::Error)]
pub enum PkgDbError {
    /// The file does not follow its format.
    #[error("malformed {kind:?} file: {reason}")]
    Malformed {
        /// The kind of file.
        kind: FileKind,
        /// What was wrong, naming the record where possible.
        reason: String,
    },
}

/// Parses the bytes of a file that [`classify`] recognised.
///
/// Package databases give [`ItemContent::Packages`] with the installed packages only; identity
/// files give their own variants. Malformed bytes give [`PkgDbError::Malformed`], never a panic.
pub fn parse(kind: FileKind, bytes: &[u8]) -> Result<ItemContent, PkgDbError> {
    parse_inner(kind, bytes).map_err(|reason| PkgDbError::Malformed { kind, reason })
}

/// What a format module says is wrong with its input; [`parse`] adds the file kind.
type Reason = String;

fn parse_inner(kind: FileKind, bytes: &[u8]) -> Result<ItemContent, Reason> {
    let packages = |db, packages| ItemContent::Packages { db, packages };
    Ok(match kind {
        FileKind::DpkgStatus => packages(DbKind::DpkgStatus, dpkg::parse(bytes, false)?),
        FileKind::DpkgStatusD => packages(DbKind::DpkgStatusD, dpkg::parse(bytes, true)?),
        FileKind::ApkInstalled => packages(DbKind::ApkInstalled, apk::parse(bytes)?),
        FileKind::RpmSqlite => packages(DbKind::RpmSqlite, rpm::sqlite::parse(bytes)?),
        FileKind::RpmBdb => packages(DbKind::RpmBdb, rpm::bdb::parse(bytes)?),
        FileKind::RpmNdb => packages(DbKind::RpmNdb, rpm::ndb::parse(bytes)?),
        FileKind::OsRelease => ItemContent::OsRelease(osrelease::parse_os_release(bytes)),
        FileKind::AlpineRelease => ItemContent::AlpineRelease {
            version: osrelease::first_line(bytes)?,
        },
        FileKind::DebianVersion => ItemContent::DebianVersion {
            version: osrelease::first_line(bytes)?,
        },
    })
}
