//! apk-tools (`apk version -t`, `apk version -c`) from the Alpine 3.20 minirootfs in the
//! shared data, run under chroot, as the oracle for [`ApkVersion`].

use std::path::PathBuf;
use std::process::Command;
use std::sync::OnceLock;

use layerwatch_version::{ApkVersion, Scheme, compare};
use proptest::prelude::*;

use crate::common::{assert_agree, fragments, generate, run_batch, shared_data, sign};

const FIRST: &[&str] = &["0", "1", "2", "10", "01", "1.2", "3.20"];
const DIGITS: &[&str] = &[".0", ".1", ".2", ".10", ".01", ".00", ".001", ".9", ".05"];
const LETTER: &[&str] = &["", "", "", "a", "b", "z"];
const SUFFIXES: &[&str] = &[
    "_alpha",
    "_beta1",
    "_pre",
    "_rc",
    "_rc2",
    "_rc10",
    "_p",
    "_p1",
    "_p20230101",
    "_git2020",
    "_cvs",
    "_svn",
    "_hg1",
    "_pre1",
    "_p0",
];
const REVISION: &[&str] = &["", "", "-r0", "-r1", "-r2", "-r10", "-r01"];

fn version() -> impl Strategy<Value = String> {
    (
        fragments(FIRST, DIGITS, 3),
        proptest::sample::select(LETTER),
        proptest::collection::vec(proptest::sample::select(SUFFIXES), 0..=2),
        proptest::sample::select(REVISION),
    )
        .prop_map(|(d, l, s, r)| format!("{d}{l}{}{r}", s.concat()))
}

/// The extracted minirootfs, shared by the tests of this binary.
fn rootfs() -> &'static PathBuf {
    static ROOT: OnceLock<(tempfile::TempDir, PathBuf)> = OnceLock::new();
    &ROOT
        .get_or_init(|| {
            let tarball = shared_data()
                .join("images/alpine-minirootfs/alpine-minirootfs-3.20.3-x86_64.tar.gz");
            assert!(tarball.is_file(), "missing {}", tarball.display());
            let dir = tempfile::tempdir().expect("temp dir");
            let status = Command::new("tar")
                .arg("xzf")
                .arg(&tarball)
                .arg("-C")
                .arg(dir.path())
                .status()
                .expect("run tar");
            assert!(
                status.success(),
                "tar could not extract {}",
                tarball.display()
            );
            let path = dir.path().to_owned();
            (dir, path)
        })
        .1
}

fn apk_shell(script: &str, input: &str) -> Vec<String> {
    let mut cmd = Command::new("chroot");
    cmd.arg(rootfs()).arg("/bin/sh").arg("-c").arg(script);
    run_batch(cmd, input)
}

#[test]
fn apk_agrees_on_generated_pairs() {
    let mut pairs = generate((version(), version()), 500, 2);
    // From apk-tools' test/version.data and Alpine secdb entries.
    for (a, b) in [
        ("1.0_alpha", "1.0"),
        ("1.0_p1", "1.0"),
        ("1.0a", "1.0.1"),
        ("1.0_rc1-r1", "1.0"),
        ("3.0.15-r0", "3.0.8-r0"),
        ("1.01", "1.1"),
        ("1.001", "1.01"),
        ("1.0", "1.00"),
        ("1.2_alpha_beta", "1.2_alpha"),
        ("1a1", "1a"),
        ("1.0-r1-r2", "1.0-r1-r3"),
        ("1_pre", "1_p"),
        ("1.0_pre1", "1.0_p1"),
        ("0.9.8", "0.10"),
        ("1.2147483648", "1.2147483647"),
        ("1_p99999999999", "1_p100000000000"),
        ("20240101123456", "20240101123457"),
    ] {
        pairs.push((a.to_owned(), b.to_owned()));
    }
    let ours: Vec<String> = pairs
        .iter()
        .map(|(a, b)| sign(compare(Scheme::Apk, a, b).expect("generated versions are valid")))
        .collect();
    let input: String = pairs.iter().map(|(a, b)| format!("{a} {b}\n")).collect();
    let theirs = apk_shell(
        r#"while read a b; do /sbin/apk version -t "$a" "$b"; done"#,
        &input,
    );
    assert_agree("apk version -t", &pairs, &ours, &theirs);
}

#[test]
fn apk_validity_agrees() {
    // The degenerate forms apk accepts but we reject (see the module docs) are left out:
    // no leading digit, `1.`, `1_`, `1-r`, `1.x`, `1..2`.
    let candidates = [
        "1.0",
        "1.0-r0",
        "1_foo",
        "1-x1",
        "1.0A",
        "1.0-r1-r2",
        "1~",
        "1.0-r1.2",
        "1a1",
        "1.0_rc1_p2-r3",
        "1.0a_alpha",
        "1ab",
        "1_rc.1",
        "1-r1_p",
        "1_p1a",
        "1.0_RC1",
        "1.0+git",
        "20230101",
        "1.0_p-r1",
    ];
    let input: String = candidates.iter().map(|v| format!("{v}\n")).collect();
    // `apk version -c` prints the strings that are not valid versions.
    let theirs = apk_shell(
        r#"while read v; do
             if [ -n "$(/sbin/apk version -c "$v")" ]; then echo bad; else echo ok; fi
           done"#,
        &input,
    );
    let pairs: Vec<(String, String)> = candidates
        .iter()
        .map(|v| (v.to_string(), String::new()))
        .collect();
    let ours: Vec<String> = candidates
        .iter()
        .map(|v| {
            if v.parse::<ApkVersion>().is_ok() {
                "ok"
            } else {
                "bad"
            }
            .to_owned()
        })
        .collect();
    assert_agree("apk version -c", &pairs, &ours, &theirs);
}
