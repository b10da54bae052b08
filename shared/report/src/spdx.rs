//! SPDX 2.3 JSON: the image as the described package, containing one package per installed
//! package, each with its purl as a `PACKAGE-MANAGER` external reference.
//!
//! Own serde structs for the subset we write: `serde-spdx` generates every 2.3 type from the
//! schema with a code generator's names and options, which costs more to fill than these few
//! structs. The tests validate the output against the published 2.3 schema.

use serde::Serialize;

use layerwatch_oci::{Algorithm, Digest};

use crate::model::{PackageEntry, Report};
use crate::stamp::Timestamp;

/// The document's own id.
pub const DOCUMENT_ID: &str = "SPDXRef-DOCUMENT";
/// The image package's id.
pub const IMAGE_ID: &str = "SPDXRef-Image";

/// An SPDX document.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Document {
    /// `SPDX-2.3`.
    pub spdx_version: &'static str,
    /// `CC0-1.0`, as the spec requires.
    pub data_license: &'static str,
    /// [`DOCUMENT_ID`].
    #[serde(rename = "SPDXID")]
    pub spdx_id: &'static str,
    /// The artifact reference.
    pub name: String,
    /// A URI unique to this image and analyzer version.
    pub document_namespace: String,
    /// Who and when.
    pub creation_info: CreationInfo,
    /// The image first, then its packages.
    pub packages: Vec<Package>,
    /// DESCRIBES and CONTAINS.
    pub relationships: Vec<Relationship>,
}

/// `creationInfo`.
#[derive(Debug, Clone, Serialize)]
pub struct CreationInfo {
    /// `YYYY-MM-DDThh:mm:ssZ`.
    pub created: String,
    /// `Tool: layerwatch-<version>`.
    pub creators: Vec<String>,
}

/// An SPDX package.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Package {
    /// `SPDXRef-...`, letters, digits, `.` and `-` only.
    #[serde(rename = "SPDXID")]
    pub spdx_id: String,
    /// Name.
    pub name: String,
    /// Version.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub version_info: Option<String>,
    /// Always `NOASSERTION`: the image says where it was installed, not downloaded from.
    pub download_location: &'static str,
    /// Files are not listed.
    pub files_analyzed: bool,
    /// The image's manifest digest.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub checksums: Vec<Checksum>,
    /// `NOASSERTION`: no licence analysis is done.
    pub license_concluded: &'static str,
    /// `NOASSERTION`: declared licence strings are often not SPDX expressions.
    pub license_declared: &'static str,
    /// The declared licence text, when there is one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub license_comments: Option<String>,
    /// `NOASSERTION`.
    pub copyright_text: &'static str,
    /// Where in the image and which layer.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source_info: Option<String>,
    /// `CONTAINER` for the image, `LIBRARY` for the rest.
    pub primary_package_purpose: &'static str,
    /// The purl.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub external_refs: Vec<ExternalRef>,
}

/// A checksum.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Checksum {
    /// `SHA256`, `SHA512`.
    pub algorithm: &'static str,
    /// Hex digits.
    pub checksum_value: String,
}

/// An external reference.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ExternalRef {
    /// `PACKAGE-MANAGER`.
    pub reference_category: &'static str,
    /// `purl`.
    pub reference_type: &'static str,
    /// The purl.
    pub reference_locator: String,
}

/// A relationship between two elements.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Relationship {
    /// From.
    pub spdx_element_id: String,
    /// `DESCRIBES`, `CONTAINS`.
    pub relationship_type: &'static str,
    /// To.
    pub related_spdx_element: String,
}

/// The SPDX document for `report`, created at `created`.
pub fn document(report: &Report, created: &Timestamp) -> Document {
    let mut packages = vec![image_package(report)];
    let mut relationships = vec![Relationship {
        spdx_element_id: DOCUMENT_ID.to_string(),
        relationship_type: "DESCRIBES",
        related_spdx_element: IMAGE_ID.to_string(),
    }];
    for (i, p) in report.packages.iter().enumerate() {
        let pkg = package(p, i);
        relationships.push(Relationship {
            spdx_element_id: IMAGE_ID.to_string(),
            relationship_type: "CONTAINS",
            related_spdx_element: pkg.spdx_id.clone(),
        });
        packages.push(pkg);
    }
    Document {
        spdx_version: "SPDX-2.3",
        data_license: "CC0-1.0",
        spdx_id: DOCUMENT_ID,
        name: report.artifact.reference.clone(),
        document_namespace: namespace(report),
        creation_info: CreationInfo {
            created: created.to_string(),
            creators: vec![format!("Tool: layerwatch-{}", report.analyzer.layerwatch)],
        },
        packages,
        relationships,
    }
}

/// `https://layerwatch.invalid/spdx/<algorithm>/<hex>/<analyzer version>`: the image digest
/// (manifest, else config, else a hash of the reference for a root filesystem) and the
/// analyzer version, so the same image scanned by the same analyzer keeps its namespace.
/// `.invalid` is reserved: the URI names, it is never fetched.
fn namespace(report: &Report) -> String {
    let a = &report.artifact;
    let digest = a
        .manifest_digest
        .clone()
        .or_else(|| a.config_digest.clone())
        .unwrap_or_else(|| Digest::sha256_of(a.reference.as_bytes()));
    format!(
        "https://layerwatch.invalid/spdx/{}/{}/{}",
        digest.algorithm().as_str(),
        digest.hex(),
        id_part(&report.analyzer.version)
    )
}

fn image_package(report: &Report) -> Package {
    let a = &report.artifact;
    let checksums = a
        .manifest_digest
        .iter()
        .map(|d| Checksum {
            algorithm: match d.algorithm() {
                Algorithm::Sha256 => "SHA256",
                Algorithm::Sha512 => "SHA512",
            },
            checksum_value: d.hex().to_string(),
        })
        .collect();
    let mut info = Vec::new();
    if let Some(p) = &a.platform {
        info.push(format!("platform {p}"));
    }
    if let Some(os) = &report.os {
        info.push(format!("os {} {}", os.family, os.version));
    }
    if let Some(c) = &a.config_digest {
        info.push(format!("config {c}"));
    }
    Package {
        spdx_id: IMAGE_ID.to_string(),
        name: a.reference.clone(),
        version_info: a.manifest_digest.as_ref().map(|d| d.to_string()),
        download_location: "NOASSERTION",
        files_analyzed: false,
        checksums,
        license_concluded: "NOASSERTION",
        license_declared: "NOASSERTION",
        license_comments: None,
        copyright_text: "NOASSERTION",
        source_info: (!info.is_empty()).then(|| info.join("; ")),
        primary_package_purpose: "CONTAINER",
        external_refs: Vec::new(),
    }
}

fn package(p: &PackageEntry, index: usize) -> Package {
    Package {
        // The index keeps ids unique when the same package sits at two paths.
        spdx_id: format!(
            "SPDXRef-Package-{}-{}-{index}",
            id_part(&p.ecosystem),
            id_part(&p.name)
        ),
        name: p.name.clone(),
        version_info: Some(p.version.clone()),
        download_location: "NOASSERTION",
        files_analyzed: false,
        checksums: Vec::new(),
        license_concluded: "NOASSERTION",
        license_declared: "NOASSERTION",
        license_comments: p.license.as_ref().map(|l| format!("declared: {l}")),
        copyright_text: "NOASSERTION",
        source_info: Some(format!("found at {} in layer {}", p.path, p.layer)),
        primary_package_purpose: "LIBRARY",
        external_refs: vec![ExternalRef {
            reference_category: "PACKAGE-MANAGER",
            reference_type: "purl",
            reference_locator: p.purl.clone(),
        }],
    }
}

/// Letters, digits, `.` and `-` kept; anything else becomes `-` (SPDXID's alphabet).
fn id_part(s: &str) -> String {
    let part: String = s
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '.' || c == '-' {
                c
            } else {
                '-'
            }
        })
        .collect();
    if part.is_empty() { "-".into() } else { part }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn id_parts_keep_only_the_spdxid_alphabet() {
        assert_eq!(id_part("@babel/core"), "-babel-core");
        assert_eq!(id_part("libc6:amd64"), "libc6-amd64");
        assert_eq!(id_part("PyYAML_x.1"), "PyYAML-x.1");
        assert_eq!(id_part(""), "-");
    }
}
