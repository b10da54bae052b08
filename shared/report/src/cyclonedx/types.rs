//! The CycloneDX 1.6 JSON objects Layerwatch writes, named and shaped as the schema names them.

use serde::Serialize;

/// A CycloneDX BOM.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Bom {
    /// The schema URL.
    #[serde(rename = "$schema")]
    pub schema: &'static str,
    /// Always `CycloneDX`.
    pub bom_format: &'static str,
    /// `1.6`.
    pub spec_version: &'static str,
    /// The BOM's version: 1, as every document is written once.
    pub version: u32,
    /// When, with what, and about what.
    pub metadata: Metadata,
    /// The packages.
    pub components: Vec<Component>,
    /// The image depends on every package.
    pub dependencies: Vec<Dependency>,
    /// The findings.
    pub vulnerabilities: Vec<Vulnerability>,
}

/// `metadata`.
#[derive(Debug, Clone, Serialize)]
pub struct Metadata {
    /// Creation time.
    pub timestamp: String,
    /// The tool that wrote it.
    pub tools: Tools,
    /// The image.
    pub component: Component,
}

/// `metadata.tools` in the 1.5+ object form.
#[derive(Debug, Clone, Serialize)]
pub struct Tools {
    /// The tools as components.
    pub components: Vec<Component>,
}

/// A component: the image, a package, or the tool.
#[derive(Debug, Clone, Serialize)]
pub struct Component {
    /// `container`, `library`, `application`.
    #[serde(rename = "type")]
    pub kind: &'static str,
    /// The reference other objects use.
    #[serde(rename = "bom-ref", skip_serializing_if = "Option::is_none")]
    pub bom_ref: Option<String>,
    /// Name.
    pub name: String,
    /// Version.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    /// Package URL.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub purl: Option<String>,
    /// Digests.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub hashes: Vec<Hash>,
    /// Licences as the package declares them.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub licenses: Vec<LicenseChoice>,
    /// Layerwatch's extra facts (`layerwatch:*`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub properties: Vec<Property>,
}

/// A digest.
#[derive(Debug, Clone, Serialize)]
pub struct Hash {
    /// `SHA-256`, `SHA-512`.
    pub alg: &'static str,
    /// Hex digits.
    pub content: String,
}

/// One entry of `licenses`.
#[derive(Debug, Clone, Serialize)]
pub struct LicenseChoice {
    /// The licence.
    pub license: License,
}

/// A licence given by name.
#[derive(Debug, Clone, Serialize)]
pub struct License {
    /// The text the package declared.
    pub name: String,
}

/// A name/value property.
#[derive(Debug, Clone, Serialize)]
pub struct Property {
    /// Name (`layerwatch:...`).
    pub name: String,
    /// Value.
    pub value: String,
}

/// One dependency edge set.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Dependency {
    /// The depending component.
    #[serde(rename = "ref")]
    pub reference: String,
    /// What it depends on.
    pub depends_on: Vec<String>,
}

/// A vulnerability affecting one component.
#[derive(Debug, Clone, Serialize)]
pub struct Vulnerability {
    /// Unique within the BOM: `<id>/<component ref>`.
    #[serde(rename = "bom-ref")]
    pub bom_ref: String,
    /// Advisory id.
    pub id: String,
    /// The database the id belongs to.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<Source>,
    /// Aliases.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub references: Vec<VulnReference>,
    /// Vendor severity and CVSS ratings.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub ratings: Vec<Rating>,
    /// Title.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// What to do.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub recommendation: Option<String>,
    /// Reference URLs.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub advisories: Vec<Advisory>,
    /// The fix state.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub analysis: Option<Analysis>,
    /// The affected component.
    pub affects: Vec<Affects>,
    /// Layerwatch's match details.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub properties: Vec<Property>,
}

/// A vulnerability database.
#[derive(Debug, Clone, Serialize)]
pub struct Source {
    /// Name.
    pub name: String,
    /// Where the entry lives.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
}

/// Another id of the same vulnerability.
#[derive(Debug, Clone, Serialize)]
pub struct VulnReference {
    /// The id.
    pub id: String,
    /// Its database.
    pub source: Source,
}

/// A severity rating.
#[derive(Debug, Clone, Serialize)]
pub struct Rating {
    /// Who rated.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<Source>,
    /// The score.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub score: Option<f64>,
    /// `critical` .. `none`, `unknown`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub severity: Option<&'static str>,
    /// `CVSSv31`, `other`, ...
    #[serde(skip_serializing_if = "Option::is_none")]
    pub method: Option<&'static str>,
    /// The CVSS vector.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub vector: Option<String>,
}

/// A reference URL.
#[derive(Debug, Clone, Serialize)]
pub struct Advisory {
    /// The URL.
    pub url: String,
}

/// The vulnerability's state for this component.
#[derive(Debug, Clone, Serialize)]
pub struct Analysis {
    /// `in_triage`.
    pub state: &'static str,
    /// `update`, `can_not_fix`, `will_not_fix`.
    pub response: Vec<&'static str>,
    /// The fix state in words.
    pub detail: String,
}

/// What a vulnerability affects.
#[derive(Debug, Clone, Serialize)]
pub struct Affects {
    /// The component's bom-ref.
    #[serde(rename = "ref")]
    pub reference: String,
    /// The installed version.
    pub versions: Vec<AffectedVersion>,
}

/// One affected version.
#[derive(Debug, Clone, Serialize)]
pub struct AffectedVersion {
    /// The version.
    pub version: String,
    /// `affected`.
    pub status: &'static str,
}
