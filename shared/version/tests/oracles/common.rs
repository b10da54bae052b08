//! Helpers for the oracle tests: locating the shared data, generating inputs, and running
//! the real tools over many inputs in one process.

use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Stdio};

use proptest::strategy::{Strategy, ValueTree};
use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};

/// The shared data folder: `$LAYERWATCH_SHARED`, else `<workspace>/../shared`.
pub fn shared_data() -> PathBuf {
    let dir = match std::env::var_os("LAYERWATCH_SHARED") {
        Some(d) => PathBuf::from(d),
        None => PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared"),
    };
    assert!(
        dir.join("data").is_dir(),
        "shared test data not found at {} (set LAYERWATCH_SHARED)",
        dir.display()
    );
    dir.join("data")
}

/// `n` values drawn from `strategy` with a fixed seed, so a failure reproduces.
pub fn generate<S: Strategy>(strategy: S, n: usize, seed: u8) -> Vec<S::Value> {
    let rng = TestRng::from_seed(RngAlgorithm::ChaCha, &[seed; 32]);
    let mut runner = TestRunner::new_with_rng(Config::default(), rng);
    (0..n)
        .map(|_| {
            strategy
                .new_tree(&mut runner)
                .expect("strategy generates a value")
                .current()
        })
        .collect()
}

/// A version string built by concatenating 0..=`max` fragments after a fixed `first` one.
pub fn fragments(
    first: &'static [&'static str],
    rest: &'static [&'static str],
    max: usize,
) -> impl Strategy<Value = String> + Clone {
    (
        proptest::sample::select(first),
        proptest::collection::vec(proptest::sample::select(rest), 0..=max),
    )
        .prop_map(|(f, r)| format!("{f}{}", r.concat()))
}

/// Runs `cmd` with `input` on its standard input and returns its standard output lines.
/// Panics with a clear message if the tool cannot be run or fails: an oracle test must
/// never pass silently without its oracle.
pub fn run_batch(mut cmd: Command, input: &str) -> Vec<String> {
    let what = format!("{cmd:?}");
    let mut child = cmd
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot run the oracle {what}: {e} (is it installed?)"));
    let mut stdin = child.stdin.take().expect("stdin was piped");
    let input = input.to_owned();
    let writer = std::thread::spawn(move || stdin.write_all(input.as_bytes()));
    let out = child.wait_with_output().expect("oracle process runs");
    writer
        .join()
        .expect("stdin writer thread")
        .expect("write to oracle stdin");
    assert!(
        out.status.success(),
        "oracle {what} failed ({}): {}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout)
        .expect("oracle output is UTF-8")
        .lines()
        .map(str::to_owned)
        .collect()
}

/// Compares our answers with the oracle's for every pair and panics listing all mismatches.
pub fn assert_agree(what: &str, pairs: &[(String, String)], ours: &[String], theirs: &[String]) {
    assert_eq!(
        theirs.len(),
        pairs.len(),
        "{what}: the oracle answered {} lines for {} pairs",
        theirs.len(),
        pairs.len()
    );
    let bad: Vec<String> = pairs
        .iter()
        .zip(ours.iter().zip(theirs))
        .filter(|(_, (o, t))| o != t)
        .map(|((a, b), (o, t))| format!("{a:?} vs {b:?}: ours {o}, oracle {t}"))
        .collect();
    assert!(
        bad.is_empty(),
        "{what}: {} of {} pairs disagree:\n{}",
        bad.len(),
        pairs.len(),
        bad.join("\n")
    );
}

/// `<`, `=` or `>`.
pub fn sign(o: std::cmp::Ordering) -> String {
    match o {
        std::cmp::Ordering::Less => "<",
        std::cmp::Ordering::Equal => "=",
        std::cmp::Ordering::Greater => ">",
    }
    .to_owned()
}
