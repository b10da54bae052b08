//! Python's `packaging.version` (Debian's python3-packaging, run by `/usr/bin/python3`)
//! as the oracle for [`Pep440Version`]: validity, normalised form and ordering.

use std::process::Command;

use layerwatch_version::Pep440Version;
use proptest::prelude::*;

use crate::common::{assert_agree, fragments, generate, run_batch, sign};

/// Reads `a<TAB>b` lines, prints `norm(a)<TAB>norm(b)<TAB>order`, `!` for invalid.
const ORACLE: &str = r#"
import sys
from packaging.version import Version, InvalidVersion
def parse(s):
    try:
        return Version(s)
    except InvalidVersion:
        return None
for line in sys.stdin:
    a, b = line.rstrip("\n").split("\t")
    va, vb = parse(a), parse(b)
    na = str(va) if va is not None else "!"
    nb = str(vb) if vb is not None else "!"
    if va is None or vb is None:
        c = "!"
    else:
        c = "<" if va < vb else (">" if va > vb else "=")
    print(na + "\t" + nb + "\t" + c)
"#;

fn ours(a: &str, b: &str) -> String {
    let va = a.parse::<Pep440Version>().ok();
    let vb = b.parse::<Pep440Version>().ok();
    let norm = |v: &Option<Pep440Version>| v.as_ref().map_or("!".to_owned(), |v| v.normalized());
    let c = match (&va, &vb) {
        (Some(x), Some(y)) => sign(x.cmp(y)),
        _ => "!".to_owned(),
    };
    format!("{}\t{}\t{c}", norm(&va), norm(&vb))
}

/// Well-formed versions in every spelling PEP 440 allows.
fn structured() -> impl Strategy<Value = String> {
    let sep = || proptest::sample::select(&["", "", ".", "-", "_"][..]);
    let num = || proptest::sample::select(&["", "0", "1", "2", "01", "10", "20191109"][..]);
    (
        proptest::sample::select(&["", "", "", "v", "V", "1!", "0!", "2!"][..]),
        proptest::collection::vec(
            proptest::sample::select(&["0", "1", "2", "00", "07", "10"][..]),
            1..=4,
        ),
        proptest::option::of((
            sep(),
            proptest::sample::select(
                &["a", "alpha", "B", "beta", "c", "rc", "RC", "pre", "preview"][..],
            ),
            sep(),
            num(),
        )),
        proptest::option::of(prop_oneof![
            Just("-1".to_owned()),
            Just("-0".to_owned()),
            (
                sep(),
                proptest::sample::select(&["post", "rev", "r", "POST"][..]),
                sep(),
                num()
            )
                .prop_map(|(a, b, c, d)| format!("{a}{b}{c}{d}")),
        ]),
        proptest::option::of((
            sep(),
            proptest::sample::select(&["dev", "DEV"][..]),
            sep(),
            num(),
        )),
        proptest::option::of(proptest::sample::select(
            &["+ubuntu1", "+abc.5", "+1", "+01.a", "+local-2_b", "+abc"][..],
        )),
    )
        .prop_map(|(e, rel, pre, post, dev, local)| {
            let four = |t: Option<(&str, &str, &str, &str)>| {
                t.map(|(a, b, c, d)| format!("{a}{b}{c}{d}"))
                    .unwrap_or_default()
            };
            format!(
                "{e}{}{}{}{}{}",
                rel.join("."),
                four(pre),
                post.unwrap_or_default(),
                four(dev),
                local.unwrap_or_default()
            )
        })
}

/// Strings from fragments, most of them legacy or junk, to check what is rejected.
fn junk() -> impl Strategy<Value = String> {
    const FIRST: &[&str] = &["", "v", "1", "1.0", "1!", "2022.12.07"];
    const REST: &[&str] = &[
        ".0", ".1", ".07", "a", "A", "alpha", "b", "c", "rc", "pre", "1", "0", "-", "_", ".",
        "post", "rev", "r", "dev", "+", "local", "x", "..", "!", "-1", " ", "final",
    ];
    fragments(FIRST, REST, 4)
}

fn check(pairs: Vec<(String, String)>, what: &str) {
    let input: String = pairs.iter().map(|(a, b)| format!("{a}\t{b}\n")).collect();
    let mut cmd = Command::new("/usr/bin/python3");
    cmd.arg("-c").arg(ORACLE);
    let theirs = run_batch(cmd, &input);
    let ours: Vec<String> = pairs.iter().map(|(a, b)| ours(a, b)).collect();
    assert_agree(what, &pairs, &ours, &theirs);
}

#[test]
fn packaging_agrees_on_generated_valid_pairs() {
    let mut pairs = generate((structured(), structured()), 600, 4);
    for (a, b) in [
        ("2022.12.07", "2022.12.7"),
        ("1.0RC1", "1.0rc1"),
        ("v1.0", "1.0"),
        ("1!1.0", "2.0"),
        ("1.0.dev0", "1.0a0"),
        ("1.0a1.dev1", "1.0a1"),
        ("1.0.post1.dev1", "1.0.post1"),
        ("1.0", "1.0.post0"),
        ("1.0+abc", "1.0"),
        ("1.0+abc.5", "1.0+abc.10"),
        ("1.0+5", "1.0+abc"),
        ("1.0+abc", "1.0+abc.1"),
        ("1.0", "1.0.0.0"),
        ("1.0c1", "1.0rc1"),
        ("1.0-1", "1.0.post1"),
        (" 1.0 ", "1.0"),
    ] {
        pairs.push((a.to_owned(), b.to_owned()));
    }
    check(pairs, "packaging.version");
}

#[test]
fn packaging_agrees_on_validity_and_normalisation() {
    let mut pairs = generate((junk(), structured()), 600, 5);
    for bad in [
        "french toast",
        "1.0-foo",
        "1.0.x",
        "1.0_1",
        "1.0-",
        "1.0+",
        "1.0+a..b",
        "",
        "1.0.final",
    ] {
        pairs.push((bad.to_owned(), "1.0".to_owned()));
    }
    check(pairs, "packaging.version validity");
}
