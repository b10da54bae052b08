//! Whether an installed version is affected by one [`Affected`] entry.
//!
//! OSV semantics, as the schema's evaluation pseudocode states them: a version is affected if
//! it equals one of `versions` or lies in any range. In a range, events are sorted by version
//! (`introduced: "0"` first, ties in feed order) and walked: `introduced <= v` turns affected
//! on, `fixed <= v` turns it off (fixed is exclusive), `last_affected < v` turns it off
//! (last_affected is inclusive); if the range has `limit` events, `v` must be below one of
//! them (`*` is infinity). The distro feeds are expressed in the same terms: an Alpine secfix
//! or Debian fixed version is `[0, fixed)`, and Debian `<unfixed>`, `<no-dsa>`, `<ignored>`,
//! `<end-of-life>` are `[0, ∞)` with that fix state. Node WG entries are affected when the
//! version is in `vulnerable_versions` and not in `patched_versions`.

use std::cmp::Ordering;

use layerwatch_version::{Scheme, Version, VersionError, npm_range_contains};
use thiserror::Error;

use crate::model::{Affected, Event, FixState, Namespace, Range, RangeKind};

/// How a match was decided.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MatchedBy {
    /// An event range of this kind.
    Range(RangeKind),
    /// The explicit `versions` list.
    Versions,
    /// A Node WG npm range.
    NpmRange,
}

/// Why an installed version is affected.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MatchDetail {
    /// The fix state for this installed version: the entry's state, except that an entry
    /// marked fixed whose fixes all lie at or below the installed version reports
    /// [`FixState::Affected`] (no fix reachable by upgrading within the entry).
    pub fix_state: FixState,
    /// The lowest `fixed` version above the installed one; for npm ranges, the patched range.
    pub fixed_version: Option<String>,
    /// What decided the match.
    pub matched_by: MatchedBy,
}

/// Why a match could not be decided.
#[derive(Debug, Error)]
pub enum MatchError {
    /// The installed version does not parse under the scheme.
    #[error("installed version {version:?} of {package} is not a valid {scheme} version")]
    Installed {
        /// The package.
        package: String,
        /// The installed version.
        version: String,
        /// The scheme it was parsed under.
        scheme: Scheme,
        /// The cause.
        #[source]
        source: VersionError,
    },
    /// A version in the advisory entry does not parse, and no other range matched.
    #[error("advisory version {version:?} for {package} is not a valid {scheme} version")]
    Advisory {
        /// The package.
        package: String,
        /// The version or range from the advisory.
        version: String,
        /// The scheme it was parsed under.
        scheme: Scheme,
        /// The cause.
        #[source]
        source: VersionError,
    },
}

/// The version scheme of a namespace's packages: apk for Alpine, dpkg for Debian and Ubuntu,
/// the ecosystem's scheme for languages; `None` for an OS family we do not know.
pub fn scheme_for(namespace: &Namespace) -> Option<Scheme> {
    match namespace {
        Namespace::Os { family, .. } => match family.as_str() {
            "alpine" => Some(Scheme::Apk),
            "debian" | "ubuntu" | "ubuntu-pro" => Some(Scheme::Dpkg),
            _ => None,
        },
        Namespace::Language(eco) => Some(Scheme::for_ecosystem(*eco)),
    }
}

/// Whether `installed` (a version under `scheme`, the scheme of the package's ecosystem) is
/// affected by `adv`. `Ok(None)` when it is not, or the entry is withdrawn.
pub fn affected(
    adv: &Affected,
    scheme: Scheme,
    installed: &str,
) -> Result<Option<MatchDetail>, MatchError> {
    if adv.fix_state == FixState::Withdrawn {
        return Ok(None);
    }
    let mut first_error = None;
    let mut matched_by = None;
    if let Some(hit) = in_versions(adv, scheme, installed) {
        matched_by = Some(hit);
    }
    for range in &adv.ranges {
        if matched_by.is_some() {
            break;
        }
        let result = match range {
            Range::Events { kind, events } => {
                in_events(adv, range_scheme(*kind, scheme), events, installed)
                    .map(|hit| hit.then_some(MatchedBy::Range(*kind)))
            }
            Range::Npm {
                vulnerable,
                patched,
            } => in_npm(adv, vulnerable, patched.as_deref(), installed)
                .map(|hit| hit.then_some(MatchedBy::NpmRange)),
        };
        match result {
            Ok(hit) => matched_by = hit,
            Err(e @ MatchError::Installed { .. }) => return Err(e),
            Err(e) => {
                first_error.get_or_insert(e);
            }
        }
    }
    let Some(matched_by) = matched_by else {
        return first_error.map_or(Ok(None), Err);
    };
    let fixed_version = next_fix(adv, scheme, installed);
    let fix_state = if adv.fix_state == FixState::Fixed && fixed_version.is_none() {
        FixState::Affected
    } else {
        adv.fix_state
    };
    Ok(Some(MatchDetail {
        fix_state,
        fixed_version,
        matched_by,
    }))
}

/// SEMVER ranges compare as SemVer, except Go's, whose unprefixed versions are Go module
/// versions (`2.2.4` is `v2.2.4`) so pseudo-versions and toolchain versions order right.
fn range_scheme(kind: RangeKind, scheme: Scheme) -> Scheme {
    match (kind, scheme) {
        (RangeKind::Semver, Scheme::Go) => Scheme::Go,
        (RangeKind::Semver, _) => Scheme::Semver,
        (RangeKind::Ecosystem, s) => s,
    }
}

fn parse_event(scheme: Scheme, version: &str) -> Result<Version, VersionError> {
    if scheme == Scheme::Go
        && !version.starts_with('v')
        && !version.starts_with("go")
        && let Ok(v) = Version::parse(scheme, &format!("v{version}"))
    {
        return Ok(v);
    }
    Version::parse(scheme, version)
}

fn parse_installed(adv: &Affected, scheme: Scheme, installed: &str) -> Result<Version, MatchError> {
    Version::parse(scheme, installed).map_err(|source| MatchError::Installed {
        package: adv.package.clone(),
        version: installed.to_owned(),
        scheme,
        source,
    })
}

fn bad_advisory(adv: &Affected, scheme: Scheme, version: &str, source: VersionError) -> MatchError {
    MatchError::Advisory {
        package: adv.package.clone(),
        version: version.to_owned(),
        scheme,
        source,
    }
}

/// Exact string equality, or equality under the scheme when both sides parse.
fn in_versions(adv: &Affected, scheme: Scheme, installed: &str) -> Option<MatchedBy> {
    if adv.versions.iter().any(|v| v == installed) {
        return Some(MatchedBy::Versions);
    }
    let parsed = Version::parse(scheme, installed).ok()?;
    adv.versions
        .iter()
        .filter_map(|v| Version::parse(scheme, v).ok())
        .any(|v| v.cmp(&parsed) == Ordering::Equal)
        .then_some(MatchedBy::Versions)
}

/// An event with its parsed version; `None` is the `introduced: "0"` bottom.
struct Parsed<'a> {
    event: &'a Event,
    version: Option<Version>,
}

fn in_events(
    adv: &Affected,
    scheme: Scheme,
    events: &[Event],
    installed: &str,
) -> Result<bool, MatchError> {
    let v = parse_installed(adv, scheme, installed)?;
    let mut limits = Vec::new();
    let mut sorted = Vec::with_capacity(events.len());
    for event in events {
        match event {
            Event::Introduced(s) if s == "0" => sorted.push(Parsed {
                event,
                version: None,
            }),
            Event::Limit(s) if s.contains('*') => limits.push(None),
            Event::Limit(s) => limits.push(Some(
                parse_event(scheme, s).map_err(|e| bad_advisory(adv, scheme, s, e))?,
            )),
            Event::Introduced(s) | Event::Fixed(s) | Event::LastAffected(s) => {
                let version =
                    parse_event(scheme, s).map_err(|e| bad_advisory(adv, scheme, s, e))?;
                sorted.push(Parsed {
                    event,
                    version: Some(version),
                });
            }
        }
    }
    let before_limits =
        limits.is_empty() || limits.iter().any(|l| l.as_ref().is_none_or(|l| v < *l));
    if !before_limits {
        return Ok(false);
    }
    // Stable sort: `None` (introduced 0) sorts first, equal versions keep feed order.
    sorted.sort_by(|a, b| a.version.cmp(&b.version));
    let mut vulnerable = false;
    for p in &sorted {
        let at_or_below = p.version.as_ref().is_none_or(|e| *e <= v);
        match p.event {
            Event::Introduced(_) if at_or_below => vulnerable = true,
            Event::Fixed(_) if at_or_below => vulnerable = false,
            Event::LastAffected(_) if p.version.as_ref().is_some_and(|e| v > *e) => {
                vulnerable = false;
            }
            _ => {}
        }
    }
    Ok(vulnerable)
}

fn in_npm(
    adv: &Affected,
    vulnerable: &str,
    patched: Option<&str>,
    installed: &str,
) -> Result<bool, MatchError> {
    let check = |range: &str| {
        npm_range_contains(range, installed).map_err(|source| {
            if installed
                .parse::<layerwatch_version::SemverVersion>()
                .is_err()
            {
                MatchError::Installed {
                    package: adv.package.clone(),
                    version: installed.to_owned(),
                    scheme: Scheme::Semver,
                    source,
                }
            } else {
                bad_advisory(adv, Scheme::Semver, range, source)
            }
        })
    };
    if !check(vulnerable)? {
        return Ok(false);
    }
    match patched {
        Some(p) => Ok(!check(p)?),
        None => Ok(true),
    }
}

/// The lowest `fixed` event above `installed` across the entry's event ranges; for npm
/// ranges the patched range itself.
fn next_fix(adv: &Affected, scheme: Scheme, installed: &str) -> Option<String> {
    let mut best: Option<(Version, &str)> = None;
    for range in &adv.ranges {
        match range {
            Range::Npm { patched, .. } => {
                if patched.is_some() {
                    return patched.clone();
                }
            }
            Range::Events { kind, events } => {
                let scheme = range_scheme(*kind, scheme);
                let Ok(v) = Version::parse(scheme, installed) else {
                    continue;
                };
                for event in events {
                    let Event::Fixed(s) = event else { continue };
                    let Ok(fixed) = parse_event(scheme, s) else {
                        continue;
                    };
                    let better = best.as_ref().is_none_or(|(b, _)| fixed < *b);
                    if fixed > v && better {
                        best = Some((fixed, s));
                    }
                }
            }
        }
    }
    best.map(|(_, s)| s.to_owned())
}
