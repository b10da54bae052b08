//! rpm 4.18's Lua `rpm.vercmp` (through `rpm --eval`) as the oracle for [`RpmVersion`].

use std::process::Command;

use layerwatch_version::{Scheme, compare};
use proptest::prelude::*;

use crate::common::{assert_agree, fragments, generate, run_batch, sign};

const EPOCHS: &[&str] = &["", "", "", "0:", "1:", "2:"];
const FIRST: &[&str] = &["0", "1", "2", "10", "1.0", "2.5", "01"];
const REST: &[&str] = &[
    ".", "0", "1", "2", "10", ".1", ".01", "a", "b", "rc1", "~", "~rc1", "^", "^git1", "_", "+",
    "p1", "git", ".fc38", "Z",
];
const RELEASE: &[&str] = &[
    "", "", "-1", "-2", "-1.el8", "-1.fc38", "-0.1.rc1", "-1~beta", "-10", "-1.el8_9", "-2^a",
];

fn version() -> impl Strategy<Value = String> {
    (
        proptest::sample::select(EPOCHS),
        fragments(FIRST, REST, 4),
        proptest::sample::select(RELEASE),
    )
        .prop_map(|(e, v, r)| format!("{e}{v}{r}"))
}

#[test]
fn rpm_agrees_on_generated_pairs() {
    let mut pairs = generate((version(), version()), 500, 3);
    // From rpm's tests/rpmvercmp.at and Red Hat advisories.
    for (a, b) in [
        ("1.0~rc1", "1.0"),
        ("1.0^", "1.0"),
        ("1.0^git1", "1.01"),
        ("1.0^git1~pre", "1.0^git1"),
        ("5.5p1", "5.5p10"),
        ("10xyz", "10.1xyz"),
        ("xyz.4", "8"),
        ("1.0a", "1.0.1"),
        ("2.02-1.el8", "2.2-1.el8"),
        ("1:1.0-1", "1.1-1"),
        ("4.18.0-477.10.1.el8_8", "4.18.0-477.27.1.el8_8"),
        ("1.0", "1.0-1"),
    ] {
        pairs.push((a.to_owned(), b.to_owned()));
    }
    let ours: Vec<String> = pairs
        .iter()
        .map(|(a, b)| sign(compare(Scheme::Rpm, a, b).expect("generated versions are valid")))
        .collect();
    let input: String = pairs.iter().map(|(a, b)| format!("{a} {b}\n")).collect();
    let mut cmd = Command::new("rpm");
    cmd.arg("--eval").arg(
        r#"%{lua:
            for line in io.lines() do
                local a, b = line:match("^(%S+) (%S+)$")
                local r = rpm.vercmp(a, b)
                io.write(r < 0 and "<" or (r > 0 and ">" or "="), "\n")
            end
        }"#,
    );
    let theirs = run_batch(cmd, &input);
    // `rpm --eval` prints the (empty) macro expansion after the loop's output.
    let theirs: Vec<String> = theirs.into_iter().filter(|l| !l.is_empty()).collect();
    assert_agree("rpm.vercmp", &pairs, &ours, &theirs);
}
