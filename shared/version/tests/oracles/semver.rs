//! The `semver` crate (the reference implementation Cargo uses) as the oracle for
//! [`SemverVersion`] and for the module form of [`GoVersion`]: validity and precedence.

use layerwatch_version::{GoVersion, SemverVersion};
use proptest::prelude::*;

use crate::common::{assert_agree, fragments, generate, sign};

/// Mostly valid semver strings, with some leading zeros, empty identifiers and the like.
fn candidate() -> impl Strategy<Value = String> {
    const FIRST: &[&str] = &[
        "0.0.0", "1.0.0", "1.2.3", "1.10.0", "2.0.0", "0.1.0", "1.2", "01.0.0",
    ];
    const REST: &[&str] = &[
        "-alpha",
        "-beta",
        "-rc",
        "-0",
        "-1",
        "-01",
        "-x-y",
        "-alpha.1",
        "-alpha.beta",
        "-rc.1",
        ".1",
        ".2",
        ".10",
        ".alpha",
        ".0",
        "+build",
        "+001",
        "+exp.sha.5114f85",
        "-",
        "..",
        "+",
        "-20191109021931-daa7c04131f5",
    ];
    fragments(FIRST, REST, 3)
}

fn oracle(a: &str, b: &str) -> String {
    match (semver::Version::parse(a), semver::Version::parse(b)) {
        (Ok(x), Ok(y)) => sign(x.cmp_precedence(&y)),
        (x, y) => format!("valid {} {}", x.is_ok(), y.is_ok()),
    }
}

#[test]
fn semver_crate_agrees_on_generated_pairs() {
    let pairs = generate((candidate(), candidate()), 1500, 6);
    let theirs: Vec<String> = pairs.iter().map(|(a, b)| oracle(a, b)).collect();
    let ours: Vec<String> = pairs
        .iter()
        .map(
            |(a, b)| match (a.parse::<SemverVersion>(), b.parse::<SemverVersion>()) {
                (Ok(x), Ok(y)) => sign(x.cmp(&y)),
                (x, y) => format!("valid {} {}", x.is_ok(), y.is_ok()),
            },
        )
        .collect();
    let valid = theirs.iter().filter(|t| !t.starts_with("valid")).count();
    assert!(valid > 300, "too few valid pairs generated ({valid})");
    assert_agree("semver crate", &pairs, &ours, &theirs);
}

#[test]
fn go_module_versions_order_as_semver() {
    let pairs = generate((candidate(), candidate()), 1500, 7);
    // x/mod/semver accepts `v1` and `v1.2`; the crate needs all three numbers.
    let full = |s: &str| {
        if s.split(['-', '+'])
            .next()
            .is_some_and(|n| n.matches('.').count() == 1)
            && !s.contains(['-', '+'])
        {
            format!("{s}.0")
        } else {
            s.to_owned()
        }
    };
    let theirs: Vec<String> = pairs
        .iter()
        .map(|(a, b)| oracle(&full(a), &full(b)))
        .collect();
    let ours: Vec<String> = pairs
        .iter()
        .map(|(a, b)| {
            match (
                format!("v{a}").parse::<GoVersion>(),
                format!("v{b}").parse::<GoVersion>(),
            ) {
                (Ok(x), Ok(y)) => sign(x.cmp(&y)),
                (x, y) => format!("valid {} {}", x.is_ok(), y.is_ok()),
            }
        })
        .collect();
    assert_agree("semver crate (go form)", &pairs, &ours, &theirs);
}

#[test]
fn npm_prefixes_are_accepted() {
    for (a, b) in [
        ("v1.2.3", "1.2.3"),
        ("=1.2.3", "1.2.3"),
        ("=v1.2.3", "1.2.3"),
        (" 1.2.3 ", "1.2.3"),
    ] {
        let x: SemverVersion = a.parse().expect("npm accepts the prefix");
        let y: SemverVersion = b.parse().expect("plain version");
        assert_eq!(x, y, "{a} vs {b}");
    }
    let with_build: SemverVersion = "1.0.0+build.1".parse().expect("valid");
    let other_build: SemverVersion = "1.0.0+build.2".parse().expect("valid");
    assert_eq!(
        with_build, other_build,
        "build metadata is ignored for ordering"
    );
}
