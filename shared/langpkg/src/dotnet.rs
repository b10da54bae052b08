//! .NET: the `<app>.deps.json` that the SDK writes beside an application.
//!
//! `libraries` maps `Name/Version` to an entry whose `type` says what it is: `package` for
//! NuGet packages; `project` (the application and its own projects) and `reference` are not
//! packages from a feed and are left out.

use std::collections::BTreeMap;

use layerwatch_inventory::{Ecosystem, Package};
use serde::Deserialize;

use crate::{Reason, package};

#[derive(Deserialize)]
struct Deps {
    #[serde(default)]
    libraries: BTreeMap<String, Library>,
}

#[derive(Deserialize)]
struct Library {
    #[serde(rename = "type")]
    kind: Option<String>,
}

/// Reads the NuGet packages of a `deps.json`.
pub(crate) fn parse_deps(bytes: &[u8]) -> Result<Vec<Package>, Reason> {
    let deps: Deps = serde_json::from_slice(bytes).map_err(|e| e.to_string())?;
    let mut out = Vec::new();
    for (key, library) in deps.libraries {
        if !library
            .kind
            .as_deref()
            .is_some_and(|k| k.eq_ignore_ascii_case("package"))
        {
            continue;
        }
        let (name, version) = key
            .split_once('/')
            .filter(|(n, v)| !n.is_empty() && !v.is_empty())
            .ok_or_else(|| format!("library {key:?} is not NAME/VERSION"))?;
        out.push(package(Ecosystem::Nuget, name, version));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn packages_only() {
        let deps = br#"{"runtimeTarget":{"name":".NETCoreApp,Version=v6.0"},"libraries":{
            "MyApp/1.0.0":{"type":"project","serviceable":false},
            "Newtonsoft.Json/13.0.1":{"type":"package","serviceable":true,"sha512":"x"}}}"#;
        let got = parse_deps(deps).expect("valid");
        assert_eq!(got.len(), 1);
        assert_eq!(
            (got[0].name.as_str(), got[0].version.as_str()),
            ("Newtonsoft.Json", "13.0.1")
        );
        assert!(parse_deps(br#"{"libraries":{"Bad":{"type":"package"}}}"#).is_err());
    }
}
