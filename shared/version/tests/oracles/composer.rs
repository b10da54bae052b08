//! Composer's own `VersionParser::normalize` and `Comparator` (Debian's `composer` and
//! `php-cli` packages, composer/semver) as the oracle for [`ComposerVersion`]:
//! normalisation, validity and ordering.

use std::process::Command;

use layerwatch_version::ComposerVersion;

use crate::common::{assert_agree, fragments, generate, run_batch};

const AUTOLOAD: &str = "/usr/share/php/Composer/Semver/autoload.php";

/// Reads `a<TAB>b` lines, prints `norm(a)<TAB>norm(b)<TAB>order`, `!` for invalid ones and
/// named branches, which have no order.
const ORACLE: &str = r#"
require $argv[1];
use Composer\Semver\VersionParser;
use Composer\Semver\Comparator;
$parser = new VersionParser();
function norm($parser, $v) {
    try { $n = $parser->normalize($v); } catch (Exception $e) { return "!"; }
    return strncmp($n, "dev-", 4) === 0 ? "!" : $n;
}
$out = "";
while (($line = fgets(STDIN)) !== false) {
    [$a, $b] = explode("\t", rtrim($line, "\n"));
    $na = norm($parser, $a);
    $nb = norm($parser, $b);
    if ($na === "!" || $nb === "!") { $c = "!"; }
    elseif (Comparator::lessThan($na, $nb)) { $c = "<"; }
    elseif (Comparator::greaterThan($na, $nb)) { $c = ">"; }
    else { $c = "="; }
    $out .= "$na\t$nb\t$c\n";
}
echo $out;
"#;

fn version() -> impl proptest::strategy::Strategy<Value = String> {
    const FIRST: &[&str] = &[
        "1", "1.0", "v1.2", "2.0.0", "0", "10.2.3.4", "2023", "20230115", "1.x", "dev-",
    ];
    const REST: &[&str] = &[
        ".0", ".1", ".10", "-alpha", "-alpha1", "alpha2", "-beta", "b2", "-RC", "-rc1", "RC.2",
        "-patch", "pl1", "p2", "-stable", "-dev", ".dev", "dev", "-a1", "+build", "@dev", "01",
        "15", "-x", ".x", "-", "_", "main", "-01", "-1.2",
    ];
    fragments(FIRST, REST, 3)
}

fn ours(a: &str, b: &str) -> String {
    let pa = a.parse::<ComposerVersion>().ok();
    let pb = b.parse::<ComposerVersion>().ok();
    let norm = |v: &Option<ComposerVersion>| {
        v.as_ref()
            .map_or("!".to_owned(), |v| v.normalized().to_owned())
    };
    let c = match (&pa, &pb) {
        (Some(x), Some(y)) => crate::common::sign(x.cmp(y)),
        _ => "!".to_owned(),
    };
    format!("{}\t{}\t{c}", norm(&pa), norm(&pb))
}

#[test]
fn composer_agrees_on_generated_pairs() {
    assert!(
        std::path::Path::new(AUTOLOAD).exists(),
        "{AUTOLOAD} missing: install Debian's composer and php-cli"
    );
    let mut pairs = generate((version(), version()), 1500, 12);
    // From the Composer documentation (versions and constraints, stabilities).
    for (a, b) in [
        ("1.0.0-alpha1", "1.0.0-beta1"),
        ("1.0.0-beta2", "1.0.0-RC1"),
        ("1.0.0-RC1", "1.0.0"),
        ("1.0.0", "1.0.0-patch1"),
        ("1.0.0-dev", "1.0.0-alpha1"),
        ("v2.0.4-p1", "2.0.4"),
        ("1.2", "1.2.0.0"),
        ("1.0.x-dev", "1.0.5"),
        ("2023.01.15", "2023.1.16"),
        ("dev-main", "1.0"),
    ] {
        pairs.push((a.to_owned(), b.to_owned()));
    }
    let input: String = pairs.iter().map(|(a, b)| format!("{a}\t{b}\n")).collect();
    let mut cmd = Command::new("php");
    cmd.arg("-r").arg(ORACLE.trim_start()).arg(AUTOLOAD);
    let theirs = run_batch(cmd, &input);
    let valid = theirs.iter().filter(|t| !t.ends_with('!')).count();
    assert!(valid > 300, "too few valid pairs generated ({valid})");
    let ours: Vec<String> = pairs.iter().map(|(a, b)| ours(a, b)).collect();
    assert_agree("composer/semver", &pairs, &ours, &theirs);
}
