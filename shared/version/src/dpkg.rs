//! Debian versions, `[epoch:]upstream[-revision]`, ordered as Debian policy 5.6.12 and
//! `dpkg --compare-versions` order them.
//!
//! Parsing follows dpkg's `parseversion`: the strings dpkg rejects (empty parts, a bad epoch,
//! embedded spaces) are errors; the ones it only warns about (an upstream that does not start
//! with a digit, odd characters) are accepted and compared, as dpkg itself does.

use std::cmp::Ordering;
use std::str::FromStr;

use crate::macros::{cmp_digits, version_traits};
use crate::{Scheme, VersionError};

/// A parsed Debian package version.
#[derive(Clone)]
pub struct DpkgVersion {
    raw: String,
    epoch: u32,
    upstream: String,
    revision: String,
}

version_traits!(DpkgVersion);

impl DpkgVersion {
    /// The epoch, 0 when absent.
    pub fn epoch(&self) -> u32 {
        self.epoch
    }

    /// The upstream part (between the epoch and the last hyphen).
    pub fn upstream(&self) -> &str {
        &self.upstream
    }

    /// The Debian revision, empty when absent.
    pub fn revision(&self) -> &str {
        &self.revision
    }
}

impl FromStr for DpkgVersion {
    type Err = VersionError;

    fn from_str(raw: &str) -> Result<Self, Self::Err> {
        let bad = |reason: &str| VersionError::invalid(Scheme::Dpkg, raw, reason);
        let s = raw.trim();
        if s.is_empty() {
            return Err(bad("version string is empty"));
        }
        if s.contains(char::is_whitespace) {
            return Err(bad("version string has embedded spaces"));
        }
        let (epoch, rest) = match s.split_once(':') {
            Some((e, rest)) => {
                if e.is_empty() {
                    return Err(bad("epoch in version is empty"));
                }
                if !e.bytes().all(|b| b.is_ascii_digit()) {
                    return Err(bad("epoch in version is not a number"));
                }
                // dpkg stores the epoch in an int and refuses anything larger.
                let epoch = e
                    .parse::<u32>()
                    .ok()
                    .filter(|&n| n <= i32::MAX as u32)
                    .ok_or_else(|| bad("epoch in version is too big"))?;
                if rest.is_empty() {
                    return Err(bad("nothing after colon in version number"));
                }
                (epoch, rest)
            }
            None => (0, s),
        };
        let (upstream, revision) = match rest.rsplit_once('-') {
            Some((u, r)) => {
                if r.is_empty() {
                    return Err(bad("revision number is empty"));
                }
                (u, r)
            }
            None => (rest, ""),
        };
        if upstream.is_empty() {
            return Err(bad("version number is empty"));
        }
        Ok(DpkgVersion {
            raw: raw.to_owned(),
            epoch,
            upstream: upstream.to_owned(),
            revision: revision.to_owned(),
        })
    }
}

impl Ord for DpkgVersion {
    fn cmp(&self, other: &Self) -> Ordering {
        self.epoch
            .cmp(&other.epoch)
            .then_with(|| verrevcmp(&self.upstream, &other.upstream))
            .then_with(|| verrevcmp(&self.revision, &other.revision))
    }
}

/// The weight of one non-digit character: `~` before the end of the string, the end before
/// letters, letters before everything else.
fn order(c: Option<u8>) -> i32 {
    match c {
        None => 0,
        Some(b'~') => -1,
        Some(c) if c.is_ascii_digit() => 0,
        Some(c) if c.is_ascii_alphabetic() => i32::from(c),
        Some(c) => i32::from(c) + 256,
    }
}

/// Compares an upstream version or a revision: alternating non-digit runs (by [`order`]) and
/// digit runs (by numeric value).
fn verrevcmp(a: &str, b: &str) -> Ordering {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    let (mut i, mut j) = (0, 0);
    while i < a.len() || j < b.len() {
        // Non-digit prefix, one character at a time, the end of a string counting as 0.
        while a.get(i).is_some_and(|c| !c.is_ascii_digit())
            || b.get(j).is_some_and(|c| !c.is_ascii_digit())
        {
            let (ac, bc) = (order(a.get(i).copied()), order(b.get(j).copied()));
            if ac != bc {
                return ac.cmp(&bc);
            }
            i += 1;
            j += 1;
        }
        let da = digit_run(a, i);
        let db = digit_run(b, j);
        let ord = cmp_digits(da, db);
        if ord != Ordering::Equal {
            return ord;
        }
        i += da.len();
        j += db.len();
    }
    Ordering::Equal
}

/// The run of ASCII digits starting at `at` (empty if there is none).
fn digit_run(s: &[u8], at: usize) -> &str {
    let rest = s.get(at..).unwrap_or_default();
    let n = rest.iter().take_while(|c| c.is_ascii_digit()).count();
    // Only ASCII digits, so always valid UTF-8.
    std::str::from_utf8(&rest[..n]).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cmp(a: &str, b: &str) -> Ordering {
        a.parse::<DpkgVersion>()
            .unwrap()
            .cmp(&b.parse::<DpkgVersion>().unwrap())
    }

    // Examples from Debian policy 5.6.12 and the dpkg test suite (t-version.c).
    #[test]
    fn policy_examples() {
        assert_eq!(cmp("1.0~rc1", "1.0"), Ordering::Less);
        assert_eq!(cmp("~~", "~~a"), Ordering::Less);
        assert_eq!(cmp("~~a", "~"), Ordering::Less);
        assert_eq!(cmp("~", "0"), Ordering::Less);
        assert_eq!(cmp("1:0", "2.0"), Ordering::Greater);
        assert_eq!(cmp("1.0-1", "1.0"), Ordering::Greater);
        assert_eq!(cmp("1.0", "1.0-0"), Ordering::Equal);
        assert_eq!(cmp("0:1.0", "1.0"), Ordering::Equal);
        assert_eq!(cmp("1.0a", "1.0+"), Ordering::Less);
        assert_eq!(cmp("1.002", "1.2"), Ordering::Equal);
    }

    #[test]
    fn rejects_what_dpkg_rejects() {
        for bad in [
            "",
            " ",
            ":1.0",
            "a:1.0",
            "1:",
            "1.0-",
            "1 0",
            "-1",
            "99999999999:1",
        ] {
            assert!(bad.parse::<DpkgVersion>().is_err(), "{bad:?} accepted");
        }
    }
}
