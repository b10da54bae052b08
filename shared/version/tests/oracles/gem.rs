//! Ruby's own `Gem::Version` (Debian's `ruby` package) as the oracle for [`GemVersion`]:
//! validity and ordering.

use std::process::Command;

use layerwatch_version::GemVersion;

use crate::common::{assert_agree, fragments, generate, run_batch, sign};

/// Reads `a<TAB>b` lines, prints the order or `!` when either is not a valid version.
const ORACLE: &str = r#"
out = []
STDIN.each_line do |line|
  a, b = line.chomp("\n").split("\t", -1)
  if Gem::Version.correct?(a) && Gem::Version.correct?(b)
    c = Gem::Version.new(a) <=> Gem::Version.new(b)
    out << (c < 0 ? "<" : (c > 0 ? ">" : "="))
  else
    out << "!"
  end
end
puts out
"#;

fn version() -> impl proptest::strategy::Strategy<Value = String> {
    const FIRST: &[&str] = &["1", "1.0", "0", "2.7", "10", "01", "1.2.3", " 1"];
    const REST: &[&str] = &[
        ".0", ".1", ".10", ".a", ".rc1", ".pre", ".beta.2", "-1", "-beta", "-rc.1", "a", "b1",
        ".A", ".0.0", "-", ".", "..", ".x-y", "_1", " ", ".00", "-pre-1",
    ];
    fragments(FIRST, REST, 4)
}

#[test]
fn gem_version_agrees_on_generated_pairs() {
    let mut pairs = generate((version(), version()), 1500, 11);
    // From the Gem::Version documentation.
    for (a, b) in [
        ("1.0", "1.0.0"),
        ("1.0.a", "1.0"),
        ("1.0.b1", "1.0.a2"),
        ("1.0.0.rc1", "1.0.0"),
        ("2.0.0-rc.1", "2.0.0.pre.rc.1"),
        ("1.0.0-beta", "1.0.0.beta"),
        ("1.3.pre", "1.2"),
        ("1.8.2.a10", "1.8.2.a9"),
    ] {
        pairs.push((a.to_owned(), b.to_owned()));
    }
    let input: String = pairs.iter().map(|(a, b)| format!("{a}\t{b}\n")).collect();
    let mut cmd = Command::new("ruby");
    cmd.arg("-e").arg(ORACLE);
    let theirs = run_batch(cmd, &input);
    let ours: Vec<String> = pairs
        .iter()
        .map(
            |(a, b)| match (a.parse::<GemVersion>(), b.parse::<GemVersion>()) {
                (Ok(x), Ok(y)) => sign(x.cmp(&y)),
                _ => "!".to_owned(),
            },
        )
        .collect();
    let valid = theirs.iter().filter(|t| *t != "!").count();
    assert!(valid > 300, "too few valid pairs generated ({valid})");
    assert_agree("Gem::Version", &pairs, &ours, &theirs);
}
