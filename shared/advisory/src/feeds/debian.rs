//! Debian security tracker `data/DSA/list` and `data/DLA/list`, in the tracker's own format:
//!
//! ```text
//! [29 Mar 2023] DSA-5380-1 xorg-server - security update
//!     {CVE-2023-1393}
//!     [bullseye] - xorg-server 2:1.20.11-1+deb11u6
//! ```
//!
//! One advisory per header (id `DSA-5380-1`, the CVEs as aliases). Each `[release] - srcpkg
//! VERSION` line is a fix for that source package in that release (by codename); markers give
//! the other states: `<unfixed>` affected, `<end-of-life>`, `<no-dsa>`/`<postponed>`,
//! `<ignored>` (won't fix). `<not-affected>` lines are skipped. `NOTE:` lines are comments.

use super::{FeedError, FeedFile, ParsedFile, text};
use crate::model::{Advisory, Affected, Event, FixState, Namespace, Range, RangeKind};

/// Parses one list file.
pub(super) fn parse(file: &FeedFile, bytes: &[u8]) -> Result<ParsedFile, FeedError> {
    let text = text(file, bytes)?;
    let mut advisories: Vec<Advisory> = Vec::new();
    let mut skipped = 0;
    for (index, line) in text.lines().enumerate() {
        let trimmed = line.trim();
        if trimmed.is_empty() || trimmed.starts_with("NOTE:") {
            continue;
        }
        if line.starts_with('[') {
            advisories.push(header(file, line, index + 1)?);
            continue;
        }
        let Some(current) = advisories.last_mut() else {
            return Err(invalid(
                file,
                index + 1,
                "entry before the first advisory header",
            ));
        };
        if let Some(inner) = trimmed.strip_prefix('{') {
            let inner = inner.trim_end_matches('}');
            for cve in inner.split_whitespace() {
                if cve != current.id && !current.aliases.iter().any(|a| a == cve) {
                    current.aliases.push(cve.to_owned());
                }
            }
        } else if trimmed.starts_with('[') {
            match package_line(trimmed) {
                Some(affected) => current.affected.push(affected),
                None => skipped += 1,
            }
        } else {
            return Err(invalid(
                file,
                index + 1,
                "line is neither header, CVE list nor fix",
            ));
        }
    }
    Ok(ParsedFile {
        advisories,
        coverage: None,
        skipped_entries: skipped,
    })
}

fn invalid(file: &FeedFile, line: usize, what: &str) -> FeedError {
    FeedError::Invalid {
        path: file.path.clone(),
        what: format!("line {line}: {what}"),
    }
}

/// `[DD Mon YYYY] DSA-nnnn-n pkg[ pkg...] - title`.
fn header(file: &FeedFile, line: &str, number: usize) -> Result<Advisory, FeedError> {
    let (date, rest) = line[1..]
        .split_once(']')
        .ok_or_else(|| invalid(file, number, "header without a closing ']'"))?;
    let rest = rest.trim();
    let (id, rest) = rest.split_once(' ').unwrap_or((rest, ""));
    if !(id.starts_with("DSA-") || id.starts_with("DLA-")) {
        return Err(invalid(
            file,
            number,
            &format!("header id {id:?} is not DSA-/DLA-"),
        ));
    }
    let mut advisory = Advisory::new(id, file.source.clone());
    // The title follows the first " - " (a few old headers use " -- ").
    let title = rest
        .split_once(" - ")
        .or_else(|| rest.split_once(" -- "))
        .map(|(_, t)| t.trim())
        .unwrap_or(rest.trim());
    if !title.is_empty() {
        advisory.summary = Some(title.to_owned());
    }
    let published = parse_date(date.trim());
    advisory.modified.clone_from(&published);
    advisory.published = published;
    Ok(advisory)
}

/// `29 Mar 2023` as `2023-03-29T00:00:00Z`.
fn parse_date(date: &str) -> Option<String> {
    let mut parts = date.split_whitespace();
    let day: u32 = parts.next()?.parse().ok()?;
    let month = match parts.next()? {
        "Jan" => 1,
        "Feb" => 2,
        "Mar" => 3,
        "Apr" => 4,
        "May" => 5,
        "Jun" => 6,
        "Jul" => 7,
        "Aug" => 8,
        "Sep" => 9,
        "Oct" => 10,
        "Nov" => 11,
        "Dec" => 12,
        _ => return None,
    };
    let year: u32 = parts.next()?.parse().ok()?;
    Some(format!("{year:04}-{month:02}-{day:02}T00:00:00Z"))
}

/// `[release] - srcpkg VERSION-or-<marker> (note)`; `None` for lines that affect nothing.
fn package_line(line: &str) -> Option<Affected> {
    let (release, rest) = line.strip_prefix('[')?.split_once(']')?;
    let rest = rest.trim_start().strip_prefix('-')?;
    let mut tokens = rest.split_whitespace();
    let package = tokens.next()?;
    let state = tokens.next()?;
    let introduced = Event::Introduced("0".to_owned());
    let (fix_state, events) = match state {
        "<not-affected>" => return None,
        "<unfixed>" => (FixState::Affected, vec![introduced]),
        "<end-of-life>" => (FixState::EndOfLife, vec![introduced]),
        "<no-dsa>" | "<postponed>" => (FixState::NoDsa, vec![introduced]),
        "<ignored>" => (FixState::WontFix, vec![introduced]),
        marker if marker.starts_with('<') => return None,
        version => (
            FixState::Fixed,
            vec![introduced, Event::Fixed(version.to_owned())],
        ),
    };
    Some(Affected {
        namespace: Namespace::os("debian", release.trim()),
        package: package.to_owned(),
        ranges: vec![Range::Events {
            kind: RangeKind::Ecosystem,
            events,
        }],
        versions: Vec::new(),
        fix_state,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn package_lines() {
        let fixed = package_line("[bullseye] - xorg-server 2:1.20.11-1+deb11u6").unwrap();
        assert_eq!(fixed.namespace, Namespace::os("debian", "bullseye"));
        assert_eq!(fixed.package, "xorg-server");
        assert_eq!(fixed.fixed_versions(), vec!["2:1.20.11-1+deb11u6"]);
        let noted = package_line("[sarge] - sudo 1.6.8p7-1.1sarge1 (medium)").unwrap();
        assert_eq!(noted.fixed_versions(), vec!["1.6.8p7-1.1sarge1"]);
        let unfixed = package_line("[woody] - mozilla <unfixed>").unwrap();
        assert_eq!(unfixed.fix_state, FixState::Affected);
        assert!(unfixed.fixed_versions().is_empty());
        assert!(
            package_line("[woody] - mantis <not-affected> (Vulnerable code not present)").is_none()
        );
        assert_eq!(
            parse_date("05 Aug 2002").as_deref(),
            Some("2002-08-05T00:00:00Z")
        );
    }
}
