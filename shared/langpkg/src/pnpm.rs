//! `pnpm-lock.yaml`: every resolved package is a key of `packages`.
//!
//! The key's shape depends on `lockfileVersion`: before 6 it is `/name/1.2.3` (peer
//! suffixes after `_`), in 6 `/name@1.2.3`, from 9 `name@1.2.3`; from 6 on, peer suffixes
//! are in parentheses (`/react-dom@18.2.0(react@18.2.0)`). A `version` field inside the
//! entry wins (tarball and git dependencies); non-registry versions are left out.

use std::collections::BTreeMap;

use layerwatch_inventory::{Ecosystem, Package};
use serde::Deserialize;
use serde_yaml::Value;

use crate::{Reason, package};

#[derive(Deserialize)]
struct Lock {
    #[serde(rename = "lockfileVersion")]
    lockfile_version: Option<Value>,
    #[serde(default)]
    packages: Option<BTreeMap<String, Entry>>,
}

#[derive(Deserialize, Default)]
struct Entry {
    name: Option<String>,
    version: Option<Value>,
}

/// The major `lockfileVersion` (written as `5.4`, `'6.0'` or `'9.0'`).
fn major(version: Option<&Value>) -> Result<u64, Reason> {
    let text = match version {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Number(n)) => n.to_string(),
        _ => return Err("no lockfileVersion".into()),
    };
    text.split('.')
        .next()
        .and_then(|m| m.trim().parse().ok())
        .ok_or_else(|| format!("lockfileVersion {text:?}"))
}

/// Name and version from a `packages` key.
fn split_key(key: &str, major: u64) -> Option<(&str, &str)> {
    let key = key.strip_prefix('/').unwrap_or(key);
    if major < 6 {
        let (name, version) = key.rsplit_once('/')?;
        let version = version.split('_').next().unwrap_or(version);
        return Some((name, version));
    }
    let key = key.split('(').next().unwrap_or(key);
    let at = key.get(1..)?.find('@')? + 1;
    Some((&key[..at], &key[at + 1..]))
}

fn is_version(version: &str) -> bool {
    !version.is_empty() && !version.contains([':', '/'])
}

/// Reads a `pnpm-lock.yaml`.
pub(crate) fn parse(bytes: &[u8]) -> Result<Vec<Package>, Reason> {
    let lock: Lock = serde_yaml::from_slice(bytes).map_err(|e| e.to_string())?;
    let major = major(lock.lockfile_version.as_ref())?;
    let mut out = Vec::new();
    for (key, entry) in lock.packages.unwrap_or_default() {
        let Some((key_name, key_version)) = split_key(&key, major) else {
            return Err(format!("package key {key:?} has no version"));
        };
        let version = match &entry.version {
            Some(Value::String(v)) => v.as_str(),
            _ => key_version,
        };
        if !is_version(version) || key_name.is_empty() {
            continue;
        }
        let name = entry.name.as_deref().unwrap_or(key_name);
        out.push(package(Ecosystem::Npm, name, version));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(text: &str) -> Vec<(String, String)> {
        parse(text.as_bytes())
            .expect("valid")
            .into_iter()
            .map(|p| (p.name, p.version))
            .collect()
    }

    #[test]
    fn key_shapes() {
        let v5 = "lockfileVersion: 5.4\npackages:\n  /@babel/core/7.0.0:\n    dev: false\n  \
                  /react-dom/18.2.0_react@18.2.0:\n    dev: false\n";
        assert_eq!(
            pairs(v5),
            [
                ("@babel/core".into(), "7.0.0".into()),
                ("react-dom".into(), "18.2.0".into())
            ]
        );
        let v9 = "lockfileVersion: '9.0'\npackages:\n  '@babel/core@7.0.0':\n    resolution: {}\n  \
                  react-dom@18.2.0(react@18.2.0):\n    resolution: {}\n  \
                  tar@https://x/t.tgz:\n    version: 1.0.0\n    name: tarred\n";
        assert_eq!(
            pairs(v9),
            [
                ("@babel/core".into(), "7.0.0".into()),
                ("react-dom".into(), "18.2.0".into()),
                ("tarred".into(), "1.0.0".into())
            ]
        );
    }

    #[test]
    fn bad_input() {
        assert!(parse(b"packages: {}\n").is_err());
        assert!(parse(b"lockfileVersion: '6.0'\npackages:\n  /nover: {}\n").is_err());
        assert!(parse(b"[").is_err());
    }
}
