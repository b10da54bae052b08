//! Packages embedded in binaries, read as their tar entries stream by (see
//! [`layerwatch_binpkg`]).
//!
//! An executable regular file is peeked at: its first bytes say whether it is ELF, Mach-O or
//! PE, and only then is the rest fed, chunk by chunk, to the Go and cargo-auditable scanners,
//! which keep nothing but a capped capture; the reading stops once one has its answer. A Java
//! archive (by extension) is buffered whole, up to [`ArchiveLimits::max_archive_bytes`]: a
//! larger one is a warning and is not read. Entries are never buffered otherwise, so the
//! memory of this step is one chunk plus one archive.

use std::io::{self, Read};

use layerwatch_binpkg::{
    ArchiveLimits, BinaryScanner, ExecError, ExecFindings, ExecLimits, GoError, is_java_archive,
    read_archive, sniff,
};
use layerwatch_inventory::{DbKind, ItemContent};
use tracing::debug;

/// Bytes read from an executable at a time.
const CHUNK: usize = 64 << 10;

/// What an entry gave: an item to keep, warnings about it, or both.
#[derive(Default)]
pub(crate) struct Found {
    /// The packages, or why they could not be read.
    pub(crate) content: Option<ItemContent>,
    /// Warning code and reason, about the entry's path.
    pub(crate) warnings: Vec<(&'static str, String)>,
}

/// Reads the regular file `entry` at `path` when it is an executable or a Java archive;
/// `Ok(None)` for any other file (nothing of it is read). Errors are those of reading the
/// entry's data.
pub(crate) fn scan<R: Read>(
    path: &str,
    mode: u32,
    size: u64,
    entry: &mut R,
    exec: &ExecLimits,
    archives: &ArchiveLimits,
) -> io::Result<Option<Found>> {
    if is_java_archive(path) {
        return archive(path, size, entry, archives).map(Some);
    }
    if mode & 0o111 == 0 || size < 4 {
        return Ok(None);
    }
    executable(path, entry, exec)
}

fn executable<R: Read>(
    path: &str,
    entry: &mut R,
    limits: &ExecLimits,
) -> io::Result<Option<Found>> {
    let mut buf = vec![0u8; CHUNK];
    let mut head = 0;
    // A short read is allowed: fill at least the magic.
    while head < 4 {
        let n = entry.read(&mut buf[head..])?;
        if n == 0 {
            return Ok(None);
        }
        head += n;
    }
    if sniff(&buf[..head]).is_none() {
        return Ok(None);
    }
    let mut scanner = BinaryScanner::new(limits);
    scanner.feed(&buf[..head]);
    while !scanner.is_done() {
        let n = entry.read(&mut buf)?;
        if n == 0 {
            break;
        }
        scanner.feed(&buf[..n]);
    }
    let mut found = Found::default();
    let (db, packages) = match scanner.finish() {
        Ok(ExecFindings::Go(info)) => (DbKind::GoBinary, info.packages()),
        Ok(ExecFindings::Rust(packages)) => (DbKind::RustBinary, packages),
        Ok(ExecFindings::Nothing) => {
            debug!(
                path,
                "executable without Go build info or cargo-auditable data"
            );
            return Ok(None);
        }
        Err(ExecError::Go(GoError::PointerForm { .. })) => {
            let reason = "a Go binary older than Go 1.18: its build info is not read".to_string();
            found.warnings.push(("binary-unsupported", reason));
            return Ok(Some(found));
        }
        Err(e) => {
            let reason = e.to_string();
            found.warnings.push(("malformed-binary", reason.clone()));
            found.content = Some(ItemContent::Unreadable { reason });
            return Ok(Some(found));
        }
    };
    found.content = Some(ItemContent::Packages { db, packages });
    Ok(Some(found))
}

fn archive<R: Read>(
    path: &str,
    size: u64,
    entry: &mut R,
    limits: &ArchiveLimits,
) -> io::Result<Found> {
    let mut found = Found::default();
    if size > limits.max_archive_bytes {
        let reason = format!(
            "{size} bytes, over the {} byte limit for a Java archive",
            limits.max_archive_bytes
        );
        found.warnings.push(("file-too-large", reason.clone()));
        found.content = Some(ItemContent::Unreadable { reason });
        return Ok(found);
    }
    let mut bytes = Vec::with_capacity(usize::try_from(size).unwrap_or(0));
    entry.take(size).read_to_end(&mut bytes)?;
    match read_archive(path, &bytes, limits) {
        Ok(report) => {
            for problem in report.problems {
                found
                    .warnings
                    .push(("malformed-archive", problem.to_string()));
            }
            let packages = report.packages.into_iter().map(|p| p.package).collect();
            found.content = Some(ItemContent::Packages {
                db: DbKind::JavaArchive,
                packages,
            });
        }
        Err(e) => {
            let reason = e.to_string();
            found.warnings.push(("malformed-archive", reason.clone()));
            found.content = Some(ItemContent::Unreadable { reason });
        }
    }
    Ok(found)
}
