//! Go build info, found while the executable streams by.
//!
//! Since Go 1.18 the linker writes a 32-byte header, `\xff Go buildinf:` then the pointer size
//! and a flags byte, on a 16-byte boundary of the data segment, followed inline by two
//! length-prefixed strings: the toolchain version and the module info (`path`, `mod`, `dep`,
//! `=>` and `build` lines, framed by 16-byte sentinels). The file offset of the section keeps
//! its 16-byte alignment in ELF, Mach-O and PE alike, so [`GoScanner`] checks only every 16th
//! offset and, once a header matches, keeps just the bytes the two strings need.
//!
//! Older binaries (Go 1.13 to 1.17) store two pointers instead of the strings; following them
//! needs the segment table and bytes that may lie before the header, which a one-pass reader no
//! longer has, so such binaries give no packages and the caller logs why.

mod buildinfo;

use std::fmt;

pub use buildinfo::{GoBuildInfo, GoModule};

/// The magic at the start of the build info header.
pub const MAGIC: &[u8; 14] = b"\xff Go buildinf:";
const ALIGN: u64 = 16;
/// Header bytes before the inline strings.
const HEADER: usize = 32;
/// The flag saying the strings follow the header inline (Go 1.18+).
const FLAG_INLINE: u8 = 2;
/// A toolchain version longer than this is not one (real ones are under 64 bytes).
const MAX_VERSION: u64 = 1024;

/// Why the Go build info could not be read.
#[derive(Debug, thiserror::Error)]
pub enum GoError {
    /// A header matched but what follows is not build info.
    #[error("go build info at offset {offset}: {reason}")]
    Malformed {
        /// File offset of the header.
        offset: u64,
        /// What is wrong.
        reason: String,
    },
    /// The file ends inside the build info.
    #[error("go build info at offset {offset}: the file ends after {have} of its {need} bytes")]
    Truncated {
        /// File offset of the header.
        offset: u64,
        /// Bytes present after the header start.
        have: usize,
        /// Bytes the header says there are (at least).
        need: usize,
    },
    /// Only the pre-1.18 pointer form was found; it is not read (see the module docs).
    #[error(
        "go build info at offset {offset} is in the pre-Go 1.18 pointer form, which is not read"
    )]
    PointerForm {
        /// File offset of the header.
        offset: u64,
    },
}

/// What the bytes after a header say so far.
enum Step {
    /// At least this many bytes (from the header start) are needed.
    Need(usize),
    /// The header and both strings are complete.
    Complete {
        version: (usize, usize),
        modinfo: (usize, usize),
    },
    /// Not build info after all.
    Reject(String),
    /// The old pointer form.
    PointerForm,
}

/// The streaming scanner. Memory: at most 13 bytes of a split magic plus the capture, which is
/// capped (a header that claims more is rejected).
pub struct GoScanner {
    /// Absolute offset of the next byte fed.
    offset: u64,
    /// Bytes from the last aligned offset that are a proper prefix of [`MAGIC`].
    pending: Vec<u8>,
    /// Bytes from a matched header on, and the header's offset.
    capture: Option<(u64, Vec<u8>)>,
    found: Option<GoBuildInfo>,
    /// The last candidate that failed, reported when no other one succeeds.
    rejected: Option<GoError>,
    max_bytes: usize,
}

impl fmt::Debug for GoScanner {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("GoScanner")
            .field("offset", &self.offset)
            .field("capturing", &self.capture.as_ref().map(|c| c.0))
            .field("found", &self.found.is_some())
            .finish()
    }
}

impl GoScanner {
    /// A scanner at the start of a file that keeps at most `max_bytes` of build info.
    pub fn new(max_bytes: usize) -> Self {
        GoScanner {
            offset: 0,
            pending: Vec::new(),
            capture: None,
            found: None,
            rejected: None,
            max_bytes,
        }
    }

    /// True once build info was read; later chunks are ignored.
    pub fn is_found(&self) -> bool {
        self.found.is_some()
    }

    /// Same as [`GoScanner::is_found`]: nothing else ends the scan early.
    pub fn is_done(&self) -> bool {
        self.is_found()
    }

    /// Feeds the next bytes of the file.
    pub fn feed(&mut self, chunk: &[u8]) {
        let base = self.offset;
        self.offset += chunk.len() as u64;
        if self.found.is_none() {
            self.scan(chunk, base);
        }
    }

    /// The build info, `None` when the file has none (stripped, or not Go), or the error of the
    /// last header that matched but could not be read.
    pub fn finish(mut self) -> Result<Option<GoBuildInfo>, GoError> {
        if let Some(info) = self.found {
            return Ok(Some(info));
        }
        if let Some((offset, buf)) = self.capture.take() {
            let need = match step(&buf, self.max_bytes) {
                Step::Need(n) => n,
                _ => buf.len() + 1,
            };
            return Err(GoError::Truncated {
                offset,
                have: buf.len(),
                need,
            });
        }
        self.rejected.map_or(Ok(None), Err)
    }

    /// Processes `data`, which sits at file offset `base`, from the state the earlier bytes left.
    fn scan(&mut self, data: &[u8], base: u64) {
        let mut i = 0;
        while i < data.len() && self.found.is_none() {
            if let Some((start, mut buf)) = self.capture.take() {
                i += extend_capture(&mut buf, &data[i..], self.max_bytes);
                match step(&buf, self.max_bytes) {
                    // `extend_capture` took all it could: the data is used up.
                    Step::Need(_) => {
                        self.capture = Some((start, buf));
                        return;
                    }
                    outcome => {
                        if self.conclude(start, &buf, outcome) {
                            return;
                        }
                        // A false match: the bytes after its magic may hold the real header.
                        // They end where `data[i..]` begins, so the state stays contiguous.
                        // Rejected captures are at most a header and two varints long, so
                        // this recursion is shallow.
                        self.scan(&buf[ALIGN as usize..], start + ALIGN);
                        continue;
                    }
                }
            }
            if !self.pending.is_empty() {
                let start = base + i as u64 - self.pending.len() as u64;
                let take = (MAGIC.len() - self.pending.len()).min(data.len() - i);
                let mut head = std::mem::take(&mut self.pending);
                head.extend_from_slice(&data[i..i + take]);
                if MAGIC.starts_with(&head) {
                    i += take;
                    if head.len() < MAGIC.len() {
                        self.pending = head;
                    } else {
                        self.capture = Some((start, head));
                    }
                    continue;
                }
            }
            match self.search(&data[i..], base + i as u64) {
                Some(at) => {
                    self.capture = Some((base + (i + at) as u64, Vec::new()));
                    i += at;
                }
                None => return,
            }
        }
    }

    /// The index of the first aligned, complete [`MAGIC`] in `data` (at file offset `base`).
    /// A partial one at the very end is kept in `pending`.
    fn search(&mut self, data: &[u8], base: u64) -> Option<usize> {
        let mut at = ((ALIGN - base % ALIGN) % ALIGN) as usize;
        while at < data.len() {
            if data[at] == MAGIC[0] {
                let rest = &data[at..];
                if rest.starts_with(MAGIC) {
                    return Some(at);
                }
                if rest.len() < MAGIC.len() && MAGIC.starts_with(rest) {
                    self.pending = rest.to_vec();
                }
            }
            at += ALIGN as usize;
        }
        None
    }

    /// Records the outcome of a finished capture; true when the scan is over.
    fn conclude(&mut self, start: u64, buf: &[u8], outcome: Step) -> bool {
        match outcome {
            Step::Complete { version, modinfo } => {
                let version = String::from_utf8_lossy(&buf[version.0..version.1]);
                self.found = Some(GoBuildInfo::parse(&version, &buf[modinfo.0..modinfo.1]));
                true
            }
            Step::Reject(reason) => {
                self.rejected = Some(GoError::Malformed {
                    offset: start,
                    reason,
                });
                false
            }
            Step::PointerForm => {
                self.rejected = Some(GoError::PointerForm { offset: start });
                false
            }
            Step::Need(_) => false,
        }
    }
}

/// Appends to a capture the bytes of `data` it still needs; returns how many it took.
fn extend_capture(buf: &mut Vec<u8>, data: &[u8], max_bytes: usize) -> usize {
    let mut used = 0;
    // Ask again after each append: a varint length tells the full size only once complete.
    while let Step::Need(need) = step(buf, max_bytes) {
        let take = need.saturating_sub(buf.len()).min(data.len() - used);
        if take == 0 {
            break;
        }
        buf.extend_from_slice(&data[used..used + take]);
        used += take;
    }
    used
}

/// Reads a Go `binary.Uvarint` at the start of `bytes`: the value and its length, `None` when
/// more bytes are needed, or an error when it overflows 64 bits.
fn uvarint(bytes: &[u8]) -> Option<Result<(u64, usize), ()>> {
    let mut value: u64 = 0;
    for (i, &b) in bytes.iter().enumerate() {
        if i == 10 || (i == 9 && b > 1) {
            return Some(Err(()));
        }
        value |= u64::from(b & 0x7f) << (7 * i);
        if b & 0x80 == 0 {
            return Some(Ok((value, i + 1)));
        }
    }
    None
}

/// How far the capture `buf` (starting with [`MAGIC`]) has got.
fn step(buf: &[u8], max_bytes: usize) -> Step {
    if buf.len() < HEADER {
        return Step::Need(HEADER);
    }
    if !matches!(buf[14], 4 | 8) {
        return Step::Reject(format!("pointer size {} is neither 4 nor 8", buf[14]));
    }
    if buf[15] & FLAG_INLINE == 0 {
        return Step::PointerForm;
    }
    let mut at = HEADER;
    let mut spans = [(0, 0); 2];
    for (i, span) in spans.iter_mut().enumerate() {
        let (len, width) = match uvarint(&buf[at..]) {
            None => return Step::Need(buf.len() + 1),
            Some(Err(())) => return Step::Reject("a string length overflows".into()),
            Some(Ok(v)) => v,
        };
        let limit = if i == 0 {
            MAX_VERSION
        } else {
            max_bytes as u64
        };
        if len > limit {
            let what = if i == 0 {
                "toolchain version"
            } else {
                "module info"
            };
            return Step::Reject(format!(
                "{what} of {len} bytes is over the {limit} byte limit"
            ));
        }
        // Both fit in usize: `len` is at most `max_bytes`.
        let begin = at + width;
        let end = begin + len as usize;
        if buf.len() < end {
            return Step::Need(end);
        }
        *span = (begin, end);
        at = end;
    }
    Step::Complete {
        version: spans[0],
        modinfo: spans[1],
    }
}

#[cfg(test)]
mod tests;
