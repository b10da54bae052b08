//! Matching: OSV range semantics on hand-made entries (cases from the OSV schema's examples),
//! and every real fixed version against its own entry.

// Test helpers outside #[test] functions unwrap too: a failure there is a test failure.
#![allow(clippy::unwrap_used)]

mod common;

use layerwatch_advisory::matcher::{MatchedBy, affected};
use layerwatch_advisory::{Affected, Event, FixState, Namespace, Range, RangeKind};
use layerwatch_inventory::Ecosystem;
use layerwatch_version::Scheme;

fn entry(kind: RangeKind, events: Vec<Event>, versions: &[&str]) -> Affected {
    Affected {
        namespace: Namespace::Language(Ecosystem::Cargo),
        package: "demo".into(),
        ranges: vec![Range::Events { kind, events }],
        versions: versions.iter().map(|s| s.to_string()).collect(),
        fix_state: FixState::Fixed,
    }
}

fn intro(v: &str) -> Event {
    Event::Introduced(v.into())
}
fn fixed(v: &str) -> Event {
    Event::Fixed(v.into())
}

fn hit(a: &Affected, scheme: Scheme, v: &str) -> bool {
    affected(a, scheme, v).unwrap().is_some()
}

#[test]
fn osv_multiple_range_example() {
    // Schema example: [1.0.0, 1.0.2) and [3.0.0, 3.2.5), events given out of order here.
    let a = entry(
        RangeKind::Semver,
        vec![
            fixed("3.2.5"),
            intro("1.0.0"),
            intro("3.0.0"),
            fixed("1.0.2"),
        ],
        &[],
    );
    for (v, expect) in [
        ("0.9.0", false),
        ("1.0.0", true),
        ("1.0.1", true),
        ("1.0.2", false),
        ("2.5.0", false),
        ("3.0.0", true),
        ("3.2.4", true),
        ("3.2.5", false),
    ] {
        assert_eq!(hit(&a, Scheme::Semver, v), expect, "{v}");
    }
    let d = affected(&a, Scheme::Semver, "1.0.1").unwrap().unwrap();
    assert_eq!(d.fixed.as_deref(), Some("1.0.2"));
    assert_eq!(d.matched_by, MatchedBy::Range(RangeKind::Semver));
    assert_eq!(d.range, ">= 1.0.0 < 1.0.2");
    assert_eq!(d.rule, "introduced <= installed < fixed (semver)");
    let d = affected(&a, Scheme::Semver, "3.1.0").unwrap().unwrap();
    assert_eq!(d.fixed.as_deref(), Some("3.2.5"));
}

#[test]
fn last_affected_is_inclusive_and_introduced_zero_is_the_bottom() {
    let a = entry(
        RangeKind::Ecosystem,
        vec![intro("0"), Event::LastAffected("2.1.214".into())],
        &[],
    );
    assert!(hit(&a, Scheme::Semver, "0.0.1"));
    assert!(hit(&a, Scheme::Semver, "2.1.214"));
    assert!(!hit(&a, Scheme::Semver, "2.1.215"));
    let d = affected(&a, Scheme::Semver, "2.1.214").unwrap().unwrap();
    // No fix event: reported as affected without a fixed version.
    assert_eq!((d.fix_state, d.fixed), (FixState::Affected, None));
    assert_eq!(d.range, "<= 2.1.214");
}

#[test]
fn limit_bounds_the_range_and_star_is_infinity() {
    let limited = entry(
        RangeKind::Semver,
        vec![intro("1.0.0"), Event::Limit("2.0.0".into())],
        &[],
    );
    assert!(hit(&limited, Scheme::Semver, "1.5.0"));
    assert!(!hit(&limited, Scheme::Semver, "2.0.0"));
    let star = entry(
        RangeKind::Semver,
        vec![intro("1.0.0"), Event::Limit("*".into())],
        &[],
    );
    assert!(hit(&star, Scheme::Semver, "99.0.0"));
}

#[test]
fn explicit_versions_and_withdrawn() {
    let mut a = entry(RangeKind::Ecosystem, vec![], &["0.10", "1.0"]);
    a.ranges.clear();
    a.namespace = Namespace::Language(Ecosystem::Pypi);
    let d = affected(&a, Scheme::Pep440, "0.10").unwrap().unwrap();
    assert_eq!(d.matched_by, MatchedBy::Versions);
    assert_eq!(d.range, "= 0.10");
    // PEP 440: 1.0.0 == 1.0.
    assert!(hit(&a, Scheme::Pep440, "1.0.0"));
    assert!(!hit(&a, Scheme::Pep440, "0.1"));
    a.fix_state = FixState::Withdrawn;
    assert!(!hit(&a, Scheme::Pep440, "0.10"));
}

#[test]
fn bad_versions_are_errors_naming_the_package() {
    let a = entry(
        RangeKind::Ecosystem,
        vec![intro("0"), fixed("1.1.1d-r0")],
        &[],
    );
    let err = affected(&a, Scheme::Apk, "not a version!").unwrap_err();
    assert!(err.to_string().contains("demo"), "{err}");
}

#[test]
fn npm_ranges_from_the_node_wg() {
    let a = Affected {
        namespace: Namespace::Language(Ecosystem::Npm),
        package: "bassmaster".into(),
        ranges: vec![Range::Npm {
            vulnerable: "<=1.5.1".into(),
            patched: Some(">=1.5.2".into()),
        }],
        versions: vec![],
        fix_state: FixState::Fixed,
    };
    let d = affected(&a, Scheme::Semver, "1.5.1").unwrap().unwrap();
    assert_eq!(d.fixed.as_deref(), Some(">=1.5.2"));
    assert!(!hit(&a, Scheme::Semver, "1.5.2"));
}

/// Over every real feed entry with a single `[0, fixed)` range: the fixed version itself is
/// not affected and a version just below it (the `introduced` bottom) is. This parses every
/// fixed version under its namespace's scheme; the ones that do not parse are counted.
#[test]
fn every_real_fixed_version_is_not_affected_by_its_own_entry() {
    use layerwatch_advisory::{discover, feeds, scheme_for};
    let mut checked = 0;
    let mut unparsable = Vec::new();
    for file in discover(&common::advisories_dir()) {
        for adv in feeds::read(&file).unwrap().advisories {
            for x in &adv.affected {
                let Some(scheme) = scheme_for(&x.namespace) else {
                    continue;
                };
                let [Range::Events { events, .. }] = x.ranges.as_slice() else {
                    continue;
                };
                let [Event::Introduced(zero), Event::Fixed(fix)] = events.as_slice() else {
                    continue;
                };
                if zero != "0" || x.fix_state == FixState::Withdrawn || !x.versions.is_empty() {
                    continue;
                }
                // Installed Go module versions carry the `v` the OSV records leave out.
                let installed = if scheme == Scheme::Go {
                    format!("v{fix}")
                } else {
                    fix.clone()
                };
                match affected(x, scheme, &installed) {
                    Ok(None) => checked += 1,
                    Ok(Some(d)) => panic!("{} {}: {fix} matched {d:?}", adv.id, x.package),
                    Err(_) => unparsable.push(format!("{} {} {fix}", x.namespace, x.package)),
                }
            }
        }
    }
    println!(
        "fixed versions checked: {checked}, unparsable: {}",
        unparsable.len()
    );
    unparsable.sort();
    unparsable.dedup();
    for u in &unparsable {
        println!("  unparsable: {u}");
    }
    assert!(checked > 100_000, "{checked}");
    // A handful of feed versions are not valid under their scheme (typos such as Alpine's
    // `4.8.0.-r1`); they are reported as errors, never matched silently.
    assert!(unparsable.len() * 500 < checked, "{unparsable:?}");
}
