//! Maven's own `ComparableVersion` (Debian's `libmaven3-core-java`, maven-artifact 3.8) as the
//! oracle for [`MavenVersion`], run through a small Java program fed from stdin.

use std::process::Command;

use layerwatch_version::MavenVersion;

use crate::common::{assert_agree, fragments, generate, run_batch, sign};

const JAR: &str = "/usr/share/java/maven3-artifact.jar";

const PROGRAM: &str = r#"
import org.apache.maven.artifact.versioning.ComparableVersion;
import java.io.*;
public class Cmp {
  public static void main(String[] args) throws Exception {
    BufferedReader r = new BufferedReader(new InputStreamReader(System.in));
    StringBuilder out = new StringBuilder();
    String line;
    while ((line = r.readLine()) != null) {
      String[] p = line.split("\t", -1);
      int c = new ComparableVersion(p[0]).compareTo(new ComparableVersion(p[1]));
      out.append(c < 0 ? "<" : (c > 0 ? ">" : "=")).append('\n');
    }
    System.out.print(out);
  }
}
"#;

fn version() -> impl proptest::strategy::Strategy<Value = String> {
    const FIRST: &[&str] = &["1", "1.0", "2", "0", "1.2.3", "10", "01", "a"];
    const REST: &[&str] = &[
        ".0",
        ".1",
        ".10",
        "-1",
        "-0",
        "-alpha",
        "-alpha1",
        "alpha",
        "-beta-2",
        "-b1",
        "a1",
        "m1",
        "-milestone",
        "-rc",
        "-RC1",
        "-cr",
        "-CR2",
        "-snapshot",
        "-SNAPSHOT",
        "-ga",
        "-final",
        ".Final",
        "-release",
        "-sp",
        "-sp1",
        "-foo",
        "-bar",
        ".x",
        "-",
        ".",
        "..",
        "--",
        "xyz",
        "1",
        "0",
        "-20230101",
        "1234567890",
        "12345678901234567890",
    ];
    fragments(FIRST, REST, 4)
}

#[test]
fn comparable_version_agrees_on_generated_pairs() {
    assert!(
        std::path::Path::new(JAR).exists(),
        "{JAR} missing: install Debian's libmaven3-core-java and openjdk-17-jdk-headless"
    );
    let dir = tempfile::tempdir().expect("temp dir");
    let src = dir.path().join("Cmp.java");
    std::fs::write(&src, PROGRAM).expect("write the Java oracle");
    let mut pairs = generate((version(), version()), 1500, 10);
    // From the ComparableVersion documentation and its test class.
    for (a, b) in [
        ("1", "1.0"),
        ("1-alpha", "1"),
        ("1-alpha-1", "1-alpha-2"),
        ("1.0-alpha1", "1.0-alpha-1"),
        ("1-rc", "1-cr"),
        ("1-ga", "1"),
        ("1-final", "1-release"),
        ("1-sp", "1"),
        ("1-snapshot", "1-rc"),
        ("1.0.0.x1", "1.0.0-x2"),
        ("1-abc", "1-sp"),
        ("2.0.0.Final", "2.0.0"),
        ("1.0-SNAPSHOT", "1.0"),
        ("1-1", "1.1"),
        ("1-1", "1-sp"),
    ] {
        pairs.push((a.to_owned(), b.to_owned()));
    }
    let input: String = pairs.iter().map(|(a, b)| format!("{a}\t{b}\n")).collect();
    let mut cmd = Command::new("java");
    cmd.arg("-cp").arg(JAR).arg(&src);
    let theirs = run_batch(cmd, &input);
    let ours: Vec<String> = pairs
        .iter()
        .map(|(a, b)| {
            let a: MavenVersion = a.parse().expect("non-empty");
            let b: MavenVersion = b.parse().expect("non-empty");
            sign(a.cmp(&b))
        })
        .collect();
    assert_agree("ComparableVersion", &pairs, &ours, &theirs);
}
