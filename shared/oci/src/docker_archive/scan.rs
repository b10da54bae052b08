//! The single pass over a `docker save` archive: every regular entry is hashed as it streams
//! by, small JSON entries are kept in memory, and the data offset of each entry is recorded so
//! a layer can be found again without parsing tar headers a second time.

use std::collections::HashMap;
use std::fs::File;
use std::io::{self, BufReader, Read};
use std::path::Path;

use flate2::read::MultiGzDecoder;

use crate::digest::{Algorithm, Digest, DigestWriter};
use crate::media_type::Compression;
use crate::source::SourceError;

/// JSON entries (manifest.json, configs, OCI manifests) larger than this are not kept.
const MAX_KEPT_JSON: u64 = 16 * 1024 * 1024;
const CHUNK: usize = 64 * 1024;

/// What the pass learned about one regular file entry.
#[derive(Debug, Clone)]
pub(crate) struct EntryInfo {
    /// Size in bytes.
    pub size: u64,
    /// sha256 of the bytes as stored.
    pub digest: Digest,
    /// The bytes, for entries that look like JSON and are small.
    pub data: Option<Vec<u8>>,
    /// Offset of the entry's data in the (decompressed) tar stream.
    pub offset: u64,
    /// Compression sniffed from the first bytes.
    pub compression: Compression,
}

/// What the pass found: regular entries and symlinks (target resolved to an archive path).
#[derive(Debug, Default)]
pub(crate) struct Scan {
    pub entries: HashMap<String, EntryInfo>,
    pub links: HashMap<String, String>,
}

/// True for a gzip-compressed file (magic `1f 8b`).
pub(crate) fn is_gzip(path: &Path) -> Result<bool, SourceError> {
    let mut magic = [0u8; 2];
    let mut f = open(path)?;
    let n = read_full(&mut f, &mut magic).map_err(|source| io_err(path, source))?;
    Ok(n == 2 && magic == [0x1f, 0x8b])
}

/// Opens the archive as a tar stream, decompressing when `gzip`.
pub(crate) fn tar_stream(path: &Path, gzip: bool) -> Result<Box<dyn Read + Send>, SourceError> {
    let file = BufReader::new(open(path)?);
    Ok(if gzip {
        Box::new(MultiGzDecoder::new(file))
    } else {
        Box::new(file)
    })
}

/// Walks every entry of the archive once.
pub(crate) fn scan(path: &Path, gzip: bool) -> Result<Scan, SourceError> {
    let mut archive = tar::Archive::new(tar_stream(path, gzip)?);
    let mut out = Scan::default();
    let entries = archive.entries().map_err(|source| io_err(path, source))?;
    let mut buf = vec![0u8; CHUNK];
    for entry in entries {
        let mut entry = entry.map_err(|source| io_err(path, source))?;
        let name = normalize(&String::from_utf8_lossy(&entry.path_bytes()));
        let kind = entry.header().entry_type();
        if kind.is_symlink() || kind.is_hard_link() {
            if let Some(target) = entry.link_name_bytes() {
                let target = String::from_utf8_lossy(&target).into_owned();
                // Hard link targets are archive paths; symlink targets are relative to the link.
                let resolved = if kind.is_symlink() {
                    resolve_link(&name, &target)
                } else {
                    normalize(&target)
                };
                out.links.insert(name, resolved);
            }
            continue;
        }
        if !kind.is_file() {
            continue;
        }
        let size = entry.size();
        let offset = entry.raw_file_position();
        let mut hasher = DigestWriter::new(Algorithm::Sha256);
        let mut data: Option<Vec<u8>> = None;
        let mut first = true;
        let mut compression = Compression::None;
        loop {
            let n = entry
                .read(&mut buf)
                .map_err(|source| io_err(path, source))?;
            if n == 0 {
                break;
            }
            let chunk = &buf[..n];
            if first {
                first = false;
                compression = sniff(chunk);
                let starts_json = chunk.iter().find(|b| !b.is_ascii_whitespace());
                if size <= MAX_KEPT_JSON && matches!(starts_json, Some(b'{' | b'[')) {
                    data = Some(Vec::with_capacity(size as usize));
                }
            }
            hasher.update(chunk);
            if let Some(d) = data.as_mut() {
                d.extend_from_slice(chunk);
            }
        }
        let info = EntryInfo {
            size,
            digest: hasher.finish(),
            data,
            offset,
            compression,
        };
        out.entries.insert(name, info);
    }
    Ok(out)
}

fn sniff(head: &[u8]) -> Compression {
    if head.starts_with(&[0x1f, 0x8b]) {
        Compression::Gzip
    } else if head.starts_with(&[0x28, 0xb5, 0x2f, 0xfd]) {
        Compression::Zstd
    } else {
        Compression::None
    }
}

/// `./a//b/` -> `a/b`, resolving `.` and `..` (never above the archive root).
pub(crate) fn normalize(p: &str) -> String {
    let mut parts: Vec<&str> = Vec::new();
    for c in p.split('/') {
        match c {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            c => parts.push(c),
        }
    }
    parts.join("/")
}

/// A symlink's target as an archive path: relative targets resolve against the link's dir.
fn resolve_link(link: &str, target: &str) -> String {
    if target.starts_with('/') {
        return normalize(target);
    }
    let dir = link.rsplit_once('/').map_or("", |(d, _)| d);
    normalize(&format!("{dir}/{target}"))
}

fn open(path: &Path) -> Result<File, SourceError> {
    File::open(path).map_err(|source| io_err(path, source))
}

pub(crate) fn io_err(path: &Path, source: io::Error) -> SourceError {
    SourceError::Io {
        path: path.to_path_buf(),
        source,
    }
}

fn read_full(r: &mut impl Read, buf: &mut [u8]) -> io::Result<usize> {
    let mut n = 0;
    while n < buf.len() {
        match r.read(&mut buf[n..])? {
            0 => break,
            k => n += k,
        }
    }
    Ok(n)
}
