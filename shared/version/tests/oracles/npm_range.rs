//! node-semver (the copy bundled with Debian's `nodejs` npm, run by `node`) as the oracle
//! for [`npm_range_contains`], over the real ranges of the Node.js security WG feed and
//! generated ones; plus examples from the npm `semver` documentation.

use std::process::Command;

use layerwatch_version::{NpmRange, npm_range_contains};
use proptest::prelude::*;

use crate::common::{assert_agree, fragments, generate, run_batch, shared_data};

const NODE_SEMVER: &str = "/usr/lib/node_modules/npm/node_modules/semver";

/// Reads `range<TAB>version` lines, prints `true`, `false` or `invalid` (the range).
const ORACLE: &str = r#"
const semver = require(process.argv[1]);
const lines = require("fs").readFileSync(0, "utf8").split("\n").filter((l) => l.length);
const out = [];
for (const line of lines) {
  const [r, v] = line.split("\t");
  let range;
  try { range = new semver.Range(r); } catch (e) { out.push("invalid"); continue; }
  out.push(range.test(v) ? "true" : "false");
}
process.stdout.write(out.map((l) => l + "\n").join(""));
"#;

fn node_answers(pairs: &[(String, String)]) -> Vec<String> {
    assert!(
        std::path::Path::new(NODE_SEMVER).is_dir(),
        "node-semver not found at {NODE_SEMVER} (install Debian's nodejs and npm packages)"
    );
    let input: String = pairs.iter().map(|(r, v)| format!("{r}\t{v}\n")).collect();
    let mut cmd = Command::new("node");
    cmd.arg("-e").arg(ORACLE).arg(NODE_SEMVER);
    run_batch(cmd, &input)
}

fn our_answer(range: &str, version: &str) -> String {
    match range.parse::<NpmRange>() {
        Err(_) => "invalid".to_owned(),
        Ok(_) => npm_range_contains(range, version)
            .expect("test versions are valid")
            .to_string(),
    }
}

/// The feed's ranges: every `vulnerable_versions` and `patched_versions` string of the npm
/// package advisories, and every `vulnerable` and `patched` one of the Node.js core ones.
fn feed_ranges() -> Vec<String> {
    let base = shared_data().join("advisories/npm/nodejs-security-wg");
    let mut ranges = Vec::new();
    for (sub, keys) in [
        ("npm", ["vulnerable_versions", "patched_versions"]),
        ("core", ["vulnerable", "patched"]),
    ] {
        let dir = base.join(sub);
        let entries =
            std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("read {}: {e}", dir.display()));
        for entry in entries {
            let path = entry.expect("dir entry").path();
            let text = std::fs::read_to_string(&path).expect("read advisory");
            let json: serde_json::Value = serde_json::from_str(&text).expect("advisory is JSON");
            for key in keys {
                if let Some(r) = json.get(key).and_then(|v| v.as_str()) {
                    ranges.push(r.to_owned());
                }
            }
        }
    }
    ranges.sort();
    ranges.dedup();
    ranges
}

fn version() -> impl Strategy<Value = String> {
    const FIRST: &[&str] = &[
        "0.0.", "0.1.", "0.8.", "1.0.", "1.2.", "1.7.", "2.0.", "2.1.", "3.0.", "4.0.", "5.0.",
    ];
    const REST: &[&str] = &[
        "0", "1", "2", "3", "5", "10", "16", "0-alpha8", "0-rc2", "0-beta.1", "0-M1", "3-beta",
        "0-0", "1-pre",
    ];
    fragments(FIRST, REST, 1).prop_map(|v| if v.ends_with('.') { format!("{v}0") } else { v })
}

/// Well-formed ranges: sets of comparators (operator, optional space, partial version)
/// or hyphen ranges, joined by `||`. node-semver also "accepts" much malformed input in
/// ways of its own; we reject that instead, so junk is checked by hand cases only.
fn range() -> impl Strategy<Value = String> {
    const OPS: &[&str] = &[
        "", "", "<", "<=", ">", ">=", "=", "^", "~", "~>", "> ", ">= ", "^ ",
    ];
    const PARTIALS: &[&str] = &[
        "1",
        "1.2",
        "1.2.3",
        "0.0.1",
        "0.1.2",
        "0",
        "2",
        "x",
        "*",
        "1.x",
        "1.2.x",
        "1.X",
        "0.0.x",
        "1.2.3-beta",
        "1.2.3-0",
        "1.2.3-alpha.1",
        "2.0.0-rc2",
        "0.1.0-alpha8",
        "v1.2.3",
        "=1.2.3",
        "1.2.3+build",
        "0.0.0",
        "2.1.0-M1",
    ];
    let comparator = (
        proptest::sample::select(OPS),
        proptest::sample::select(PARTIALS),
    )
        .prop_map(|(o, p)| format!("{o}{p}"));
    let hyphen = (
        proptest::sample::select(PARTIALS),
        proptest::sample::select(PARTIALS),
    )
        .prop_map(|(a, b)| format!("{a} - {b}"));
    let set = prop_oneof![
        4 => proptest::collection::vec(comparator, 1..=3).prop_map(|c| c.join(" ")),
        1 => hyphen,
    ];
    proptest::collection::vec(set, 1..=3).prop_map(|s| s.join(" || "))
}

#[test]
fn every_feed_range_parses() {
    let ranges = feed_ranges();
    let failures: Vec<String> = ranges
        .iter()
        .filter_map(|r| r.parse::<NpmRange>().err().map(|e| e.to_string()))
        .collect();
    assert!(
        ranges.len() > 400,
        "only {} ranges found in the feed",
        ranges.len()
    );
    assert!(
        failures.is_empty(),
        "{} of {} feed ranges fail:\n{}",
        failures.len(),
        ranges.len(),
        failures.join("\n")
    );
    println!("{} distinct feed ranges parse", ranges.len());
}

#[test]
fn node_semver_agrees_on_feed_ranges() {
    let versions = generate(version(), 24, 8);
    let pairs: Vec<(String, String)> = feed_ranges()
        .into_iter()
        .flat_map(|r| versions.iter().map(move |v| (r.clone(), v.clone())))
        .collect();
    let ours: Vec<String> = pairs.iter().map(|(r, v)| our_answer(r, v)).collect();
    assert_agree(
        "node-semver (feed ranges)",
        &pairs,
        &ours,
        &node_answers(&pairs),
    );
}

#[test]
fn node_semver_agrees_on_generated_ranges() {
    let mut pairs = generate((range(), version()), 3000, 9);
    // Malformed ranges that node-semver rejects too.
    for bad in [
        "1.2.3.4",
        ">=a",
        ">=1.2.3 <=x.y",
        "1.2.3-",
        "01.2.3",
        "1.2.3-01",
        "^1.2.3.4",
    ] {
        pairs.push((bad.to_owned(), "1.2.3".to_owned()));
    }
    let ours: Vec<String> = pairs.iter().map(|(r, v)| our_answer(r, v)).collect();
    assert_agree(
        "node-semver (generated ranges)",
        &pairs,
        &ours,
        &node_answers(&pairs),
    );
}

// Examples from the node-semver README (https://github.com/npm/node-semver#ranges).
#[test]
fn npm_documentation_examples() {
    let cases = [
        (">=1.2.7", "1.2.7", true),
        (">=1.2.7", "1.2.6", false),
        (">=1.2.7 <1.3.0", "1.2.99", true),
        (">=1.2.7 <1.3.0", "1.3.0", false),
        ("1.2.7 || >=1.2.9 <2.0.0", "1.2.8", false),
        ("1.2.7 || >=1.2.9 <2.0.0", "1.4.6", true),
        (">1.2.3-alpha.3", "1.2.3-alpha.7", true),
        (">1.2.3-alpha.3", "3.4.5-alpha.9", false),
        (">1.2.3-alpha.3", "3.4.5", true),
        ("1.2.3 - 2.3.4", "2.3.4", true),
        ("1.2 - 2.3.4", "1.2.0", true),
        ("1.2.3 - 2.3", "2.3.9", true),
        ("1.2.3 - 2.3", "2.4.0", false),
        ("1.2.3 - 2", "2.9.9", true),
        ("*", "1.0.0-beta", false),
        ("1.x", "1.9.0", true),
        ("1.2.x", "1.3.0", false),
        ("", "0.0.1", true),
        ("1", "1.99.0", true),
        ("~1.2.3", "1.2.9", true),
        ("~1.2.3", "1.3.0", false),
        ("~0.2", "0.2.9", true),
        ("~1.2.3-beta.2", "1.2.3-beta.4", true),
        ("~1.2.3-beta.2", "1.2.4-beta.2", false),
        ("^1.2.3", "1.9.9", true),
        ("^0.2.3", "0.3.0", false),
        ("^0.0.3", "0.0.4", false),
        ("^1.2.3-beta.2", "1.2.3-beta.4", true),
        ("^1.2.3-beta.2", "1.2.4-beta.2", false),
        ("^0.0.x", "0.0.9", true),
        ("^1.x", "1.99.0", true),
        ("^0.x", "0.99.0", true),
        ("^0.x", "1.0.0", false),
    ];
    for (range, version, expected) in cases {
        assert_eq!(
            npm_range_contains(range, version).expect("valid"),
            expected,
            "{version} in {range}"
        );
    }
}
