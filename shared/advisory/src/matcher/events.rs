//! OSV event ranges: sorting the events and finding the interval that holds a version.

use layerwatch_version::{Scheme, Version, VersionError};

use super::{MatchError, bad_advisory, parse_installed};
use crate::model::{Affected, Event, RangeKind};

/// The interval of a range that holds the installed version.
pub(super) struct Interval {
    /// The `introduced` version that opened it (`None` for `0`).
    lower: Option<String>,
    /// The event that closes it above the installed version, if any.
    upper: Option<Event>,
}

impl Interval {
    pub(super) fn readable(&self) -> String {
        let mut parts = Vec::new();
        if let Some(lower) = &self.lower {
            parts.push(format!(">= {lower}"));
        }
        match &self.upper {
            Some(Event::Fixed(v) | Event::Limit(v)) => parts.push(format!("< {v}")),
            Some(Event::LastAffected(v)) => parts.push(format!("<= {v}")),
            _ => {}
        }
        if parts.is_empty() {
            "*".to_owned()
        } else {
            parts.join(" ")
        }
    }

    pub(super) fn rule(&self) -> &'static str {
        match (&self.lower, &self.upper) {
            (None, Some(Event::LastAffected(_))) => "installed <= last affected",
            (None, Some(_)) => "installed < fixed",
            (Some(_), Some(Event::LastAffected(_))) => "introduced <= installed <= last affected",
            (Some(_), Some(_)) => "introduced <= installed < fixed",
            (Some(_), None) => "introduced <= installed, no fix",
            (None, None) => "every version, no fix",
        }
    }
}

/// SEMVER ranges compare as SemVer, except Go's, whose unprefixed versions are Go module
/// versions (`2.2.4` is `v2.2.4`) so pseudo-versions and toolchain versions order right.
pub(super) fn range_scheme(kind: RangeKind, scheme: Scheme) -> Scheme {
    match (kind, scheme) {
        (RangeKind::Semver, Scheme::Go) => Scheme::Go,
        (RangeKind::Semver, _) => Scheme::Semver,
        (RangeKind::Ecosystem, s) => s,
    }
}

pub(super) fn parse_event(scheme: Scheme, version: &str) -> Result<Version, VersionError> {
    if scheme == Scheme::Go
        && !version.starts_with('v')
        && !version.starts_with("go")
        && let Ok(v) = Version::parse(scheme, &format!("v{version}"))
    {
        return Ok(v);
    }
    Version::parse(scheme, version)
}

/// An event with its parsed version; `None` is the `introduced: "0"` bottom.
struct Parsed<'a> {
    event: &'a Event,
    version: Option<Version>,
}

pub(super) fn in_events(
    adv: &Affected,
    scheme: Scheme,
    events: &[Event],
    installed: &str,
) -> Result<Option<Interval>, MatchError> {
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
            Event::Limit(s) => limits.push(Some((
                parse_event(scheme, s).map_err(|e| bad_advisory(adv, scheme, s, e))?,
                event,
            ))),
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
    let below_limit = |l: &Option<(Version, &Event)>| l.as_ref().is_none_or(|(l, _)| v < *l);
    if !limits.is_empty() && !limits.iter().any(below_limit) {
        return Ok(None);
    }
    // Stable sort: `None` (introduced 0) sorts first, equal versions keep feed order.
    sorted.sort_by(|a, b| a.version.cmp(&b.version));
    let mut opened_by: Option<&Parsed<'_>> = None;
    for p in &sorted {
        let at_or_below = p.version.as_ref().is_none_or(|e| *e <= v);
        match p.event {
            Event::Introduced(_) if at_or_below => opened_by = Some(p),
            Event::Fixed(_) if at_or_below => opened_by = None,
            Event::LastAffected(_) if p.version.as_ref().is_some_and(|e| v > *e) => {
                opened_by = None;
            }
            _ => {}
        }
    }
    let Some(opened) = opened_by else {
        return Ok(None);
    };
    // The first closing event above the installed version, else the nearest limit.
    let upper = sorted
        .iter()
        .filter(|p| {
            p.version
                .as_ref()
                .is_some_and(|e| *e > v || (*e == v && matches!(p.event, Event::LastAffected(_))))
        })
        .find(|p| matches!(p.event, Event::Fixed(_) | Event::LastAffected(_)))
        .map(|p| p.event.clone())
        .or_else(|| {
            limits
                .iter()
                .flatten()
                .filter(|(l, _)| v < *l)
                .min_by(|a, b| a.0.cmp(&b.0))
                .map(|(_, e)| (*e).clone())
        });
    let lower = match opened.event {
        Event::Introduced(s) if s != "0" => Some(s.clone()),
        _ => None,
    };
    Ok(Some(Interval { lower, upper }))
}
