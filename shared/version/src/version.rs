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
    Nuget(crate::NugetVersion),
    Composer(crate::ComposerVersion),
);

#[cfg(test)]
mod tests {
    use layerwatch_inventory::Ecosystem;

    use super::*;
    use crate::compare;

    #[test]
    fn every_ecosystem_has_a_scheme_that_parses_its_versions() {
        let cases = [
            (Ecosystem::Deb, "1:2.36-9+deb12u4"),
            (Ecosystem::Rpm, "1:4.18.0-477.10.1.el8_8"),
            (Ecosystem::Apk, "3.0.15-r0"),
            (Ecosystem::Pypi, "2.31.0"),
            (Ecosystem::Npm, "4.17.21"),
            (Ecosystem::Cargo, "1.0.195"),
            (Ecosystem::Golang, "v0.17.0"),
            (Ecosystem::Maven, "2.17.1"),
            (Ecosystem::Gem, "7.1.3.4"),
            (Ecosystem::Nuget, "13.0.3"),
            (Ecosystem::Composer, "v6.4.3"),
        ];
        for (eco, v) in cases {
            let scheme = Scheme::for_ecosystem(eco);
            let parsed = Version::parse(scheme, v).unwrap();
            assert_eq!(parsed.scheme(), scheme);
            assert_eq!(parsed.as_str(), v);
        }
    }

    #[test]
    fn schemes_serialise_as_their_names() {
        for e in [
            Ecosystem::Deb,
            Ecosystem::Rpm,
            Ecosystem::Apk,
            Ecosystem::Pypi,
            Ecosystem::Npm,
        ]
        .into_iter()
        .chain([
            Ecosystem::Golang,
            Ecosystem::Maven,
            Ecosystem::Gem,
            Ecosystem::Nuget,
        ])
        .chain([Ecosystem::Composer])
        {
            let scheme = Scheme::for_ecosystem(e);
            let json = serde_json::to_string(&scheme).unwrap();
            assert_eq!(json, format!("\"{}\"", scheme.as_str()));
            assert_eq!(serde_json::from_str::<Scheme>(&json).unwrap(), scheme);
        }
    }

    #[test]
    fn compare_and_errors() {
        assert_eq!(
            compare(Scheme::Dpkg, "1.0~rc1", "1.0").unwrap(),
            Ordering::Less
        );
        let err = compare(Scheme::Semver, "1.0", "1.0.0").unwrap_err();
        assert_eq!(
            err.to_string(),
            "invalid semver version `1.0`: needs MAJOR.MINOR.PATCH"
        );
        let a = Version::parse(Scheme::Dpkg, "1.0").unwrap();
        let b = Version::parse(Scheme::Apk, "1.0").unwrap();
        assert_eq!(a.partial_cmp_same_scheme(&b), None);
    }
}

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
