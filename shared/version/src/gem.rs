//! RubyGems versions, ordered as `Gem::Version` orders them.
//!
//! A version is numbers separated by dots, optionally followed by `-` and more parts
//! (`1.2.3`, `1.0.0.rc1`, `2.0.0-beta.2`). A `-` reads as `.pre.`, then the string splits
//! into runs of digits and runs of letters. Any letter makes a pre-release, and a letter
//! run sorts before any number (`1.0.a < 1.0 < 1.0.1`). Trailing zeros of the leading
//! numbers and of the rest are ignored (`1.0.0 == 1`); letter runs compare bytewise.

use std::cmp::Ordering;
use std::str::FromStr;

use crate::macros::{cmp_digits, version_traits};
use crate::{Scheme, VersionError};

#[derive(Debug, Clone, PartialEq, Eq)]
enum Segment {
    Number(String),
    Text(String),
}

/// A parsed RubyGems version.
#[derive(Clone)]
pub struct GemVersion {
    raw: String,
    /// `Gem::Version#canonical_segments`.
    segments: Vec<Segment>,
    prerelease: bool,
}

version_traits!(GemVersion);

impl GemVersion {
    /// True when the version has a letter in it (`1.0.0.rc1`, `2.0-beta`).
    pub fn is_prerelease(&self) -> bool {
        self.prerelease
    }
}

/// `Gem::Version::ANCHORED_VERSION_PATTERN`, minus the empty version.
fn valid(s: &str) -> bool {
    let (main, pre) = match s.split_once('-') {
        Some((m, p)) => (m, Some(p)),
        None => (s, None),
    };
    let mut parts = main.split('.');
    let first_ok = parts
        .next()
        .is_some_and(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()));
    let rest_ok = parts.all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_alphanumeric()));
    let pre_ok = pre.is_none_or(|p| {
        p.split('.')
            .all(|q| !q.is_empty() && q.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-'))
    });
    first_ok && rest_ok && pre_ok
}

impl FromStr for GemVersion {
    type Err = VersionError;

    fn from_str(raw: &str) -> Result<Self, Self::Err> {
        let s = raw.trim();
        if !valid(s) {
            return Err(VersionError::invalid(
                Scheme::RubyGems,
                raw,
                "not numbers and letters separated by dots, with an optional `-` suffix",
            ));
        }
        let s = s.replace('-', ".pre.");
        let mut segments = Vec::new();
        let b = s.as_bytes();
        let mut i = 0;
        while i < b.len() {
            let digit = b[i].is_ascii_digit();
            let n = b[i..]
                .iter()
                .take_while(|c| {
                    if digit {
                        c.is_ascii_digit()
                    } else {
                        c.is_ascii_alphabetic()
                    }
                })
                .count();
            if n == 0 {
                i += 1;
                continue;
            }
            let run = &s[i..i + n];
            segments.push(if digit {
                let t = run.trim_start_matches('0');
                Segment::Number(if t.is_empty() { "0" } else { t }.to_owned())
            } else {
                Segment::Text(run.to_owned())
            });
            i += n;
        }
        let prerelease = segments.iter().any(|s| matches!(s, Segment::Text(_)));
        Ok(GemVersion {
            raw: raw.to_owned(),
            segments: canonical(segments),
            prerelease,
        })
    }
}

/// Drops trailing zeros from the numeric prefix and from the rest, then joins them.
fn canonical(segments: Vec<Segment>) -> Vec<Segment> {
    let split = segments
        .iter()
        .position(|s| matches!(s, Segment::Text(_)))
        .unwrap_or(segments.len());
    let zero = Segment::Number("0".into());
    let trim = |part: &[Segment]| {
        let end = part.iter().rposition(|s| *s != zero).map_or(0, |i| i + 1);
        part[..end].to_vec()
    };
    let mut out = trim(&segments[..split]);
    out.extend(trim(&segments[split..]));
    out
}

impl Ord for GemVersion {
    fn cmp(&self, other: &Self) -> Ordering {
        let zero = Segment::Number("0".into());
        let n = self.segments.len().max(other.segments.len());
        for i in 0..n {
            let a = self.segments.get(i).unwrap_or(&zero);
            let b = other.segments.get(i).unwrap_or(&zero);
            let o = match (a, b) {
                (Segment::Number(x), Segment::Number(y)) => cmp_digits(x, y),
                (Segment::Text(x), Segment::Text(y)) => x.cmp(y),
                (Segment::Text(_), Segment::Number(_)) => Ordering::Less,
                (Segment::Number(_), Segment::Text(_)) => Ordering::Greater,
            };
            if o.is_ne() {
                return o;
            }
        }
        Ordering::Equal
    }
}
