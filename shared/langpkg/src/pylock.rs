//! Python lockfiles an application ships: `poetry.lock`, `Pipfile.lock`, `uv.lock` and PEP 751
//! `pylock.toml`. Names are normalised as PEP 503 says; versions are kept as written.
//!
//! Development groups are left out where the file marks them (`Pipfile.lock`'s `develop`,
//! `category = "dev"` of older `poetry.lock`), as Trivy does. Entries without a version
//! (editable or VCS sources in `Pipfile.lock`, dynamic versions in `uv.lock`) cannot be
//! matched and are left out.

use std::collections::BTreeMap;

use layerwatch_inventory::{Ecosystem, Package};
use serde::Deserialize;

use crate::python::normalize_pypi_name;
use crate::{Reason, package, text};

#[derive(Deserialize)]
struct TomlEntry {
    name: String,
    version: Option<String>,
    category: Option<String>,
}

fn pypi(name: &str, version: &str) -> Package {
    package(Ecosystem::Pypi, normalize_pypi_name(name), version)
}

fn from_entries(entries: Vec<TomlEntry>) -> Vec<Package> {
    entries
        .into_iter()
        .filter_map(|e| {
            if e.category.as_deref() == Some("dev") {
                return None;
            }
            let version = e.version.filter(|v| !v.is_empty())?;
            Some(pypi(&e.name, &version))
        })
        .collect()
}

/// `poetry.lock` and `uv.lock`: a `[[package]]` array of tables.
#[derive(Deserialize)]
struct PackageArray {
    #[serde(default)]
    package: Vec<TomlEntry>,
}

/// Reads a `poetry.lock`.
pub(crate) fn parse_poetry(bytes: &[u8]) -> Result<Vec<Package>, Reason> {
    let lock: PackageArray = toml::from_str(&text(bytes)).map_err(|e| e.to_string())?;
    Ok(from_entries(lock.package))
}

/// Reads a `uv.lock` (the project itself is listed too, as uv and Trivy list it).
pub(crate) fn parse_uv(bytes: &[u8]) -> Result<Vec<Package>, Reason> {
    parse_poetry(bytes)
}

/// PEP 751: a `[[packages]]` array of tables.
#[derive(Deserialize)]
struct PyLock {
    #[serde(default)]
    packages: Vec<TomlEntry>,
}

/// Reads a `pylock.toml`.
pub(crate) fn parse_pylock(bytes: &[u8]) -> Result<Vec<Package>, Reason> {
    let lock: PyLock = toml::from_str(&text(bytes)).map_err(|e| e.to_string())?;
    Ok(from_entries(lock.packages))
}

#[derive(Deserialize)]
struct Pipfile {
    #[serde(default)]
    default: BTreeMap<String, PipfileEntry>,
}

#[derive(Deserialize)]
struct PipfileEntry {
    version: Option<String>,
}

/// Reads a `Pipfile.lock`: the `default` group, versions pinned as `==X`.
pub(crate) fn parse_pipfile(bytes: &[u8]) -> Result<Vec<Package>, Reason> {
    let lock: Pipfile = serde_json::from_slice(bytes).map_err(|e| e.to_string())?;
    let mut out = Vec::new();
    for (name, entry) in &lock.default {
        let Some(version) = entry.version.as_deref() else {
            continue;
        };
        let version = version.strip_prefix("==").unwrap_or(version).trim();
        if !version.is_empty() && !version.starts_with(['<', '>', '=', '~', '!', '*']) {
            out.push(pypi(name, version));
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pipfile_versions() {
        let lock = br#"{"_meta":{},"default":{"Werkzeug":{"version":"==0.11.1"},
            "editable":{"editable":true,"path":"."}},"develop":{"pytest":{"version":"==7.0.0"}}}"#;
        let got: Vec<_> = parse_pipfile(lock)
            .expect("valid")
            .into_iter()
            .map(|p| (p.name, p.version))
            .collect();
        assert_eq!(got, [("werkzeug".to_string(), "0.11.1".to_string())]);
    }

    #[test]
    fn toml_shapes() {
        let poetry = b"[[package]]\nname = \"Werkzeug\"\nversion = \"0.14\"\n\n\
                       [[package]]\nname = \"pytest\"\nversion = \"7.0.0\"\ncategory = \"dev\"\n\n[metadata]\nlock-version = \"2.0\"\n";
        let got = parse_poetry(poetry).expect("valid");
        assert_eq!((got.len(), got[0].name.as_str()), (1, "werkzeug"));
        let pylock =
            b"lock-version = \"1.0\"\n[[packages]]\nname = \"click\"\nversion = \"8.1.3\"\n\
                       [[packages]]\nname = \"local\"\n";
        assert_eq!(parse_pylock(pylock).expect("valid").len(), 1);
        assert!(parse_uv(b"[[package]]\nversion = \"1\"\n").is_err());
    }
}
