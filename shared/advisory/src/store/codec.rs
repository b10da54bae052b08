//! The store's compact binary encoding of one lookup group: the advisories that affect one
//! package in one namespace, each with only that package's entries.
//!
//! Decoding JSON was the whole cost of a lookup (about 0.2 ms per package with a few dozen
//! advisories); this format is read front to back with no field names, no escapes and no
//! number parsing. Integers are LEB128 varints, strings a varint length then UTF-8 bytes, an
//! optional string `0` or `length + 1`, enums one byte. The layout is tied to
//! [`super::SCHEMA_VERSION`]: the encoders destructure every struct exhaustively, so adding a
//! field to the model fails to compile here instead of being silently dropped from the store.

use layerwatch_inventory::Ecosystem;
use thiserror::Error;

use crate::model::{
    Advisory, Affected, Cvss, Event, FixState, Namespace, Range, RangeKind, Severity,
    VendorSeverity,
};

/// Why a stored group does not decode.
#[derive(Debug, Error)]
pub enum DecodeError {
    /// The bytes end inside a value.
    #[error("record ends early at byte {0}")]
    Truncated(usize),
    /// A tag byte has no meaning.
    #[error("unknown {what} tag {tag} at byte {at}")]
    Tag {
        /// What was being read.
        what: &'static str,
        /// The byte found.
        tag: u8,
        /// Where.
        at: usize,
    },
    /// A string is not UTF-8.
    #[error("string at byte {0} is not utf-8")]
    Utf8(usize),
    /// Bytes are left after the last value.
    #[error("{0} bytes left after the record")]
    Trailing(usize),
}

/// Encodes advisories (each carrying the entries of one group) into `out`.
pub(super) fn encode_group(advisories: &[Advisory], out: &mut Vec<u8>) {
    let mut w = Writer(out);
    w.uint(advisories.len());
    for a in advisories {
        w.advisory(a);
    }
}

/// Decodes what [`encode_group`] wrote.
pub(super) fn decode_group(bytes: &[u8]) -> Result<Vec<Advisory>, DecodeError> {
    let mut r = Reader { buf: bytes, pos: 0 };
    let n = r.uint()?;
    // A count is at least one byte per item; cap the allocation by what the bytes can hold.
    let mut out = Vec::with_capacity(n.min(bytes.len()));
    for _ in 0..n {
        out.push(r.advisory()?);
    }
    if r.pos != bytes.len() {
        return Err(DecodeError::Trailing(bytes.len() - r.pos));
    }
    Ok(out)
}

/// The one-byte codes of the ecosystems; the position in this table is the code.
const ECOSYSTEMS: [Ecosystem; 11] = [
    Ecosystem::Apk,
    Ecosystem::Deb,
    Ecosystem::Rpm,
    Ecosystem::Pypi,
    Ecosystem::Npm,
    Ecosystem::Golang,
    Ecosystem::Cargo,
    Ecosystem::Maven,
    Ecosystem::Gem,
    Ecosystem::Composer,
    Ecosystem::Nuget,
];
const SEVERITIES: [Severity; 6] = [
    Severity::Unknown,
    Severity::Negligible,
    Severity::Low,
    Severity::Medium,
    Severity::High,
    Severity::Critical,
];
const FIX_STATES: [FixState; 6] = [
    FixState::Fixed,
    FixState::Affected,
    FixState::WontFix,
    FixState::NoDsa,
    FixState::EndOfLife,
    FixState::Withdrawn,
];

fn code<T: PartialEq + Copy>(table: &[T], value: T) -> u8 {
    let index = table
        .iter()
        .position(|v| *v == value)
        .expect("every variant is listed in its code table");
    u8::try_from(index).expect("code tables have fewer than 256 entries")
}

struct Writer<'a>(&'a mut Vec<u8>);

impl Writer<'_> {
    fn uint(&mut self, value: usize) {
        let mut v = value as u64;
        while v >= 0x80 {
            self.0.push((v as u8 & 0x7f) | 0x80);
            v >>= 7;
        }
        self.0.push(v as u8);
    }
    fn str(&mut self, s: &str) {
        self.uint(s.len());
        self.0.extend_from_slice(s.as_bytes());
    }
    fn opt(&mut self, s: Option<&str>) {
        match s {
            None => self.uint(0),
            Some(s) => {
                self.uint(s.len() + 1);
                self.0.extend_from_slice(s.as_bytes());
            }
        }
    }
    fn strs(&mut self, v: &[String]) {
        self.uint(v.len());
        for s in v {
            self.str(s);
        }
    }
    fn advisory(&mut self, a: &Advisory) {
        let Advisory {
            id,
            aliases,
            source,
            summary,
            severity,
            cvss,
            references,
            modified,
            published,
            withdrawn,
            informational,
            affected,
        } = a;
        self.str(id);
        self.strs(aliases);
        self.str(source);
        self.opt(summary.as_deref());
        match severity {
            None => self.0.push(0xff),
            Some(VendorSeverity { source, level }) => {
                self.0.push(code(&SEVERITIES, *level));
                self.str(source);
            }
        }
        self.uint(cvss.len());
        for Cvss {
            version,
            vector,
            base_score,
        } in cvss
        {
            self.str(version);
            self.str(vector);
            match base_score {
                None => self.0.push(0),
                Some(score) => {
                    self.0.push(1);
                    self.0.extend_from_slice(&score.to_le_bytes());
                }
            }
        }
        self.strs(references);
        for t in [modified, published, withdrawn, informational] {
            self.opt(t.as_deref());
        }
        self.uint(affected.len());
        for entry in affected {
            self.affected(entry);
        }
    }
    fn affected(&mut self, e: &Affected) {
        let Affected {
            namespace,
            package,
            ranges,
            versions,
            fix_state,
        } = e;
        match namespace {
            Namespace::Os { family, release } => {
                self.0.push(0xff);
                self.str(family);
                self.str(release);
            }
            Namespace::Language(eco) => self.0.push(code(&ECOSYSTEMS, *eco)),
        }
        self.str(package);
        self.uint(ranges.len());
        for range in ranges {
            match range {
                Range::Events { kind, events } => {
                    self.0.push(match kind {
                        RangeKind::Ecosystem => 0,
                        RangeKind::Semver => 1,
                    });
                    self.uint(events.len());
                    for event in events {
                        let (tag, v) = match event {
                            Event::Introduced(v) => (0, v),
                            Event::Fixed(v) => (1, v),
                            Event::LastAffected(v) => (2, v),
                            Event::Limit(v) => (3, v),
                        };
                        self.0.push(tag);
                        self.str(v);
                    }
                }
                Range::Npm {
                    vulnerable,
                    patched,
                } => {
                    self.0.push(2);
                    self.str(vulnerable);
                    self.opt(patched.as_deref());
                }
            }
        }
        self.strs(versions);
        self.0.push(code(&FIX_STATES, *fix_state));
    }
}

struct Reader<'a> {
    buf: &'a [u8],
    pos: usize,
}

impl Reader<'_> {
    fn byte(&mut self) -> Result<u8, DecodeError> {
        let b = *self
            .buf
            .get(self.pos)
            .ok_or(DecodeError::Truncated(self.pos))?;
        self.pos += 1;
        Ok(b)
    }
    fn uint(&mut self) -> Result<usize, DecodeError> {
        let start = self.pos;
        let mut value: u64 = 0;
        for shift in (0..64).step_by(7) {
            let b = self.byte()?;
            value |= u64::from(b & 0x7f) << shift;
            if b < 0x80 {
                return usize::try_from(value).map_err(|_| DecodeError::Truncated(start));
            }
        }
        Err(DecodeError::Truncated(start))
    }
    fn bytes(&mut self, len: usize) -> Result<String, DecodeError> {
        let start = self.pos;
        let end = start
            .checked_add(len)
            .filter(|end| *end <= self.buf.len())
            .ok_or(DecodeError::Truncated(start))?;
        self.pos = end;
        std::str::from_utf8(&self.buf[start..end])
            .map(str::to_owned)
            .map_err(|_| DecodeError::Utf8(start))
    }
    fn str(&mut self) -> Result<String, DecodeError> {
        let len = self.uint()?;
        self.bytes(len)
    }
    fn opt(&mut self) -> Result<Option<String>, DecodeError> {
        match self.uint()? {
            0 => Ok(None),
            n => self.bytes(n - 1).map(Some),
        }
    }
    fn count(&mut self) -> Result<usize, DecodeError> {
        let n = self.uint()?;
        Ok(n.min(self.buf.len() - self.pos))
    }
    fn strs(&mut self) -> Result<Vec<String>, DecodeError> {
        let n = self.uint()?;
        let mut out = Vec::with_capacity(n.min(self.buf.len() - self.pos));
        for _ in 0..n {
            out.push(self.str()?);
        }
        Ok(out)
    }
    fn tag<T: Copy>(&mut self, table: &[T], what: &'static str) -> Result<T, DecodeError> {
        let at = self.pos;
        let tag = self.byte()?;
        table
            .get(usize::from(tag))
            .copied()
            .ok_or(DecodeError::Tag { what, tag, at })
    }
    fn advisory(&mut self) -> Result<Advisory, DecodeError> {
        let id = self.str()?;
        let aliases = self.strs()?;
        let source = self.str()?;
        let summary = self.opt()?;
        let severity = if self.buf.get(self.pos) == Some(&0xff) {
            self.pos += 1;
            None
        } else {
            let level = self.tag(&SEVERITIES, "severity")?;
            Some(VendorSeverity {
                source: self.str()?,
                level,
            })
        };
        let n = self.uint()?;
        let mut cvss = Vec::with_capacity(n.min(16));
        for _ in 0..n {
            let version = self.str()?;
            let vector = self.str()?;
            let base_score = match self.byte()? {
                0 => None,
                _ => {
                    let end = self.pos + 8;
                    let raw: [u8; 8] = self
                        .buf
                        .get(self.pos..end)
                        .and_then(|b| b.try_into().ok())
                        .ok_or(DecodeError::Truncated(self.pos))?;
                    self.pos = end;
                    Some(f64::from_le_bytes(raw))
                }
            };
            cvss.push(Cvss {
                version,
                vector,
                base_score,
            });
        }
        let references = self.strs()?;
        let modified = self.opt()?;
        let published = self.opt()?;
        let withdrawn = self.opt()?;
        let informational = self.opt()?;
        let n = self.count()?;
        let mut affected = Vec::with_capacity(n);
        for _ in 0..n {
            affected.push(self.affected()?);
        }
        Ok(Advisory {
            id,
            aliases,
            source,
            summary,
            severity,
            cvss,
            references,
            modified,
            published,
            withdrawn,
            informational,
            affected,
        })
    }
    fn affected(&mut self) -> Result<Affected, DecodeError> {
        let namespace = if self.buf.get(self.pos) == Some(&0xff) {
            self.pos += 1;
            Namespace::Os {
                family: self.str()?,
                release: self.str()?,
            }
        } else {
            Namespace::Language(self.tag(&ECOSYSTEMS, "ecosystem")?)
        };
        let package = self.str()?;
        let n = self.count()?;
        let mut ranges = Vec::with_capacity(n);
        for _ in 0..n {
            let at = self.pos;
            ranges.push(match self.byte()? {
                tag @ (0 | 1) => {
                    let kind = if tag == 0 {
                        RangeKind::Ecosystem
                    } else {
                        RangeKind::Semver
                    };
                    let n = self.count()?;
                    let mut events = Vec::with_capacity(n);
                    for _ in 0..n {
                        let at = self.pos;
                        events.push(match self.byte()? {
                            0 => Event::Introduced(self.str()?),
                            1 => Event::Fixed(self.str()?),
                            2 => Event::LastAffected(self.str()?),
                            3 => Event::Limit(self.str()?),
                            tag => {
                                return Err(DecodeError::Tag {
                                    what: "event",
                                    tag,
                                    at,
                                });
                            }
                        });
                    }
                    Range::Events { kind, events }
                }
                2 => Range::Npm {
                    vulnerable: self.str()?,
                    patched: self.opt()?,
                },
                tag => {
                    return Err(DecodeError::Tag {
                        what: "range",
                        tag,
                        at,
                    });
                }
            });
        }
        let versions = self.strs()?;
        let fix_state = self.tag(&FIX_STATES, "fix state")?;
        Ok(Affected {
            namespace,
            package,
            ranges,
            versions,
            fix_state,
        })
    }
}

#[cfg(test)]
mod tests;
