//! [`Version`], a parsed version of any scheme.

use std::cmp::Ordering;
use std::fmt;

use crate::{ApkVersion, DpkgVersion, Pep440Version, RpmVersion, Scheme, VersionError};

/// A version parsed under one [`Scheme`].
///
/// Versions of the same scheme order as that scheme's tool orders them. Versions of different
/// schemes are never meaningfully comparable; so that `Ord` stays total they order by scheme
/// first.
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Version {
    inner: Inner,
}

/// One variant per scheme; the variant order is the cross-scheme order.
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord)]
enum Inner {
    Dpkg(DpkgVersion),
    Rpm(RpmVersion),
    Apk(ApkVersion),
    Pep440(Pep440Version),
}

impl Version {
    /// Parses `s` under `scheme`.
    pub fn parse(scheme: Scheme, s: &str) -> Result<Version, VersionError> {
        let inner = match scheme {
            Scheme::Dpkg => Inner::Dpkg(s.parse()?),
            Scheme::Rpm => Inner::Rpm(s.parse()?),
            Scheme::Apk => Inner::Apk(s.parse()?),
            Scheme::Pep440 => Inner::Pep440(s.parse()?),
            other => {
                return Err(VersionError::invalid(
                    other,
                    s,
                    "this scheme is not supported in this build",
                ));
            }
        };
        Ok(Version { inner })
    }

    /// The scheme this version was parsed under.
    pub fn scheme(&self) -> Scheme {
        match &self.inner {
            Inner::Dpkg(_) => Scheme::Dpkg,
            Inner::Rpm(_) => Scheme::Rpm,
            Inner::Apk(_) => Scheme::Apk,
            Inner::Pep440(_) => Scheme::Pep440,
        }
    }

    /// The version string as it was given.
    pub fn as_str(&self) -> &str {
        match &self.inner {
            Inner::Dpkg(v) => v.as_str(),
            Inner::Rpm(v) => v.as_str(),
            Inner::Apk(v) => v.as_str(),
            Inner::Pep440(v) => v.as_str(),
        }
    }

    /// Compares with another version, `None` when the schemes differ.
    pub fn partial_cmp_same_scheme(&self, other: &Version) -> Option<Ordering> {
        (self.scheme() == other.scheme()).then(|| self.cmp(other))
    }
}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Debug for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Version({}, {:?})", self.scheme(), self.as_str())
    }
}
