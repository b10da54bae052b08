//! [`Version`], a parsed version of any scheme.

use std::cmp::Ordering;
use std::fmt;

use crate::{Scheme, VersionError};

/// Declares the per-scheme enum and the dispatch on it from one list, so a scheme cannot
/// be half wired in.
macro_rules! schemes {
    ($($variant:ident($ty:ty)),* $(,)?) => {
        /// One variant per scheme; the variant order is the cross-scheme order.
        #[derive(Clone, PartialEq, Eq, PartialOrd, Ord)]
        enum Inner {
            $($variant($ty)),*
        }

        impl Version {
            /// Parses `s` under `scheme`.
            pub fn parse(scheme: Scheme, s: &str) -> Result<Version, VersionError> {
                let inner = match scheme {
                    $(Scheme::$variant => Inner::$variant(s.parse()?),)*
                    #[allow(unreachable_patterns)]
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
                    $(Inner::$variant(_) => Scheme::$variant,)*
                }
            }

            /// The version string as it was given.
            pub fn as_str(&self) -> &str {
                match &self.inner {
                    $(Inner::$variant(v) => v.as_str(),)*
                }
            }
        }
    };
}

schemes!(
    Dpkg(crate::DpkgVersion),
    Rpm(crate::RpmVersion),
    Apk(crate::ApkVersion),
    Pep440(crate::Pep440Version),
    Semver(crate::SemverVersion),
    Go(crate::GoVersion),
    Maven(crate::MavenVersion),
    RubyGems(crate::GemVersion),
);

/// A version parsed under one [`Scheme`].
///
/// Versions of the same scheme order as that scheme's tool orders them. Versions of different
/// schemes are never meaningfully comparable; so that `Ord` stays total they order by scheme
/// first (use [`Version::partial_cmp_same_scheme`] to be told instead).
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Version {
    inner: Inner,
}

impl Version {
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
