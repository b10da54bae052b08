//! Go versions: module versions (`v1.2.3`, pseudo-versions, `+incompatible`) as
//! `golang.org/x/mod/semver` orders them, and Go toolchain versions (`go1.21.3`,
//! `1.21rc1`) of the `stdlib` pseudo-module as `go/version` orders them.
//!
//! Module versions need the leading `v`; `v1` and `v1.2` are shorthands for `v1.0.0` and
//! `v1.2.0`. A pseudo-version (`v0.0.0-20191109021931-daa7c04131f5`) is an ordinary
//! pre-release, and build metadata such as `+incompatible` is ignored for ordering.
//!
//! A full semantic version without the `v` (as OSV records write Go versions) is read as
//! a module version. A toolchain version (no `v`, optional `go` prefix) is mapped onto the same order the way
//! the Go vulnerability database writes it: `1.21.3` is `v1.21.3`, `1.21rc1` is
//! `v1.21.0-rc.1`, and from Go 1.21 on a bare language version `1.21` (which comes before
//! `1.21rc1`) is `v1.21.0-0`; before 1.21, `1.20` is `1.20.0`.

use std::cmp::Ordering;
use std::str::FromStr;

use crate::macros::{cmp_digits, version_traits};
use crate::semver::{Core, Ident};
use crate::{Scheme, VersionError};

/// A parsed Go module or toolchain version.
#[derive(Clone)]
pub struct GoVersion {
    raw: String,
    core: Core,
    toolchain: bool,
}

version_traits!(GoVersion);

impl GoVersion {
    /// True for a Go toolchain version (`go1.21.3`), false for a module version.
    pub fn is_toolchain(&self) -> bool {
        self.toolchain
    }

    /// True for pre-releases, pseudo-versions included.
    pub fn is_prerelease(&self) -> bool {
        !self.core.pre.is_empty()
    }
}

impl FromStr for GoVersion {
    type Err = VersionError;

    fn from_str(raw: &str) -> Result<Self, Self::Err> {
        let bad = |reason: String| VersionError::invalid(Scheme::Go, raw, reason);
        if let Some(module) = raw.strip_prefix('v') {
            let core = Core::parse(module, true).map_err(bad)?;
            return Ok(GoVersion {
                raw: raw.to_owned(),
                core,
                toolchain: false,
            });
        }
        let s = raw.strip_prefix("go").unwrap_or(raw);
        if let Some(core) = toolchain(s) {
            return Ok(GoVersion {
                raw: raw.to_owned(),
                core,
                toolchain: true,
            });
        }
        // OSV records write module versions without the `v` (`1.21.0-0`,
        // `0.0.0-20220314234659-1baeb1ce4c0b`); a full semver is read as one.
        match Core::parse(raw, false) {
            Ok(core) => Ok(GoVersion {
                raw: raw.to_owned(),
                core,
                toolchain: false,
            }),
            Err(_) => Err(bad(
                "not a module version (`v1.2.3`) nor a Go release (`go1.21.3`, `1.21rc1`)".into(),
            )),
        }
    }
}

/// A decimal number without leading zeros at the start of `s`, and the rest.
fn cut_int(s: &str) -> Option<(&str, &str)> {
    let n = s.bytes().take_while(u8::is_ascii_digit).count();
    let (num, rest) = s.split_at(n);
    (n > 0 && (num == "0" || !num.starts_with('0'))).then_some((num, rest))
}

/// Parses a toolchain version as `go/version` does: `1`, `1.N`, `1.N.P`, `1.N<kind>[<pre>]`.
fn toolchain(s: &str) -> Option<Core> {
    let (major, rest) = cut_int(s)?;
    let core = |minor: &str, patch: &str, pre: Vec<Ident>| Core {
        major: major.to_owned(),
        minor: minor.to_owned(),
        patch: patch.to_owned(),
        pre,
        build: String::new(),
    };
    if rest.is_empty() {
        return Some(core("0", "0", Vec::new()));
    }
    let (minor, rest) = cut_int(rest.strip_prefix('.')?)?;
    // From Go 1.21 on, `1.21` is the language version, before `1.21rc1` and `1.21.0`.
    let language = || {
        if cmp_digits(minor, "21") == Ordering::Less {
            core(minor, "0", Vec::new())
        } else {
            core(minor, "0", vec![Ident::Numeric("0".into())])
        }
    };
    if rest.is_empty() {
        return Some(language());
    }
    if let Some(p) = rest.strip_prefix('.') {
        let (patch, tail) = cut_int(p)?;
        return tail.is_empty().then(|| core(minor, patch, Vec::new()));
    }
    let kind_len = rest.bytes().take_while(u8::is_ascii_lowercase).count();
    if kind_len == 0 {
        return None;
    }
    let (kind, tail) = rest.split_at(kind_len);
    let mut pre = vec![Ident::Alphanumeric(kind.to_owned())];
    if !tail.is_empty() {
        let (n, tail) = cut_int(tail)?;
        if !tail.is_empty() {
            return None;
        }
        pre.push(Ident::Numeric(n.to_owned()));
    }
    Some(core(minor, "0", pre))
}

impl Ord for GoVersion {
    fn cmp(&self, other: &Self) -> Ordering {
        self.core.cmp(&other.core)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cmp(a: &str, b: &str) -> Ordering {
        a.parse::<GoVersion>()
            .unwrap()
            .cmp(&b.parse::<GoVersion>().unwrap())
    }

    // Cases from golang.org/x/mod/semver's tests and go/version's documentation.
    #[test]
    fn module_versions() {
        assert_eq!(cmp("v1.2", "v1.2.0"), Ordering::Equal);
        assert_eq!(cmp("v1", "v1.0.0"), Ordering::Equal);
        assert_eq!(cmp("v2.0.0+incompatible", "v2.0.0"), Ordering::Equal);
        assert_eq!(
            cmp("v0.0.0-20191109021931-daa7c04131f5", "v0.0.0"),
            Ordering::Less
        );
        assert_eq!(
            cmp("v1.2.4-0.20191109021931-daa7c04131f5", "v1.2.3"),
            Ordering::Greater
        );
        assert_eq!(
            cmp("v1.2.4-0.20191109021931-daa7c04131f5", "v1.2.4-rc.1"),
            Ordering::Less
        );
        assert_eq!(cmp("v1.0.0-alpha", "v1.0.0-alpha.1"), Ordering::Less);
        for bad in ["v1.2-pre", "v01.2.3", "v1.2.3.4", "v", "v1.2.3-", "v1.2+x"] {
            assert!(bad.parse::<GoVersion>().is_err(), "{bad:?} accepted");
        }
    }

    #[test]
    fn toolchain_versions() {
        assert_eq!(cmp("1.21", "1.21rc1"), Ordering::Less);
        assert_eq!(cmp("1.21rc1", "1.21.0"), Ordering::Less);
        assert_eq!(cmp("go1.21rc2", "1.21rc1"), Ordering::Greater);
        assert_eq!(cmp("1.20", "1.20.0"), Ordering::Equal);
        assert_eq!(cmp("go1.21.3", "v1.21.3"), Ordering::Equal);
        assert_eq!(cmp("1.21beta1", "1.21rc1"), Ordering::Less);
        assert_eq!(cmp("1.9.7", "1.10"), Ordering::Less);
        assert_eq!(cmp("1.21rc1", "v1.21.0-rc.1"), Ordering::Equal);
        // OSV's forms for the stdlib and for modules.
        assert_eq!(cmp("1.21.0-0", "1.21rc1"), Ordering::Less);
        assert_eq!(cmp("1.21.0-0", "1.21"), Ordering::Equal);
        assert_eq!(
            cmp("0.0.0-20220314234659-1baeb1ce4c0b", "v0.0.0"),
            Ordering::Less
        );
        for bad in ["go1.21.3rc1", "1.021", "go", "1.21-rc1", "go1.21.x"] {
            assert!(bad.parse::<GoVersion>().is_err(), "{bad:?} accepted");
        }
    }
}
