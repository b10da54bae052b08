//! Semantic Versioning 2.0 (npm, Cargo): `MAJOR.MINOR.PATCH[-pre][+build]`.
//!
//! Numbers have no leading zeros. A version with a pre-release sorts before the same version
//! without; pre-release identifiers compare one by one, numeric ones by value and before
//! alphanumeric ones, which compare as ASCII, and a shorter list sorts first when it is a
//! prefix. Build metadata is kept but ignored for ordering, so `1.0.0+a == 1.0.0+b`. A
//! leading `=` and/or `v` is accepted, as npm accepts it.

use std::cmp::Ordering;
use std::str::FromStr;

use crate::macros::{cmp_digits, version_traits};
use crate::{Scheme, VersionError};

/// One dot-separated pre-release identifier.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Ident {
    Numeric(String),
    Alphanumeric(String),
}

impl Ident {
    fn cmp(&self, other: &Ident) -> Ordering {
        match (self, other) {
            (Ident::Numeric(a), Ident::Numeric(b)) => cmp_digits(a, b),
            (Ident::Numeric(_), Ident::Alphanumeric(_)) => Ordering::Less,
            (Ident::Alphanumeric(_), Ident::Numeric(_)) => Ordering::Greater,
            (Ident::Alphanumeric(a), Ident::Alphanumeric(b)) => a.cmp(b),
        }
    }
}

/// The parts every semver-like scheme (npm, Cargo, Go modules) shares.
#[derive(Debug, Clone)]
pub(crate) struct Core {
    pub(crate) major: String,
    pub(crate) minor: String,
    pub(crate) patch: String,
    pub(crate) pre: Vec<Ident>,
    pub(crate) build: String,
}

impl Core {
    /// Parses `MAJOR.MINOR.PATCH[-pre][+build]`; with `short`, also `MAJOR` and
    /// `MAJOR.MINOR` (then with neither pre-release nor build), as Go allows.
    pub(crate) fn parse(s: &str, short: bool) -> Result<Core, String> {
        let (rest, build) = match s.split_once('+') {
            Some((r, b)) => {
                check_idents(b, "build metadata", false)?;
                (r, b.to_owned())
            }
            None => (s, String::new()),
        };
        let (nums, pre) = match rest.split_once('-') {
            Some((n, p)) => (n, Some(p)),
            None => (rest, None),
        };
        let mut parts = nums.split('.');
        let mut next = |name: &str| -> Result<Option<String>, String> {
            parts
                .next()
                .map(|p| {
                    number(p).ok_or_else(|| {
                        format!("{name} `{p}` is not a number without leading zeros")
                    })
                })
                .transpose()
        };
        let major = next("major")?.ok_or("no major version")?;
        let minor = next("minor")?;
        let patch = next("patch")?;
        if parts.next().is_some() {
            return Err("more than three numbers".into());
        }
        let is_short = minor.is_none() || patch.is_none();
        if is_short && !(short && pre.is_none() && build.is_empty()) {
            return Err("needs MAJOR.MINOR.PATCH".into());
        }
        let pre = match pre {
            Some(p) => {
                check_idents(p, "pre-release", true)?;
                p.split('.')
                    .map(|i| {
                        if i.bytes().all(|b| b.is_ascii_digit()) {
                            Ident::Numeric(i.to_owned())
                        } else {
                            Ident::Alphanumeric(i.to_owned())
                        }
                    })
                    .collect()
            }
            None => Vec::new(),
        };
        Ok(Core {
            major,
            minor: minor.unwrap_or_else(|| "0".into()),
            patch: patch.unwrap_or_else(|| "0".into()),
            pre,
            build,
        })
    }

    pub(crate) fn cmp(&self, other: &Core) -> Ordering {
        cmp_digits(&self.major, &other.major)
            .then_with(|| cmp_digits(&self.minor, &other.minor))
            .then_with(|| cmp_digits(&self.patch, &other.patch))
            .then_with(|| match (self.pre.is_empty(), other.pre.is_empty()) {
                (true, true) => Ordering::Equal,
                (true, false) => Ordering::Greater,
                (false, true) => Ordering::Less,
                (false, false) => {
                    for (a, b) in self.pre.iter().zip(&other.pre) {
                        let o = a.cmp(b);
                        if o.is_ne() {
                            return o;
                        }
                    }
                    self.pre.len().cmp(&other.pre.len())
                }
            })
    }
}

/// A decimal number without leading zeros.
fn number(s: &str) -> Option<String> {
    let ok =
        !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()) && (s == "0" || !s.starts_with('0'));
    ok.then(|| s.to_owned())
}

/// Dot-separated non-empty `[0-9A-Za-z-]` identifiers; numeric pre-release identifiers
/// must not have leading zeros.
fn check_idents(s: &str, what: &str, numeric_strict: bool) -> Result<(), String> {
    for id in s.split('.') {
        if id.is_empty() || !id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-') {
            return Err(format!(
                "{what} identifier `{id}` is empty or has a bad character"
            ));
        }
        if numeric_strict
            && id.len() > 1
            && id.starts_with('0')
            && id.bytes().all(|b| b.is_ascii_digit())
        {
            return Err(format!("{what} identifier `{id}` has a leading zero"));
        }
    }
    Ok(())
}

/// A parsed semantic version.
#[derive(Clone)]
pub struct SemverVersion {
    raw: String,
    pub(crate) core: Core,
}

version_traits!(SemverVersion);

impl SemverVersion {
    /// True when the version has a pre-release part (`1.0.0-rc.1`).
    pub fn is_prerelease(&self) -> bool {
        !self.core.pre.is_empty()
    }

    /// `(major, minor, patch)` as decimal strings.
    pub fn release(&self) -> (&str, &str, &str) {
        (&self.core.major, &self.core.minor, &self.core.patch)
    }

    /// The build metadata after `+`, empty when absent.
    pub fn build(&self) -> &str {
        &self.core.build
    }
}

impl FromStr for SemverVersion {
    type Err = VersionError;

    fn from_str(raw: &str) -> Result<Self, Self::Err> {
        let s = raw.trim();
        let s = s.strip_prefix('=').unwrap_or(s);
        let s = s.strip_prefix(['v', 'V']).unwrap_or(s);
        let core = Core::parse(s, false)
            .map_err(|reason| VersionError::invalid(Scheme::Semver, raw, reason))?;
        Ok(SemverVersion {
            raw: raw.to_owned(),
            core,
        })
    }
}

impl Ord for SemverVersion {
    fn cmp(&self, other: &Self) -> Ordering {
        self.core.cmp(&other.core)
    }
}
