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

mod events;

use events::{in_events, parse_event, range_scheme};

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
    pub fixed: Option<String>,
    /// The interval that matched, readable: `< 1.1.1d-r0`, `>= 1.0.0 < 1.0.2`, `<= 2.1.214`,
    /// `= 0.10` (listed version), `*` (every version), or the npm range as published.
    pub range: String,
    /// The rule applied, with the scheme: `installed < fixed (apk)`,
    /// `introduced <= installed < fixed (semver)`, `installed in versions list (pep440)`.
    pub rule: String,
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
    let mut hit: Option<(MatchedBy, String, String)> =
        in_versions(adv, scheme, installed).map(|listed| {
            (
                MatchedBy::Versions,
                format!("= {listed}"),
                rule("installed in versions list", scheme),
            )
        });
    for range in &adv.ranges {
        if hit.is_some() {
            break;
        }
        let result = match range {
            Range::Events { kind, events } => {
                let scheme = range_scheme(*kind, scheme);
                in_events(adv, scheme, events, installed).map(|interval| {
                    interval.map(|i| {
                        (
                            MatchedBy::Range(*kind),
                            i.readable(),
                            rule(i.rule(), scheme),
                        )
                    })
                })
            }
            Range::Npm {
                vulnerable,
                patched,
            } => in_npm(adv, vulnerable, patched.as_deref(), installed).map(|matched| {
                matched.then(|| {
                    let range = match patched {
                        Some(p) => format!("{vulnerable} (patched {p})"),
                        None => vulnerable.clone(),
                    };
                    let text = "installed in vulnerable range and not in patched range";
                    (MatchedBy::NpmRange, range, rule(text, Scheme::Semver))
                })
            }),
        };
        match result {
            Ok(found) => hit = found,
            Err(e @ MatchError::Installed { .. }) => return Err(e),
            Err(e) => {
                first_error.get_or_insert(e);
            }
        }
    }
    let Some((matched_by, range, rule)) = hit else {
        return first_error.map_or(Ok(None), Err);
    };
    let fixed = next_fix(adv, scheme, installed);
    let fix_state = if adv.fix_state == FixState::Fixed && fixed.is_none() {
        FixState::Affected
    } else {
        adv.fix_state
    };
    Ok(Some(MatchDetail {
        fix_state,
        fixed,
        range,
        rule,
        matched_by,
    }))
}

fn rule(text: &str, scheme: Scheme) -> String {
    format!("{text} ({scheme})")
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

/// The listed version equal to `installed`: exact string equality, or equality under the
/// scheme when both sides parse.
fn in_versions<'a>(adv: &'a Affected, scheme: Scheme, installed: &str) -> Option<&'a str> {
    if let Some(v) = adv.versions.iter().find(|v| *v == installed) {
        return Some(v);
    }
    let parsed = Version::parse(scheme, installed).ok()?;
    adv.versions
        .iter()
        .find(|v| Version::parse(scheme, v).is_ok_and(|v| v.cmp(&parsed) == Ordering::Equal))
        .map(String::as_str)
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
