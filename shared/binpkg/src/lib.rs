//! Packages embedded in binaries, read without running or unpacking anything.
//!
//! Three formats, each read the way a layer streams by:
//! - Go executables carry their build info (main module, dependencies, toolchain version) in a
//!   block that starts with `\xff Go buildinf:` on a 16-byte boundary. [`go::GoScanner`] is fed
//!   the file chunk by chunk and keeps only the bytes after that header.
//! - Rust executables built with cargo-auditable carry their dependency list as zlib-compressed
//!   JSON in a `.dep-v0` section. [`auditable::AuditableScanner`] finds the zlib stream by its
//!   content rather than through the section table, so it too works chunk by chunk (see its docs
//!   for why and what it costs).
//! - Java archives (`.jar`, `.war`, `.ear`) are zip files whose directory sits at the end, so
//!   [`jar::read_archive`] is given the whole file, read only up to a size cap by the caller.
//!
//! [`sniff`] tells executables apart by their first bytes and [`BinaryScanner`] runs the two
//! executable scanners over one file. Nothing here touches the disk or knows about layers.

pub mod auditable;
pub mod go;
pub mod jar;

use layerwatch_inventory::Package;

pub use auditable::{AuditableError, AuditableScanner};
pub use go::{GoBuildInfo, GoError, GoScanner};
pub use jar::{ArchiveLimits, JarError, JarPackage, read_archive};

/// An executable format, told by its first bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExecFormat {
    /// ELF (`\x7fELF`).
    Elf,
    /// Mach-O, 32 or 64 bit, either byte order (fat binaries are not told apart from Java
    /// class files by magic, so they are left out).
    MachO,
    /// PE (`MZ`).
    Pe,
}

/// The format of an executable whose first bytes are `head`, if it is one. Four bytes suffice.
pub fn sniff(head: &[u8]) -> Option<ExecFormat> {
    match head.get(..4)? {
        [0x7f, b'E', b'L', b'F'] => Some(ExecFormat::Elf),
        [0xfe, 0xed, 0xfa, 0xce | 0xcf] | [0xce | 0xcf, 0xfa, 0xed, 0xfe] => {
            Some(ExecFormat::MachO)
        }
        [b'M', b'Z', _, _] => Some(ExecFormat::Pe),
        _ => None,
    }
}

/// True when `path` names a Java archive by its extension (`.jar`, `.war`, `.ear`, any case).
pub fn is_java_archive(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or(path);
    let Some((stem, ext)) = name.rsplit_once('.') else {
        return false;
    };
    !stem.is_empty()
        && ["jar", "war", "ear"]
            .iter()
            .any(|e| ext.eq_ignore_ascii_case(e))
}

/// Caps of the executable scanners: the only bytes they keep are a capture after a header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExecLimits {
    /// Largest Go build info (version and module list) kept.
    pub max_go_buildinfo_bytes: usize,
    /// Largest inflated cargo-auditable JSON kept.
    pub max_auditable_json_bytes: usize,
}

impl Default for ExecLimits {
    fn default() -> Self {
        ExecLimits {
            // The largest real module lists (kubelet, terraform) are well under 100 KiB.
            max_go_buildinfo_bytes: 2 << 20,
            max_auditable_json_bytes: 8 << 20,
        }
    }
}

/// What one executable held.
#[derive(Debug)]
pub enum ExecFindings {
    /// Go build info, read.
    Go(GoBuildInfo),
    /// A cargo-auditable dependency list, read.
    Rust(Vec<Package>),
    /// Neither: a stripped or non-Go, non-auditable binary. Not an error.
    Nothing,
}

/// Why an executable's embedded package list could not be read.
#[derive(Debug, thiserror::Error)]
pub enum ExecError {
    /// The Go build info was found but is damaged.
    #[error(transparent)]
    Go(#[from] GoError),
    /// The cargo-auditable data was found but is damaged.
    #[error(transparent)]
    Auditable(#[from] AuditableError),
}

/// Runs the Go and cargo-auditable scanners over one executable, chunk by chunk.
#[derive(Debug)]
pub struct BinaryScanner {
    go: GoScanner,
    rust: AuditableScanner,
}

impl BinaryScanner {
    /// A scanner for one file, positioned at its first byte.
    pub fn new(limits: &ExecLimits) -> Self {
        BinaryScanner {
            go: GoScanner::new(limits.max_go_buildinfo_bytes),
            rust: AuditableScanner::new(limits.max_auditable_json_bytes),
        }
    }

    /// Feeds the next bytes of the file.
    pub fn feed(&mut self, chunk: &[u8]) {
        if !self.go.is_done() {
            self.go.feed(chunk);
        }
        if !self.rust.is_done() {
            self.rust.feed(chunk);
        }
    }

    /// True once one scanner has its answer: a binary is Go or Rust, never both, so the rest of
    /// the file need not be fed.
    pub fn is_done(&self) -> bool {
        self.go.is_found() || self.rust.is_found()
    }

    /// The findings, after the last chunk (or earlier, once [`BinaryScanner::is_done`]).
    pub fn finish(self) -> Result<ExecFindings, ExecError> {
        let go = self.go.finish();
        let rust = self.rust.finish();
        match (go, rust) {
            (Ok(Some(info)), _) => Ok(ExecFindings::Go(info)),
            (_, Ok(Some(packages))) => Ok(ExecFindings::Rust(packages)),
            (Err(e), _) => Err(e.into()),
            (_, Err(e)) => Err(e.into()),
            (Ok(None), Ok(None)) => Ok(ExecFindings::Nothing),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sniff_tells_executables_apart() {
        assert_eq!(sniff(b"\x7fELF\x02\x01"), Some(ExecFormat::Elf));
        assert_eq!(sniff(&[0xcf, 0xfa, 0xed, 0xfe]), Some(ExecFormat::MachO));
        assert_eq!(sniff(b"MZ\x90\x00"), Some(ExecFormat::Pe));
        assert_eq!(sniff(&[0xca, 0xfe, 0xba, 0xbe]), None);
        assert_eq!(sniff(b"#!/bin/sh\n"), None);
        assert_eq!(sniff(b"\x7fEL"), None);
    }

    #[test]
    fn java_archives_by_extension() {
        assert!(is_java_archive("usr/share/java/commons-lang3.jar"));
        assert!(is_java_archive("opt/app/App.WAR"));
        assert!(is_java_archive("x.ear"));
        assert!(!is_java_archive("usr/share/java/.jar"));
        assert!(!is_java_archive("usr/share/java/jar"));
        assert!(!is_java_archive("a.jar.sig"));
    }
}
