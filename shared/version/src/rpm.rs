//! rpm versions, `[epoch:]version[-release]`, ordered as rpm 4.18 orders them (`rpmvercmp`
//! on each part; the Lua `rpm.vercmp` of `rpm --eval`).
//!
//! Within a part, runs of ASCII letters and runs of ASCII digits are compared one by one
//! (numbers by value, letters bytewise, a number beats letters); other characters only
//! separate runs. `~` sorts before anything, even the end of the string (`1.0~rc1 < 1.0`);
//! `^` sorts after the end of the string but before anything else (`1.0 < 1.0^git1 < 1.0.1`).
//! A missing epoch is 0; a missing release sorts before any release, as `rpm.vercmp` does.

use std::cmp::Ordering;
use std::str::FromStr;

use crate::macros::{cmp_digits, version_traits};
use crate::{Scheme, VersionError};

/// A parsed rpm version (EVR).
#[derive(Clone)]
pub struct RpmVersion {
    raw: String,
    /// The epoch digits; empty when absent (which compares as 0).
    epoch: String,
    version: String,
    release: Option<String>,
}

version_traits!(RpmVersion);

impl RpmVersion {
    /// The epoch, `None` when absent.
    pub fn epoch(&self) -> Option<&str> {
        (!self.epoch.is_empty()).then_some(self.epoch.as_str())
    }

    /// The version part.
    pub fn version(&self) -> &str {
        &self.version
    }

    /// The release part, if any.
    pub fn release(&self) -> Option<&str> {
        self.release.as_deref()
    }
}

impl FromStr for RpmVersion {
    type Err = VersionError;

    fn from_str(raw: &str) -> Result<Self, Self::Err> {
        let bad = |reason: &str| VersionError::invalid(Scheme::Rpm, raw, reason);
        if raw.contains(char::is_whitespace) {
            return Err(bad("contains whitespace"));
        }
        // As rpm's parseEVR: an epoch is the leading digits when a colon follows them.
        let digits = raw.bytes().take_while(u8::is_ascii_digit).count();
        let (epoch, rest) = match raw[digits..].strip_prefix(':') {
            Some(rest) => (&raw[..digits], rest),
            None => ("", raw),
        };
        let (version, release) = match rest.rsplit_once('-') {
            Some((v, r)) => (v, Some(r.to_owned())),
            None => (rest, None),
        };
        if version.is_empty() {
            return Err(bad("version part is empty"));
        }
        Ok(RpmVersion {
            raw: raw.to_owned(),
            epoch: epoch.to_owned(),
            version: version.to_owned(),
            release,
        })
    }
}

impl Ord for RpmVersion {
    fn cmp(&self, other: &Self) -> Ordering {
        let epoch = |e: &str| if e.is_empty() { "0" } else { e }.to_owned();
        cmp_digits(&epoch(&self.epoch), &epoch(&other.epoch))
            .then_with(|| rpmvercmp(&self.version, &other.version))
            .then_with(|| match (&self.release, &other.release) {
                (Some(a), Some(b)) => rpmvercmp(a, b),
                (a, b) => a.is_some().cmp(&b.is_some()),
            })
    }
}

/// rpm's segment comparison of one part (version or release).
pub fn rpmvercmp(a: &str, b: &str) -> Ordering {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    let (mut i, mut j) = (0, 0);
    let is_sep = |c: &u8| !c.is_ascii_alphanumeric() && *c != b'~' && *c != b'^';
    loop {
        while a.get(i).is_some_and(is_sep) {
            i += 1;
        }
        while b.get(j).is_some_and(is_sep) {
            j += 1;
        }
        let (ca, cb) = (a.get(i).copied(), b.get(j).copied());
        // `~` sorts before everything, the end of the string included.
        if ca == Some(b'~') || cb == Some(b'~') {
            if ca != Some(b'~') {
                return Ordering::Greater;
            }
            if cb != Some(b'~') {
                return Ordering::Less;
            }
            i += 1;
            j += 1;
            continue;
        }
        // `^` sorts after the end of the string but before anything else.
        if ca == Some(b'^') || cb == Some(b'^') {
            match (ca, cb) {
                (None, _) => return Ordering::Less,
                (_, None) => return Ordering::Greater,
                (Some(b'^'), Some(b'^')) => {
                    i += 1;
                    j += 1;
                    continue;
                }
                (_, Some(b'^')) => return Ordering::Greater,
                _ => return Ordering::Less,
            }
        }
        let (Some(ca), Some(_)) = (ca, cb) else {
            // One side ran out: the one with something left is newer.
            return ca.is_some().cmp(&cb.is_some());
        };
        let numeric = ca.is_ascii_digit();
        let (ra, rb) = (run(a, i, numeric), run(b, j, numeric));
        if rb.is_empty() {
            // Different kinds of run: a number is newer than letters.
            return if numeric {
                Ordering::Greater
            } else {
                Ordering::Less
            };
        }
        let ord = if numeric {
            cmp_digits(ra, rb)
        } else {
            ra.cmp(rb)
        };
        if ord != Ordering::Equal {
            return ord;
        }
        i += ra.len();
        j += rb.len();
    }
}

/// The run of ASCII digits (or letters) starting at `at`.
fn run(s: &[u8], at: usize, numeric: bool) -> &str {
    let n = s[at..]
        .iter()
        .take_while(|c| {
            if numeric {
                c.is_ascii_digit()
            } else {
                c.is_ascii_alphabetic()
            }
        })
        .count();
    // Only ASCII letters or digits were taken, so the slice is valid UTF-8.
    std::str::from_utf8(&s[at..at + n]).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cmp(a: &str, b: &str) -> Ordering {
        a.parse::<RpmVersion>()
            .unwrap()
            .cmp(&b.parse::<RpmVersion>().unwrap())
    }

    // Cases from rpm's tests/rpmvercmp.at.
    #[test]
    fn rpm_test_suite_examples() {
        assert_eq!(rpmvercmp("1.0", "1.0"), Ordering::Equal);
        assert_eq!(rpmvercmp("1.0", "2.0"), Ordering::Less);
        assert_eq!(rpmvercmp("2.0.1a", "2.0.1"), Ordering::Greater);
        assert_eq!(rpmvercmp("5.5p1", "5.5p10"), Ordering::Less);
        assert_eq!(rpmvercmp("10xyz", "10.1xyz"), Ordering::Less);
        assert_eq!(rpmvercmp("xyz.4", "8"), Ordering::Less);
        assert_eq!(rpmvercmp("1.0~rc1", "1.0"), Ordering::Less);
        assert_eq!(rpmvercmp("1.0^", "1.0"), Ordering::Greater);
        assert_eq!(rpmvercmp("1.0^git1", "1.01"), Ordering::Less);
        assert_eq!(rpmvercmp("1.0^git1~pre", "1.0^git1"), Ordering::Less);
        assert_eq!(cmp("1:1.0", "2.0"), Ordering::Greater);
        assert_eq!(cmp("1.0-1", "1.0"), Ordering::Greater);
    }
}
