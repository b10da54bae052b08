//! Property tests of the order laws every scheme's `Ord` must keep (sorting and binary
//! search rely on them): antisymmetry, transitivity, and equality agreeing with ordering.
//! Inputs are strings from fragments common to all schemes, so most parse in several.
//! Maven is exempt from transitivity because Maven itself breaks it.

use std::cmp::Ordering;

use layerwatch_version::{Scheme, Version};
use proptest::prelude::*;

use crate::common::fragments;

const SCHEMES: [Scheme; 10] = [
    Scheme::Dpkg,
    Scheme::Rpm,
    Scheme::Apk,
    Scheme::Pep440,
    Scheme::Semver,
    Scheme::Go,
    Scheme::Maven,
    Scheme::RubyGems,
    Scheme::Nuget,
    Scheme::Composer,
];

fn candidate() -> impl Strategy<Value = String> {
    const FIRST: &[&str] = &[
        "1", "0", "2", "1.0", "1.0.0", "v1.2.3", "1:1", "go1.21", "10",
    ];
    const REST: &[&str] = &[
        ".0",
        ".1",
        ".2",
        ".10",
        "-1",
        "-r1",
        "-alpha",
        "-beta.2",
        "a",
        "b1",
        "rc1",
        "~",
        "~rc1",
        "+",
        "+b",
        "^",
        "_p1",
        "_alpha",
        "-dev",
        ".post1",
        ".dev0",
        "-SNAPSHOT",
        "-sp",
        "pl1",
        "0",
        "x",
        "-0",
        ".x",
    ];
    fragments(FIRST, REST, 3)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(3000))]

    #[test]
    fn order_laws_hold_in_every_scheme(a in candidate(), b in candidate(), c in candidate()) {
        for scheme in SCHEMES {
            let (Ok(x), Ok(y), Ok(z)) = (
                Version::parse(scheme, &a),
                Version::parse(scheme, &b),
                Version::parse(scheme, &c),
            ) else {
                continue;
            };
            prop_assert_eq!(x.cmp(&y), y.cmp(&x).reverse(), "{}: {} vs {}", scheme, a, b);
            prop_assert_eq!(x == y, x.cmp(&y) == Ordering::Equal, "{}: {} vs {}", scheme, a, b);
            prop_assert_eq!(x.cmp(&x), Ordering::Equal, "{}: {}", scheme, a);
            // Maven's own ComparableVersion is not transitive on some inputs (`1.0 < 1.x.0
            // < 1.0b1` yet `1.0 > 1.0b1`, checked against maven-artifact); we follow Maven.
            if scheme != Scheme::Maven && x <= y && y <= z {
                prop_assert!(x <= z, "{}: {} <= {} <= {} but not {} <= {}", scheme, a, b, c, a, c);
            }
        }
    }
}
