//! Helpers shared by the integration tests: finding the shared test data and running oracles.

#![allow(dead_code)]

use std::path::PathBuf;
use std::process::Command;

/// The shared data folder: `$LAYERWATCH_SHARED/data`, else `<workspace>/../shared/data`.
pub fn data_dir() -> PathBuf {
    let shared = match std::env::var_os("LAYERWATCH_SHARED") {
        Some(dir) => PathBuf::from(dir),
        None => PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared"),
    };
    let data = shared.join("data");
    assert!(
        data.join("pkgdb").is_dir(),
        "shared test data not found at {} (set LAYERWATCH_SHARED)",
        data.display()
    );
    data
}

/// Reads a file under the data folder.
pub fn read(relative: &str) -> Vec<u8> {
    let path = data_dir().join(relative);
    std::fs::read(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

/// Runs `command`, panics with its stderr unless it succeeds, and returns its stdout.
pub fn run(command: &mut Command) -> String {
    let output = command
        .output()
        .unwrap_or_else(|e| panic!("cannot run {command:?}: {e} (is the tool installed?)"));
    assert!(
        output.status.success(),
        "{command:?} failed: {}\n{}",
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).expect("tool output is UTF-8")
}

/// Feeds every prefix of `bytes` (all of them for small inputs, a spread for large ones) and a
/// few corrupted copies to `parse`; it must return, never panic.
pub fn no_panic_on_damage(bytes: &[u8], parse: impl Fn(&[u8])) {
    let step = (bytes.len() / 400).max(1);
    for end in (0..bytes.len()).step_by(step) {
        parse(&bytes[..end]);
    }
    // Flip one byte at a time at pseudo-random positions, so offsets and lengths anywhere in
    // the file get garbage values while the rest stays valid.
    let mut damaged = bytes.to_vec();
    let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
    for _ in 0..200 {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        if damaged.is_empty() {
            break;
        }
        let at = (state as usize) % damaged.len();
        damaged[at] ^= (state >> 32) as u8 | 1;
        parse(&damaged);
        damaged[at] = bytes[at];
    }
}
