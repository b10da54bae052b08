//! Manifest references, the media types we ask for, and a fetched manifest whose digest has
//! been checked.

use std::fmt;
use std::str::FromStr;

use layerwatch_oci::{Digest, ManifestError, MediaType, ParsedManifest, parse_manifest};

use crate::error::RegistryError;

/// OCI image manifest.
pub const OCI_MANIFEST: &str = "application/vnd.oci.image.manifest.v1+json";
/// OCI image index (multi-platform).
pub const OCI_INDEX: &str = "application/vnd.oci.image.index.v1+json";
/// Docker image manifest, schema 2.
pub const DOCKER_MANIFEST: &str = "application/vnd.docker.distribution.manifest.v2+json";
/// Docker manifest list (multi-platform).
pub const DOCKER_MANIFEST_LIST: &str = "application/vnd.docker.distribution.manifest.list.v2+json";
/// Docker schema 1 (signed and unsigned), asked for only to be able to say it is unsupported.
pub const DOCKER_SCHEMA1: [&str; 2] = [
    "application/vnd.docker.distribution.manifest.v1+prettyjws",
    "application/vnd.docker.distribution.manifest.v1+json",
];

/// The `Accept` header of manifest requests: the four supported types, then schema 1.
pub(crate) fn accept_header() -> String {
    let mut all = vec![
        OCI_MANIFEST,
        OCI_INDEX,
        DOCKER_MANIFEST,
        DOCKER_MANIFEST_LIST,
    ];
    all.extend(DOCKER_SCHEMA1);
    all.join(", ")
}

/// A manifest reference: a tag or a digest.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum ManifestRef {
    /// A tag such as `v1` (mutable: the digest is recorded from the response).
    Tag(String),
    /// A digest (immutable: the response is verified against it).
    Digest(Digest),
}

impl FromStr for ManifestRef {
    type Err = RegistryError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        if s.contains(':') {
            return s
                .parse()
                .map(ManifestRef::Digest)
                .map_err(|_| invalid("digest", s));
        }
        let mut bytes = s.bytes();
        let first_ok = bytes
            .next()
            .is_some_and(|b| b.is_ascii_alphanumeric() || b == b'_');
        let rest_ok = bytes.all(|b| b.is_ascii_alphanumeric() || b"_.-".contains(&b));
        if first_ok && rest_ok && s.len() <= 128 {
            Ok(ManifestRef::Tag(s.to_string()))
        } else {
            Err(invalid("tag", s))
        }
    }
}

impl fmt::Display for ManifestRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ManifestRef::Tag(t) => f.write_str(t),
            ManifestRef::Digest(d) => write!(f, "{d}"),
        }
    }
}

/// Checks a repository name against the distribution spec's grammar (lowercase components
/// separated by `/`), so it is safe to put in a URL path.
pub(crate) fn check_repository(name: &str) -> Result<(), RegistryError> {
    let ok = !name.is_empty()
        && name.len() <= 255
        && name.split('/').all(|c| {
            !c.is_empty()
                && c.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"._-".contains(&b))
                && c.bytes().next().is_some_and(|b| b.is_ascii_alphanumeric())
        });
    if ok {
        Ok(())
    } else {
        Err(invalid("repository", name))
    }
}

fn invalid(what: &'static str, value: &str) -> RegistryError {
    RegistryError::Invalid {
        what,
        value: value.to_string(),
    }
}

/// A manifest as fetched, with its digest checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FetchedManifest {
    /// `registry/repository`.
    pub repository: String,
    /// The reference it was fetched by.
    pub reference: ManifestRef,
    /// Media type from `Content-Type`, or from the body's `mediaType` when the header is generic.
    pub media_type: MediaType,
    /// Digest of the bytes (sha256 unless fetched by a sha512 digest).
    pub digest: Digest,
    /// The registry's `Docker-Content-Digest`, when it sent one (equal to `digest` when it is of
    /// the same algorithm: a difference is an error).
    pub registry_digest: Option<Digest>,
    /// The manifest bytes exactly as served (what the digest covers).
    pub bytes: Vec<u8>,
}

impl FetchedManifest {
    /// True for an OCI index or a Docker manifest list.
    pub fn is_index(&self) -> bool {
        self.media_type.is_index()
    }

    /// Parses the bytes into an image manifest, an index or a non-image artifact.
    pub fn parse(&self) -> Result<ParsedManifest, ManifestError> {
        parse_manifest(&self.bytes, Some(self.media_type.as_str()))
    }
}

/// The media type of a served manifest; schema 1 and unknown types are errors.
pub(crate) fn media_type_of(
    content_type: Option<&str>,
    body: &[u8],
    repository: &str,
    reference: &str,
) -> Result<MediaType, RegistryError> {
    let unsupported = |reason: String| RegistryError::UnsupportedManifest {
        repository: repository.to_string(),
        reference: reference.to_string(),
        reason,
    };
    #[derive(serde::Deserialize)]
    #[serde(rename_all = "camelCase")]
    struct Peek {
        schema_version: Option<u64>,
        media_type: Option<String>,
    }
    let peek: Peek =
        serde_json::from_slice(body).map_err(|e| unsupported(format!("not JSON: {e}")))?;
    let header = content_type.map(MediaType::from_content_type);
    let field = peek.media_type.as_deref().map(MediaType::from_content_type);
    let schema1 = [&header, &field]
        .into_iter()
        .flatten()
        .any(MediaType::is_schema1);
    if peek.schema_version == Some(1) || schema1 {
        return Err(unsupported("schema 1".into()));
    }
    let usable = |t: &MediaType| t.is_index() || t.is_image_manifest();
    let chosen = header
        .filter(usable)
        .or(field)
        .ok_or_else(|| unsupported("no media type in Content-Type or body".into()))?;
    if usable(&chosen) {
        Ok(chosen)
    } else {
        Err(unsupported(format!("media type {chosen}")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_and_repositories_are_validated() {
        assert_eq!(
            "v1.0-rc_1".parse::<ManifestRef>().unwrap(),
            ManifestRef::Tag("v1.0-rc_1".into())
        );
        let d = "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
        assert!(matches!(
            d.parse::<ManifestRef>().unwrap(),
            ManifestRef::Digest(_)
        ));
        for bad in ["", ".x", "a/b", "sha256:zz", "a?b"] {
            assert!(bad.parse::<ManifestRef>().is_err(), "{bad}");
        }
        assert!(check_repository("team/sample-service").is_ok());
        for bad in ["", "Team/x", "a//b", "../x", "a/../b", "/a", "a?b"] {
            assert!(check_repository(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn schema1_and_unknown_types_are_unsupported() {
        let e = media_type_of(None, br#"{"schemaVersion":1,"name":"x"}"#, "r/x", "t").unwrap_err();
        assert_eq!(e.to_string(), "unsupported manifest r/x@t: schema 1");
        let e = media_type_of(Some(DOCKER_SCHEMA1[0]), b"{}", "r/x", "t").unwrap_err();
        assert!(e.to_string().contains("schema 1"));
        let ok = media_type_of(
            Some("application/json"),
            br#"{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json"}"#,
            "r",
            "t",
        );
        assert_eq!(ok.unwrap().as_str(), OCI_INDEX);
        assert!(media_type_of(Some("text/html"), b"{}", "r", "t").is_err());
    }
}
