//! NuGet versions, `Major.Minor.Patch[.Revision][-label.label][+metadata]`, ordered as
//! NuGet's `VersionComparer` orders them.
//!
//! One to four numbers (missing ones are 0, leading zeros allowed: `1.00 == 1.0.0.0`).
//! A version with a release label sorts before the same version without; labels compare
//! one by one, a numeric label (one that fits an `int`) before a text one, numbers by
//! value, text case-insensitively (`1.0.1-BETA == 1.0.1-beta`, `alpha10 < alpha2`), a
//! shorter list first. Metadata after `+` is ignored.

use std::cmp::Ordering;
use std::str::FromStr;

use crate::macros::{cmp_digits, version_traits};
use crate::{Scheme, VersionError};

/// A parsed NuGet version.
#[derive(Clone)]
pub struct NugetVersion {
    raw: String,
    numbers: [String; 4],
    labels: Vec<String>,
}

version_traits!(NugetVersion);

impl NugetVersion {
    /// True when the version has a release label (`1.0.0-beta`).
    pub fn is_prerelease(&self) -> bool {
        !self.labels.is_empty()
    }
}

impl FromStr for NugetVersion {
    type Err = VersionError;

    fn from_str(raw: &str) -> Result<Self, Self::Err> {
        let bad = |reason: &str| VersionError::invalid(Scheme::Nuget, raw, reason);
        let s = raw.trim();
        let (s, metadata) = match s.split_once('+') {
            Some((v, m)) => (v, Some(m)),
            None => (s, None),
        };
        let (nums, labels) = match s.split_once('-') {
            Some((n, l)) => (n, Some(l)),
            None => (s, None),
        };
        let idents_ok = |t: &str| {
            t.split('.')
                .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-'))
        };
        if metadata.is_some_and(|m| !idents_ok(m)) || labels.is_some_and(|l| !idents_ok(l)) {
            return Err(bad("malformed release label or metadata"));
        }
        let parts: Vec<&str> = nums.split('.').collect();
        if parts.len() > 4 {
            return Err(bad("more than four numbers"));
        }
        let mut numbers: [String; 4] = Default::default();
        for (slot, p) in numbers
            .iter_mut()
            .zip(parts.iter().copied().chain(std::iter::repeat("0")))
        {
            let in_int = p.parse::<u32>().is_ok_and(|n| i32::try_from(n).is_ok());
            if p.is_empty() || !p.bytes().all(|b| b.is_ascii_digit()) || !in_int {
                return Err(bad("a version number is not a non-negative int"));
            }
            let t = p.trim_start_matches('0');
            *slot = if t.is_empty() { "0" } else { t }.to_owned();
        }
        Ok(NugetVersion {
            raw: raw.to_owned(),
            numbers,
            labels: labels.map_or_else(Vec::new, |l| l.split('.').map(str::to_owned).collect()),
        })
    }
}

/// A label's value as an `int`, if it is one.
fn as_int(label: &str) -> Option<i32> {
    if label.bytes().all(|b| b.is_ascii_digit()) {
        label.parse().ok()
    } else {
        None
    }
}

fn cmp_label(a: &str, b: &str) -> Ordering {
    match (as_int(a), as_int(b)) {
        (Some(x), Some(y)) => x.cmp(&y),
        (Some(_), None) => Ordering::Less,
        (None, Some(_)) => Ordering::Greater,
        (None, None) => {
            let up = |s: &str| s.to_ascii_uppercase();
            up(a).cmp(&up(b))
        }
    }
}

impl Ord for NugetVersion {
    fn cmp(&self, other: &Self) -> Ordering {
        for (a, b) in self.numbers.iter().zip(&other.numbers) {
            let o = cmp_digits(a, b);
            if o.is_ne() {
                return o;
            }
        }
        match (self.labels.is_empty(), other.labels.is_empty()) {
            (true, true) => Ordering::Equal,
            (true, false) => Ordering::Greater,
            (false, true) => Ordering::Less,
            (false, false) => {
                for (a, b) in self.labels.iter().zip(&other.labels) {
                    let o = cmp_label(a, b);
                    if o.is_ne() {
                        return o;
                    }
                }
                self.labels.len().cmp(&other.labels.len())
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(s: &str) -> NugetVersion {
        s.parse().unwrap()
    }

    // The ordering example of https://learn.microsoft.com/nuget/concepts/package-versioning
    // ("Pre-release versions"), from highest to lowest, and its normalisation rules.
    #[test]
    fn nuget_documentation_examples() {
        let order = [
            "1.0.1",
            "1.0.1-zzz",
            "1.0.1-rc",
            "1.0.1-open",
            "1.0.1-beta",
            "1.0.1-alpha2",
            "1.0.1-alpha10",
            "1.0.1-aaa",
        ];
        for w in order.windows(2) {
            assert!(v(w[0]) > v(w[1]), "{} > {}", w[0], w[1]);
        }
        assert_eq!(v("1.00"), v("1.0.0"));
        assert_eq!(v("1.0.01.0"), v("1.0.1"));
        assert_eq!(v("1.0.0.0"), v("1.0.0"));
        assert_eq!(v("1.0.0+git.abc"), v("1.0.0"));
        assert_eq!(v("1.0.1-BETA"), v("1.0.1-beta"));
        assert!(v("1.0.0.1") > v("1.0.0"));
        assert!(v("1.0.0-rc.2") < v("1.0.0-rc.10"));
        assert!(v("1.0.0-1") < v("1.0.0-a"));
        for bad in [
            "",
            "1.0.0.0.0",
            "a.b",
            "1.0-",
            "1.0.0-beta..1",
            "1..0",
            "-1.0",
            "v1.0",
        ] {
            assert!(bad.parse::<NugetVersion>().is_err(), "{bad:?} accepted");
        }
    }
}
