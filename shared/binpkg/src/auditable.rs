//! cargo-auditable dependency lists, found while the executable streams by.
//!
//! cargo-auditable links a `.dep-v0` section holding zlib-compressed JSON,
//! `{"packages":[{"name":..,"version":..,"source":..,"kind":..,"root":..}, ..]}`.
//!
//! NOTE: the section is not located through the section table. In ELF that table sits at the
//! end of the file, after the section's bytes have streamed past, so using it would mean
//! buffering every executable whole (tens of MiB per file). Instead the scanner looks at each
//! zlib header (`78 01`, `78 5e`, `78 9c`, `78 da`) and inflates its first 13 bytes with one
//! reused inflater: only a stream that starts with `{"packages":[` is inflated further, to its
//! end. This works the same for ELF, Mach-O and PE. Memory: the last [`LOOKAHEAD`] bytes of the
//! previous chunk, two inflaters (about 50 KiB each) and the inflated JSON, capped. Time: a
//! `memchr` pass, plus a probe for about one offset in 16 000 of random data.

use flate2::{Decompress, FlushDecompress, Status};
use layerwatch_inventory::{Ecosystem, Package};
use serde::Deserialize;

/// The first inflated bytes of a cargo-auditable stream.
const PREFIX: &[u8; 13] = b"{\"packages\":[";
/// Input a probe may need before its first 13 bytes come out: a zlib header, the largest
/// dynamic Huffman table header (under 600 bytes) and 13 codes.
pub const LOOKAHEAD: usize = 2048;

/// Why the cargo-auditable data could not be read.
#[derive(Debug, thiserror::Error)]
pub enum AuditableError {
    /// The zlib stream is damaged.
    #[error("cargo-auditable data at offset {offset}: the zlib stream is damaged: {reason}")]
    Inflate {
        /// File offset of the zlib header.
        offset: u64,
        /// The inflater's message.
        reason: String,
    },
    /// The file ends inside the stream.
    #[error("cargo-auditable data at offset {offset}: the file ends inside the zlib stream")]
    Truncated {
        /// File offset of the zlib header.
        offset: u64,
    },
    /// The JSON is larger than the cap.
    #[error("cargo-auditable data at offset {offset}: the JSON is over the {limit} byte limit")]
    TooLarge {
        /// File offset of the zlib header.
        offset: u64,
        /// The cap.
        limit: usize,
    },
    /// The JSON is not the expected shape.
    #[error("cargo-auditable data at offset {offset}: {reason}")]
    Json {
        /// File offset of the zlib header.
        offset: u64,
        /// The parser's message.
        reason: String,
    },
}

/// The JSON shape, as `auditable-serde` writes it.
#[derive(Deserialize)]
struct VersionInfo {
    packages: Vec<RawPackage>,
}

#[derive(Deserialize)]
struct RawPackage {
    name: String,
    version: String,
    #[serde(default)]
    kind: Option<String>,
}

/// An inflate in progress from a matched header.
struct Capture {
    offset: u64,
    inflater: Decompress,
    json: Vec<u8>,
}

/// The streaming scanner.
pub struct AuditableScanner {
    offset: u64,
    /// Bytes at the end of the previous chunks whose offsets are not probed yet.
    carry: Vec<u8>,
    probe: Decompress,
    capture: Option<Capture>,
    result: Option<Result<Vec<Package>, AuditableError>>,
    max_json: usize,
}

impl std::fmt::Debug for AuditableScanner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AuditableScanner")
            .field("offset", &self.offset)
            .field("capturing", &self.capture.as_ref().map(|c| c.offset))
            .field("done", &self.result.is_some())
            .finish()
    }
}

impl AuditableScanner {
    /// A scanner at the start of a file that inflates at most `max_json` bytes of JSON.
    pub fn new(max_json: usize) -> Self {
        AuditableScanner {
            offset: 0,
            carry: Vec::new(),
            probe: Decompress::new(true),
            capture: None,
            result: None,
            max_json,
        }
    }

    /// True once a stream was read (or failed); later chunks are ignored.
    pub fn is_done(&self) -> bool {
        self.result.is_some()
    }

    /// True once a stream was read successfully.
    pub fn is_found(&self) -> bool {
        matches!(self.result, Some(Ok(_)))
    }

    /// Feeds the next bytes of the file.
    pub fn feed(&mut self, chunk: &[u8]) {
        let base = self.offset;
        self.offset += chunk.len() as u64;
        if self.result.is_some() {
            return;
        }
        if self.capture.is_some() {
            self.inflate(chunk);
            return;
        }
        if self.carry.len() + chunk.len() < 2 * LOOKAHEAD {
            // Small chunks: gather them until offsets have their lookahead.
            self.carry.extend_from_slice(chunk);
            let carry = std::mem::take(&mut self.carry);
            let carry_base = self.offset - carry.len() as u64;
            let probed = carry.len().saturating_sub(LOOKAHEAD);
            if let Some(at) = self.search(&carry, probed) {
                self.start(carry_base + at as u64, &carry[at..]);
            } else {
                self.carry = carry[probed..].to_vec();
            }
            return;
        }
        // Offsets in the carry, with the head of this chunk as their lookahead.
        let carry = std::mem::take(&mut self.carry);
        let carry_base = base - carry.len() as u64;
        let mut joined = carry;
        let carried = joined.len();
        joined.extend_from_slice(&chunk[..LOOKAHEAD]);
        if let Some(at) = self.search(&joined, carried) {
            self.start(carry_base + at as u64, &joined[at..carried]);
            self.inflate(chunk);
            return;
        }
        let probed = chunk.len() - LOOKAHEAD;
        if let Some(at) = self.search(chunk, probed) {
            self.start(base + at as u64, &chunk[at..]);
            return;
        }
        self.carry = chunk[probed..].to_vec();
    }

    /// The dependency list's runtime packages, `None` when the file has none.
    pub fn finish(mut self) -> Result<Option<Vec<Package>>, AuditableError> {
        if self.result.is_none() && self.capture.is_none() {
            let carry = std::mem::take(&mut self.carry);
            let carry_base = self.offset - carry.len() as u64;
            if let Some(at) = self.search(&carry, carry.len()) {
                self.start(carry_base + at as u64, &carry[at..]);
            }
        }
        if let Some(capture) = self.capture.take() {
            return Err(AuditableError::Truncated {
                offset: capture.offset,
            });
        }
        self.result.transpose()
    }

    /// The first offset below `end` in `data` where a cargo-auditable
    /// zlib stream starts; the bytes after `end` serve as lookahead only.
    fn search(&mut self, data: &[u8], end: usize) -> Option<usize> {
        let mut from = 0;
        while from < end {
            let at = from + memchr::memchr(0x78, &data[from..end])?;
            if matches!(data.get(at + 1), Some(0x01 | 0x5e | 0x9c | 0xda))
                && self.probe_at(&data[at..])
            {
                return Some(at);
            }
            from = at + 1;
        }
        None
    }

    /// True when the zlib stream at the start of `data` inflates to [`PREFIX`].
    fn probe_at(&mut self, data: &[u8]) -> bool {
        self.probe.reset(true);
        let input = &data[..data.len().min(LOOKAHEAD)];
        let mut out = [0u8; PREFIX.len()];
        let mut filled = 0;
        // One call usually fills the buffer; loop for streams that yield bytes in pieces.
        while filled < out.len() {
            let (in0, out0) = (self.probe.total_in(), self.probe.total_out());
            let Some(rest) = usize::try_from(in0).ok().and_then(|n| input.get(n..)) else {
                return false;
            };
            let status = self
                .probe
                .decompress(rest, &mut out[filled..], FlushDecompress::None);
            let produced = usize::try_from(self.probe.total_out() - out0).unwrap_or(0);
            filled += produced;
            if out[..filled] != PREFIX[..filled] {
                return false;
            }
            match status {
                Err(_) | Ok(Status::StreamEnd) => return filled == out.len(),
                // No progress: the lookahead is used up.
                Ok(_) if produced == 0 && self.probe.total_in() == in0 => return false,
                Ok(_) => {}
            }
        }
        true
    }

    /// Starts inflating the stream at file offset `offset`, whose first bytes are `data`.
    fn start(&mut self, offset: u64, data: &[u8]) {
        self.capture = Some(Capture {
            offset,
            inflater: Decompress::new(true),
            json: Vec::new(),
        });
        self.inflate(data);
    }

    /// Feeds the capture; concludes it at the end of the stream or on an error.
    fn inflate(&mut self, mut input: &[u8]) {
        let Some(capture) = self.capture.as_mut() else {
            return;
        };
        let mut out = [0u8; 16 << 10];
        while !input.is_empty() {
            let before = (capture.inflater.total_in(), capture.inflater.total_out());
            let status = capture
                .inflater
                .decompress(input, &mut out, FlushDecompress::None);
            let used = (capture.inflater.total_in() - before.0) as usize;
            let produced = (capture.inflater.total_out() - before.1) as usize;
            input = &input[used..];
            if capture.json.len() + produced > self.max_json {
                let offset = capture.offset;
                self.conclude(Err(AuditableError::TooLarge {
                    offset,
                    limit: self.max_json,
                }));
                return;
            }
            capture.json.extend_from_slice(&out[..produced]);
            match status {
                Ok(Status::StreamEnd) => {
                    let offset = capture.offset;
                    let json = std::mem::take(&mut capture.json);
                    self.conclude(parse(offset, &json));
                    return;
                }
                Ok(_) if used == 0 && produced == 0 => return,
                Ok(_) => {}
                Err(e) => {
                    let offset = capture.offset;
                    self.conclude(Err(AuditableError::Inflate {
                        offset,
                        reason: e.to_string(),
                    }));
                    return;
                }
            }
        }
    }

    fn conclude(&mut self, result: Result<Vec<Package>, AuditableError>) {
        self.capture = None;
        self.carry = Vec::new();
        self.result = Some(result);
    }
}

/// The runtime packages of a cargo-auditable JSON document (build-time dependencies such as
/// proc macros are not in the binary and are left out, as cargo-audit does for binaries).
pub fn parse(offset: u64, json: &[u8]) -> Result<Vec<Package>, AuditableError> {
    let info: VersionInfo = serde_json::from_slice(json).map_err(|e| AuditableError::Json {
        offset,
        reason: e.to_string(),
    })?;
    Ok(info
        .packages
        .into_iter()
        .filter(|p| p.kind.as_deref().is_none_or(|k| k == "runtime"))
        .map(|p| Package {
            ecosystem: Ecosystem::Cargo,
            name: p.name,
            version: p.version,
            arch: None,
            source_name: None,
            source_version: None,
            license: None,
        })
        .collect())
}

#[cfg(test)]
mod tests;
