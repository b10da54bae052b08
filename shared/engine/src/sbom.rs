//! `sbom:FILE` targets: the packages of a CycloneDX (1.4 to 1.6) or SPDX 2.3 JSON SBOM, made by
//! Layerwatch or by another tool, matched by their package URLs.
//!
//! The purl is the whole identity of a package here. OS package purls carry the distribution
//! (`distro=alpine-3.10.4`, or Trivy's `distro=3.10.4` under the `alpine` namespace) and the
//! source package (`upstream=openssl` or `upstream=openssl@1.1.1d-r2`), so an SBOM written by
//! Layerwatch and scanned again is matched against the same release through the same source
//! package as the image was. An SBOM has no layers: a package's `layer` is the one recorded
//! by Layerwatch's `layerwatch:layer_digest` property when present, else the digest of the SBOM
//! file itself (the blob the package was read from).

use std::collections::BTreeSet;
use std::path::Path;
use std::str::FromStr;

use layerwatch_inventory::{Ecosystem, Os, Warning};
use layerwatch_oci::Digest;
use layerwatch_report::{Analyzer, Artifact, PackageEntry, Report, SCHEMA_VERSION};
use packageurl::PackageUrl;
use serde_json::Value;

use crate::error::EngineError;

/// Why an SBOM could not be read.
#[derive(Debug, thiserror::Error)]
pub enum SbomError {
    /// Not JSON.
    #[error("{path}: not a JSON document: {reason}")]
    Json {
        /// The file.
        path: String,
        /// The parser's message.
        reason: String,
    },
    /// JSON, but neither CycloneDX nor SPDX 2.x.
    #[error("{path}: neither a CycloneDX (bomFormat) nor an SPDX 2.x (spdxVersion) document")]
    UnknownFormat {
        /// The file.
        path: String,
    },
}

/// One package read from an SBOM: its purl and, for our own SBOMs, the layer it came from.
struct Listed {
    purl: String,
    layer: Option<Digest>,
    path: Option<String>,
}

/// Reads the SBOM at `path` into a report with packages and no findings yet.
pub fn report_from_sbom(path: &Path) -> Result<Report, EngineError> {
    let bytes = std::fs::read(path).map_err(|source| EngineError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    let name = path.display().to_string();
    let doc: Value = serde_json::from_slice(&bytes).map_err(|e| SbomError::Json {
        path: name.clone(),
        reason: e.to_string(),
    })?;
    let (listed, subject) = if doc.get("bomFormat").and_then(Value::as_str) == Some("CycloneDX") {
        cyclonedx(&doc)
    } else if doc
        .get("spdxVersion")
        .and_then(Value::as_str)
        .is_some_and(|v| v.starts_with("SPDX-2"))
    {
        spdx(&doc)
    } else {
        return Err(SbomError::UnknownFormat { path: name }.into());
    };

    let sbom_digest = Digest::sha256_of(&bytes);
    let mut warnings = Vec::new();
    let mut packages = Vec::new();
    let mut os: Option<Os> = None;
    let mut seen = BTreeSet::new();
    for item in listed {
        let Some((package, package_os)) = from_purl(&item.purl) else {
            warnings.push(
                Warning::new(
                    "purl-unsupported",
                    format!("{}: package type not matched", item.purl),
                )
                .at_path(name.clone()),
            );
            continue;
        };
        if os.is_none() {
            os = package_os;
        }
        if !seen.insert(item.purl.clone()) {
            continue;
        }
        packages.push(PackageEntry {
            layer: item.layer.unwrap_or_else(|| sbom_digest.clone()),
            path: item.path.unwrap_or_else(|| name.clone()),
            purl: item.purl,
            ..package
        });
    }
    if packages.is_empty() {
        warnings.push(Warning::new(
            "no-packages",
            format!("{name}: the SBOM lists no package with a purl"),
        ));
    }
    let reference = match subject {
        Some(subject) => format!("sbom:{name} ({subject})"),
        None => format!("sbom:{name}"),
    };
    Ok(Report {
        schema_version: SCHEMA_VERSION,
        artifact: Artifact {
            reference,
            ..Artifact::default()
        },
        os,
        layers: Vec::new(),
        packages,
        findings: Vec::new(),
        checks: Vec::new(),
        advisory_db: None,
        coverage: Vec::new(),
        analyzer: Analyzer {
            version: layerwatch_inventory::ANALYZER_VERSION.to_string(),
            layerwatch: env!("CARGO_PKG_VERSION").to_string(),
        },
        warnings,
    })
}

fn property<'a>(component: &'a Value, name: &str) -> Option<&'a str> {
    component
        .get("properties")?
        .as_array()?
        .iter()
        .find_map(|p| {
            (p.get("name")?.as_str()? == name)
                .then(|| p.get("value")?.as_str())
                .flatten()
        })
}

/// Components (nested ones too) of a CycloneDX document, and the subject's name.
fn cyclonedx(doc: &Value) -> (Vec<Listed>, Option<String>) {
    fn walk(components: Option<&Value>, out: &mut Vec<Listed>) {
        for c in components.and_then(Value::as_array).into_iter().flatten() {
            if let Some(purl) = c.get("purl").and_then(Value::as_str) {
                out.push(Listed {
                    purl: purl.to_string(),
                    layer: property(c, "layerwatch:layer_digest").and_then(|d| d.parse().ok()),
                    path: property(c, "layerwatch:path").map(str::to_string),
                });
            }
            walk(c.get("components"), out);
        }
    }
    let mut out = Vec::new();
    walk(doc.get("components"), &mut out);
    let subject = doc
        .pointer("/metadata/component/name")
        .and_then(Value::as_str)
        .map(str::to_string);
    (out, subject)
}

/// Packages of an SPDX 2.x document with a purl external reference, and the document name.
fn spdx(doc: &Value) -> (Vec<Listed>, Option<String>) {
    let mut out = Vec::new();
    for package in doc
        .get("packages")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let refs = package
            .get("externalRefs")
            .and_then(Value::as_array)
            .into_iter()
            .flatten();
        for r in refs {
            if r.get("referenceType").and_then(Value::as_str) == Some("purl")
                && let Some(purl) = r.get("referenceLocator").and_then(Value::as_str)
            {
                out.push(Listed {
                    purl: purl.to_string(),
                    layer: None,
                    path: None,
                });
            }
        }
    }
    let subject = doc.get("name").and_then(Value::as_str).map(str::to_string);
    (out, subject)
}

/// The distribution named by a purl's `distro` qualifier: `alpine-3.10.4`, or a bare version
/// under the namespace (`pkg:apk/alpine/...?distro=3.10.4`).
fn distro(namespace: Option<&str>, qualifier: &str) -> Option<Os> {
    let (family, version) = match qualifier.split_once('-') {
        Some((family, version)) if family.chars().all(|c| c.is_ascii_alphabetic()) => {
            (family.to_string(), version.to_string())
        }
        _ => (namespace?.to_string(), qualifier.to_string()),
    };
    Some(Os {
        family,
        version,
        codename: None,
    })
}

/// The package a purl names, without layer and path, and the OS its qualifiers name.
fn from_purl(purl: &str) -> Option<(PackageEntry, Option<Os>)> {
    let parsed = PackageUrl::from_str(purl).ok()?;
    let ecosystem: Ecosystem =
        serde_json::from_value(Value::String(parsed.ty().to_string())).ok()?;
    let q = |key: &str| parsed.qualifiers().get(key).map(|v| v.to_string());
    let ns = parsed.namespace();
    let name = match (ecosystem, ns) {
        (Ecosystem::Maven, Some(group)) => format!("{group}:{}", parsed.name()),
        (Ecosystem::Npm | Ecosystem::Golang | Ecosystem::Composer, Some(ns)) => {
            format!("{ns}/{}", parsed.name())
        }
        _ => parsed.name().to_string(),
    };
    let mut version = parsed.version().unwrap_or_default().to_string();
    if ecosystem == Ecosystem::Rpm
        && let Some(epoch) = q("epoch").filter(|e| e != "0")
    {
        version = format!("{epoch}:{version}");
    }
    let (source_name, source_version, os) = if ecosystem.is_os() {
        let (source, source_version) = match q("upstream") {
            Some(up) => match up.split_once('@') {
                Some((n, v)) => (n.to_string(), v.to_string()),
                None => (up, version.clone()),
            },
            None => (name.clone(), version.clone()),
        };
        let os = q("distro").and_then(|d| distro(ns, &d));
        (Some(source), Some(source_version), os)
    } else {
        (None, None, None)
    };
    let entry = PackageEntry {
        name,
        version,
        ecosystem: ecosystem.as_str().to_string(),
        source_name,
        source_version,
        layer: Digest::sha256_of(b""),
        path: String::new(),
        purl: purl.to_string(),
        arch: q("arch"),
        license: None,
        os_owned: false,
    };
    Some((entry, os))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn os_purls_give_distro_and_source() {
        let (p, os) = from_purl(
            "pkg:apk/alpine/libcrypto1.1@1.1.1d-r2?arch=x86_64&distro=alpine-3.10.4&upstream=openssl",
        )
        .expect("apk purl");
        assert_eq!(
            (p.name.as_str(), p.version.as_str()),
            ("libcrypto1.1", "1.1.1d-r2")
        );
        assert_eq!(p.source_name.as_deref(), Some("openssl"));
        let os = os.expect("distro");
        assert_eq!(
            (os.family.as_str(), os.version.as_str()),
            ("alpine", "3.10.4")
        );
        // Trivy writes the bare version under the namespace.
        let (_, os) = from_purl("pkg:apk/alpine/musl@1.1.22-r3?distro=3.10.2").expect("trivy purl");
        assert_eq!(os.expect("distro").family, "alpine");
        let (p, _) = from_purl("pkg:deb/debian/libssl1.1@1.1.1d-0%2Bdeb10u2?distro=debian-10&upstream=openssl%401.1.1d-0%2Bdeb10u2")
            .expect("deb purl");
        assert_eq!(p.source_version.as_deref(), Some("1.1.1d-0+deb10u2"));
    }

    #[test]
    fn language_names_and_rpm_epochs() {
        assert_eq!(
            from_purl("pkg:npm/%40babel/core@7.0.0")
                .expect("npm")
                .0
                .name,
            "@babel/core"
        );
        assert_eq!(
            from_purl("pkg:maven/org.apache/commons@1.0")
                .expect("maven")
                .0
                .name,
            "org.apache:commons"
        );
        assert_eq!(
            from_purl("pkg:rpm/amazon/bash@5.2-1?epoch=1")
                .expect("rpm")
                .0
                .version,
            "1:5.2-1"
        );
        assert!(from_purl("pkg:generic/thing@1").is_none());
        assert!(from_purl("not a purl").is_none());
    }
}
