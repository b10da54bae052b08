//! `dpkg --compare-versions` as the oracle for [`DpkgVersion`].

use std::process::Command;

use layerwatch_version::{DpkgVersion, Scheme, compare};
use proptest::prelude::*;

use crate::common::{assert_agree, fragments, generate, run_batch, sign};

const EPOCHS: &[&str] = &["", "", "", "0:", "1:", "2:", "10:"];
const FIRST: &[&str] = &["0", "1", "2", "10", "01", "1.0", "2.36"];
const UPSTREAM: &[&str] = &[
    ".",
    "0",
    "1",
    "2",
    "9",
    "10",
    ".0",
    ".1",
    "~",
    "~rc1",
    "~~",
    "+",
    "+dfsg",
    "a",
    "b",
    "z",
    "A",
    "+really",
    ".",
    "~beta",
    "git20200101",
    "-",
];
const REVISION: &[&str] = &[
    "",
    "",
    "-1",
    "-0",
    "-1ubuntu1",
    "-2~bpo11+1",
    "-1+deb12u1",
    "-0.1",
    "-a",
    "-1~",
    "-10",
];

fn version() -> impl Strategy<Value = String> {
    (
        proptest::sample::select(EPOCHS),
        fragments(FIRST, UPSTREAM, 4),
        proptest::sample::select(REVISION),
    )
        .prop_map(|(e, u, r)| {
            // An upstream with a hyphen needs a revision, or its tail becomes the revision.
            let r = if u.contains('-') && r.is_empty() {
                "-1"
            } else {
                r
            };
            format!("{e}{u}{r}")
        })
}

fn dpkg_answers(pairs: &[(String, String)]) -> Vec<String> {
    let input: String = pairs.iter().map(|(a, b)| format!("{a} {b}\n")).collect();
    let mut cmd = Command::new("sh");
    cmd.arg("-c").arg(
        r#"while read a b; do
             if dpkg --compare-versions "$a" lt "$b" 2>/dev/null; then echo "<";
             elif dpkg --compare-versions "$a" eq "$b" 2>/dev/null; then echo "=";
             else echo ">"; fi
           done"#,
    );
    run_batch(cmd, &input)
}

#[test]
fn dpkg_agrees_on_generated_pairs() {
    let mut pairs = generate((version(), version()), 400, 1);
    // Hand-picked ones from Debian policy and bug reports, kept with the generated batch.
    for (a, b) in [
        ("1.0~rc1", "1.0"),
        ("1:1.0", "2.0"),
        ("1.0-1", "1.0"),
        ("1.0+dfsg", "1.0"),
        ("1.0a", "1.0+"),
        ("2.30-1ubuntu1", "2.30-1ubuntu1.1"),
        ("7.74.0-1.3+deb11u7", "7.74.0-1.3+deb11u11"),
        ("1.2.3~~", "1.2.3~"),
        ("0001", "1"),
        ("1.0-0", "1.0"),
        ("a1", "b1"),
    ] {
        pairs.push((a.to_owned(), b.to_owned()));
    }
    let ours: Vec<String> = pairs
        .iter()
        .map(|(a, b)| sign(compare(Scheme::Dpkg, a, b).expect("generated versions are valid")))
        .collect();
    assert_agree("dpkg", &pairs, &ours, &dpkg_answers(&pairs));
}

#[test]
fn dpkg_rejects_what_dpkg_rejects() {
    // `dpkg --compare-versions` exits 2 (not 0/1) on a string it cannot parse.
    let candidates = ["1:", ":1", "x:1", "1.0-", "1 2", "1:1:1", "1-2-3", "0:0-0"];
    let input: String = candidates.iter().map(|v| format!("{v}\n")).collect();
    let mut cmd = Command::new("sh");
    cmd.arg("-c").arg(
        r#"while IFS= read -r v; do
             dpkg --compare-versions "$v" eq "$v" 2>/dev/null; rc=$?
             if [ $rc -le 1 ]; then echo ok; else echo bad; fi
           done"#,
    );
    let theirs = run_batch(cmd, &input);
    let pairs: Vec<(String, String)> = candidates
        .iter()
        .map(|v| (v.to_string(), String::new()))
        .collect();
    let ours: Vec<String> = candidates
        .iter()
        .map(|v| {
            if v.parse::<DpkgVersion>().is_ok() {
                "ok"
            } else {
                "bad"
            }
            .to_owned()
        })
        .collect();
    assert_agree("dpkg validity", &pairs, &ours, &theirs);
}
