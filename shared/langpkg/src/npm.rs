//! npm: the `package.json` of an installed module and `package-lock.json` (v1, v2, v3).
//!
//! A lockfile lists one entry per installed copy: v1 nests `dependencies` the way
//! `node_modules` nests, v2 and v3 key `packages` by the install path
//! (`node_modules/a/node_modules/b`). v2 carries both shapes; `packages` is read when present,
//! so v1, v2 and v3 of one tree give the same instances. The project itself (`""`), workspace
//! folders and links are not installed packages and are left out, and so are entries marked
//! `dev` (as Trivy and `npm ci --omit=dev` do): a development dependency that is installed
//! anyway is found through its own `node_modules/**/package.json`.

use std::collections::BTreeMap;

use layerwatch_inventory::{Ecosystem, Package};
use serde::Deserialize;
use serde_json::Value;

use crate::{Reason, package};

#[derive(Deserialize)]
struct PackageJson {
    name: Option<Value>,
    version: Option<Value>,
    license: Option<Value>,
}

/// The licence of a manifest: a string, or the legacy `{ "type": ... }` object.
fn license_of(value: Option<&Value>) -> Option<String> {
    match value? {
        Value::String(s) if !s.is_empty() => Some(s.clone()),
        Value::Object(o) => o.get("type")?.as_str().map(str::to_string),
        _ => None,
    }
}

/// The manifest of a module in `node_modules`. One without a name or version (a placeholder,
/// a private stub) is not a package and gives none.
pub(crate) fn parse_package_json(bytes: &[u8]) -> Result<Vec<Package>, Reason> {
    let manifest: PackageJson = serde_json::from_slice(bytes).map_err(|e| e.to_string())?;
    let (Some(Value::String(name)), Some(Value::String(version))) =
        (&manifest.name, &manifest.version)
    else {
        return Ok(Vec::new());
    };
    if name.is_empty() || version.is_empty() {
        return Ok(Vec::new());
    }
    let mut package = package(Ecosystem::Npm, name.as_str(), version.as_str());
    package.license = license_of(manifest.license.as_ref());
    Ok(vec![package])
}

#[derive(Deserialize)]
struct Lock {
    #[serde(rename = "lockfileVersion")]
    lockfile_version: Option<u64>,
    packages: Option<BTreeMap<String, LockPackage>>,
    dependencies: Option<BTreeMap<String, LockDependency>>,
}

#[derive(Deserialize)]
struct LockPackage {
    name: Option<String>,
    version: Option<String>,
    #[serde(default)]
    link: bool,
    #[serde(default)]
    dev: bool,
    license: Option<Value>,
}

#[derive(Deserialize)]
struct LockDependency {
    version: Option<String>,
    #[serde(default)]
    dev: bool,
    dependencies: Option<BTreeMap<String, LockDependency>>,
}

/// True for a registry version; git, tarball, `file:` and `link:` specs are not versions the
/// advisories could name.
fn is_version(version: &str) -> bool {
    !version.is_empty() && !version.contains([':', '/'])
}

/// The module name of an install path: what follows its last `node_modules/`.
fn name_of_install_path(path: &str) -> Option<&str> {
    let (_, name) = path.rsplit_once("node_modules/")?;
    (!name.is_empty()).then_some(name)
}

/// Reads a `package-lock.json` or `npm-shrinkwrap.json`.
pub(crate) fn parse_lock(bytes: &[u8]) -> Result<Vec<Package>, Reason> {
    let lock: Lock = serde_json::from_slice(bytes).map_err(|e| e.to_string())?;
    let mut out = Vec::new();
    if let Some(packages) = lock.packages {
        for (path, entry) in packages {
            // `""` is the project, `packages/x` a workspace folder, `link` a symlink to one.
            let Some(dir_name) = name_of_install_path(&path) else {
                continue;
            };
            if entry.link || entry.dev {
                continue;
            }
            // An alias (`"node_modules/foo": { "name": "bar" }`) installs `bar` under `foo`.
            let name = entry.name.as_deref().unwrap_or(dir_name);
            let Some(version) = entry.version.as_deref().filter(|v| is_version(v)) else {
                continue;
            };
            let mut package = package(Ecosystem::Npm, name, version);
            package.license = license_of(entry.license.as_ref());
            out.push(package);
        }
        return Ok(out);
    }
    match (lock.dependencies, lock.lockfile_version) {
        (Some(dependencies), _) => walk_v1(&dependencies, &mut out, 0)?,
        (None, Some(1) | None) => {}
        (None, Some(v)) => return Err(format!("lockfileVersion {v} without `packages`")),
    }
    Ok(out)
}

/// Nesting deeper than this is not a real install tree (npm flattens); it ends the file.
const MAX_DEPTH: usize = 64;

fn walk_v1(
    dependencies: &BTreeMap<String, LockDependency>,
    out: &mut Vec<Package>,
    depth: usize,
) -> Result<(), Reason> {
    if depth > MAX_DEPTH {
        return Err(format!("dependencies nest deeper than {MAX_DEPTH} levels"));
    }
    for (name, dependency) in dependencies {
        if dependency.dev {
            continue;
        }
        if let Some(version) = dependency.version.as_deref().filter(|v| is_version(v)) {
            out.push(package(Ecosystem::Npm, name.as_str(), version));
        }
        if let Some(nested) = &dependency.dependencies {
            walk_v1(nested, out, depth + 1)?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(packages: &[Package]) -> Vec<(String, String)> {
        let mut v: Vec<_> = packages
            .iter()
            .map(|p| (p.name.clone(), p.version.clone()))
            .collect();
        v.sort();
        v
    }

    #[test]
    fn manifest() {
        let got =
            parse_package_json(br#"{"name":"@babel/core","version":"7.0.0","license":"MIT"}"#)
                .expect("valid");
        assert_eq!(pairs(&got), [("@babel/core".into(), "7.0.0".into())]);
        assert_eq!(got[0].license.as_deref(), Some("MIT"));
        assert!(
            parse_package_json(br#"{"name":"x"}"#)
                .expect("valid")
                .is_empty()
        );
        assert!(parse_package_json(b"{").is_err());
    }

    #[test]
    fn lock_versions_agree() {
        let v1 = br#"{"lockfileVersion":1,"dependencies":{
            "a":{"version":"1.0.0","dependencies":{"b":{"version":"2.0.0"}}},
            "b":{"version":"3.0.0"},
            "d":{"version":"1.0.0","dev":true},
            "g":{"version":"github:x/y#abc"}}}"#;
        let v3 = br#"{"lockfileVersion":3,"packages":{
            "":{"name":"app","version":"1.0.0"},
            "node_modules/a":{"version":"1.0.0"},
            "node_modules/a/node_modules/b":{"version":"2.0.0"},
            "node_modules/b":{"version":"3.0.0"},
            "node_modules/d":{"version":"1.0.0","dev":true},
            "node_modules/w":{"resolved":"packages/w","link":true},
            "packages/w":{"name":"w","version":"0.1.0"}}}"#;
        let one = pairs(&parse_lock(v1).expect("v1"));
        assert_eq!(one, pairs(&parse_lock(v3).expect("v3")));
        assert_eq!(
            one,
            [
                ("a".into(), "1.0.0".into()),
                ("b".into(), "2.0.0".into()),
                ("b".into(), "3.0.0".into())
            ]
        );
    }

    #[test]
    fn alias_uses_real_name() {
        let lock = br#"{"lockfileVersion":2,"packages":{
            "node_modules/foo":{"name":"bar","version":"1.2.3"}},"dependencies":{}}"#;
        assert_eq!(
            pairs(&parse_lock(lock).expect("valid")),
            [("bar".into(), "1.2.3".into())]
        );
    }
}
