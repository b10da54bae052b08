//! Rust: `Cargo.lock`, every `[[package]]` with its name and version.
//!
//! The workspace's own crates are listed too (they have no `source`), as cargo-audit and
//! Trivy list them: an advisory cannot name them unless they are also published.

use layerwatch_inventory::{Ecosystem, Package};
use serde::Deserialize;

use crate::{Reason, package, text};

#[derive(Deserialize)]
struct Lock {
    #[serde(default)]
    package: Vec<Entry>,
}

#[derive(Deserialize)]
struct Entry {
    name: String,
    version: String,
}

/// Reads a `Cargo.lock` (any lockfile version: the `[[package]]` table is the same).
pub(crate) fn parse_cargo_lock(bytes: &[u8]) -> Result<Vec<Package>, Reason> {
    let lock: Lock = toml::from_str(&text(bytes)).map_err(|e| e.to_string())?;
    Ok(lock
        .package
        .into_iter()
        .map(|e| package(Ecosystem::Cargo, e.name, e.version))
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn packages() {
        let lock = "version = 3\n\n[[package]]\nname = \"app\"\nversion = \"0.1.0\"\n\
                    dependencies = [\"memchr\"]\n\n[[package]]\nname = \"memchr\"\nversion = \"1.0.2\"\n\
                    source = \"registry+https://github.com/rust-lang/crates.io-index\"\n";
        let got = parse_cargo_lock(lock.as_bytes()).expect("valid");
        assert_eq!(got.len(), 2);
        assert_eq!(
            (got[1].name.as_str(), got[1].version.as_str()),
            ("memchr", "1.0.2")
        );
        assert!(parse_cargo_lock(b"[[package]]\nname = 1\n").is_err());
    }
}
