//! PHP: Composer's `vendor/composer/installed.json`.
//!
//! Composer 1 writes a JSON array of packages; Composer 2 an object whose `packages` holds that
//! array (with `dev` and `dev-package-names` beside it). Each package has `name`
//! (`vendor/project`) and `version` as tagged (`v5.4.3`, `1.2.0`, `dev-main`).

use layerwatch_inventory::{Ecosystem, Package};
use serde::Deserialize;

use crate::{Reason, package};

#[derive(Deserialize)]
#[serde(untagged)]
enum Installed {
    V2 { packages: Vec<Entry> },
    V1(Vec<Entry>),
}

#[derive(Deserialize)]
struct Entry {
    name: String,
    version: Option<String>,
    #[serde(default)]
    license: Vec<String>,
}

/// Reads `installed.json` of either Composer generation.
pub(crate) fn parse_installed(bytes: &[u8]) -> Result<Vec<Package>, Reason> {
    let installed: Installed = serde_json::from_slice(bytes)
        .map_err(|e| format!("neither a Composer 1 nor a Composer 2 installed.json: {e}"))?;
    let entries = match installed {
        Installed::V2 { packages } | Installed::V1(packages) => packages,
    };
    Ok(entries
        .into_iter()
        .filter_map(|entry| {
            let version = entry.version.filter(|v| !v.is_empty())?;
            let mut package = package(Ecosystem::Composer, entry.name, version);
            package.license = (!entry.license.is_empty()).then(|| entry.license.join(" OR "));
            Some(package)
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_shapes() {
        let v1 = br#"[{"name":"guzzlehttp/guzzle","version":"6.3.3","license":["MIT"]}]"#;
        let v2 = br#"{"packages":[{"name":"guzzlehttp/guzzle","version":"6.3.3"}],"dev":true}"#;
        for bytes in [&v1[..], &v2[..]] {
            let got = parse_installed(bytes).expect("valid");
            assert_eq!(got.len(), 1);
            assert_eq!(got[0].name, "guzzlehttp/guzzle");
            assert_eq!(got[0].version, "6.3.3");
        }
        assert!(parse_installed(br#"{"packages":7}"#).is_err());
    }
}
