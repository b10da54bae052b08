//! Media types of manifests, configs and layers (Docker and OCI), as one enum.
//!
//! Known strings map to a variant and every other string is kept as [`MediaType::Other`], so
//! parsing never fails and printing gives back exactly the string that was read. Serde goes
//! through the same string form.

use std::convert::Infallible;
use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// How a layer blob is compressed, as its media type says.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Compression {
    /// A plain tar.
    None,
    /// gzip (RFC 1952).
    Gzip,
    /// Zstandard.
    Zstd,
}

/// A media type as found in manifests, descriptors and HTTP `Content-Type` headers.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum MediaType {
    /// Docker image manifest, schema 2.
    DockerManifest,
    /// Docker manifest list (multi-platform).
    DockerManifestList,
    /// Docker image manifest, schema 1 (unsigned); no longer supported by registries.
    DockerSchema1,
    /// Docker image manifest, schema 1, signed (JWS).
    DockerSchema1Signed,
    /// Docker image config.
    DockerConfig,
    /// Docker layer, gzip-compressed tar.
    DockerLayerGzip,
    /// Docker layer, plain tar (written by some tools, e.g. containerd exports).
    DockerLayerTar,
    /// Docker foreign layer (Windows base layers), gzip-compressed tar.
    DockerForeignLayerGzip,
    /// OCI image manifest.
    OciManifest,
    /// OCI image index.
    OciIndex,
    /// OCI image config.
    OciConfig,
    /// OCI layer, plain tar.
    OciLayer,
    /// OCI layer, gzip-compressed tar.
    OciLayerGzip,
    /// OCI layer, zstd-compressed tar.
    OciLayerZstd,
    /// OCI non-distributable layer, plain tar.
    OciNondistributableLayer,
    /// OCI non-distributable layer, gzip-compressed tar.
    OciNondistributableLayerGzip,
    /// OCI non-distributable layer, zstd-compressed tar.
    OciNondistributableLayerZstd,
    /// The OCI empty descriptor (`{}`), used as the config of artifacts.
    OciEmpty,
    /// An in-toto statement (SBOM and provenance attestations).
    InToto,
    /// Any other media type, kept verbatim.
    Other(String),
}

const KNOWN: &[(MediaType, &str)] = &[
    (
        MediaType::DockerManifest,
        "application/vnd.docker.distribution.manifest.v2+json",
    ),
    (
        MediaType::DockerManifestList,
        "application/vnd.docker.distribution.manifest.list.v2+json",
    ),
    (
        MediaType::DockerSchema1,
        "application/vnd.docker.distribution.manifest.v1+json",
    ),
    (
        MediaType::DockerSchema1Signed,
        "application/vnd.docker.distribution.manifest.v1+prettyjws",
    ),
    (
        MediaType::DockerConfig,
        "application/vnd.docker.container.image.v1+json",
    ),
    (
        MediaType::DockerLayerGzip,
        "application/vnd.docker.image.rootfs.diff.tar.gzip",
    ),
    (
        MediaType::DockerLayerTar,
        "application/vnd.docker.image.rootfs.diff.tar",
    ),
    (
        MediaType::DockerForeignLayerGzip,
        "application/vnd.docker.image.rootfs.foreign.diff.tar.gzip",
    ),
    (
        MediaType::OciManifest,
        "application/vnd.oci.image.manifest.v1+json",
    ),
    (
        MediaType::OciIndex,
        "application/vnd.oci.image.index.v1+json",
    ),
    (
        MediaType::OciConfig,
        "application/vnd.oci.image.config.v1+json",
    ),
    (
        MediaType::OciLayer,
        "application/vnd.oci.image.layer.v1.tar",
    ),
    (
        MediaType::OciLayerGzip,
        "application/vnd.oci.image.layer.v1.tar+gzip",
    ),
    (
        MediaType::OciLayerZstd,
        "application/vnd.oci.image.layer.v1.tar+zstd",
    ),
    (
        MediaType::OciNondistributableLayer,
        "application/vnd.oci.image.layer.nondistributable.v1.tar",
    ),
    (
        MediaType::OciNondistributableLayerGzip,
        "application/vnd.oci.image.layer.nondistributable.v1.tar+gzip",
    ),
    (
        MediaType::OciNondistributableLayerZstd,
        "application/vnd.oci.image.layer.nondistributable.v1.tar+zstd",
    ),
    (MediaType::OciEmpty, "application/vnd.oci.empty.v1+json"),
    (MediaType::InToto, "application/vnd.in-toto+json"),
];

impl MediaType {
    /// The media type string.
    pub fn as_str(&self) -> &str {
        if let MediaType::Other(s) = self {
            return s;
        }
        KNOWN
            .iter()
            .find(|(m, _)| m == self)
            .map(|(_, s)| *s)
            .expect("every variant but Other is listed in KNOWN")
    }

    /// True for an image index or a Docker manifest list.
    pub fn is_index(&self) -> bool {
        matches!(self, MediaType::OciIndex | MediaType::DockerManifestList)
    }

    /// True for a single-image manifest (Docker schema 2 or OCI).
    pub fn is_image_manifest(&self) -> bool {
        matches!(self, MediaType::OciManifest | MediaType::DockerManifest)
    }

    /// True for either schema-1 manifest type.
    pub fn is_schema1(&self) -> bool {
        matches!(
            self,
            MediaType::DockerSchema1 | MediaType::DockerSchema1Signed
        )
    }

    /// True for an image config (Docker or OCI): what makes a manifest an image.
    pub fn is_image_config(&self) -> bool {
        matches!(self, MediaType::OciConfig | MediaType::DockerConfig)
    }

    /// The compression of a layer media type, or `None` when this is not a layer type.
    pub fn layer_compression(&self) -> Option<Compression> {
        use MediaType::*;
        match self {
            OciLayer | OciNondistributableLayer | DockerLayerTar => Some(Compression::None),
            OciLayerGzip
            | OciNondistributableLayerGzip
            | DockerLayerGzip
            | DockerForeignLayerGzip => Some(Compression::Gzip),
            OciLayerZstd | OciNondistributableLayerZstd => Some(Compression::Zstd),
            _ => None,
        }
    }

    /// True for a filesystem layer of any kind.
    pub fn is_layer(&self) -> bool {
        self.layer_compression().is_some()
    }

    /// True for layers registries may refuse to serve (foreign / non-distributable), which are
    /// usually fetched from the URLs in their descriptor instead.
    pub fn is_foreign_layer(&self) -> bool {
        matches!(
            self,
            MediaType::DockerForeignLayerGzip
                | MediaType::OciNondistributableLayer
                | MediaType::OciNondistributableLayerGzip
                | MediaType::OciNondistributableLayerZstd
        )
    }

    /// Parses a `Content-Type` header value: parameters (`; charset=...`) and surrounding
    /// whitespace are dropped, and the type is compared case-insensitively.
    pub fn from_content_type(header: &str) -> MediaType {
        let bare = header.split(';').next().unwrap_or_default().trim();
        let lower = bare.to_ascii_lowercase();
        match lower.parse::<MediaType>() {
            Ok(MediaType::Other(_)) | Err(_) => MediaType::Other(bare.to_string()),
            Ok(known) => known,
        }
    }
}

impl FromStr for MediaType {
    type Err = Infallible;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(KNOWN
            .iter()
            .find(|(_, text)| *text == s)
            .map(|(m, _)| m.clone())
            .unwrap_or_else(|| MediaType::Other(s.to_string())))
    }
}

impl From<&str> for MediaType {
    fn from(s: &str) -> Self {
        match s.parse() {
            Ok(m) => m,
            Err(never) => match never {},
        }
    }
}

impl fmt::Display for MediaType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for MediaType {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for MediaType {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Ok(MediaType::from(s.as_str()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_known_string_round_trips() {
        for (m, s) in KNOWN {
            assert_eq!(MediaType::from(*s), *m);
            assert_eq!(m.to_string(), *s);
        }
    }

    #[test]
    fn unknown_strings_are_kept() {
        let m = MediaType::from("application/vnd.cncf.helm.config.v1+json");
        assert_eq!(
            m,
            MediaType::Other("application/vnd.cncf.helm.config.v1+json".into())
        );
        assert_eq!(m.as_str(), "application/vnd.cncf.helm.config.v1+json");
        assert!(!m.is_image_config());
    }

    #[test]
    fn content_type_parameters_are_ignored() {
        let m =
            MediaType::from_content_type(" application/vnd.OCI.image.index.v1+json; charset=utf-8");
        assert_eq!(m, MediaType::OciIndex);
    }
}
