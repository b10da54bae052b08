//! Image references (`[HOST[:PORT]/]REPO[:TAG][@DIGEST]`) parsed with Docker's rules.
//!
//! The rules follow `github.com/distribution/reference` (`ParseNormalizedNamed`):
//! 1. a string of 64 hex characters alone is an image ID, not a reference, and is refused;
//! 2. the part before the first `/` is a registry host only if it contains `.` or `:`, is
//!    `localhost`, or has an uppercase letter; otherwise the registry is `docker.io`;
//! 3. `index.docker.io` is the same registry as `docker.io`, and a one-component repository
//!    there gets the `library/` prefix (`alpine` is `docker.io/library/alpine`);
//! 4. repository components are lowercase `[a-z0-9]+` joined by `.`, `_`, `__` or dashes;
//!    the tag is `[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}`; the digest must be a valid [`Digest`];
//!    the whole name (host and path) is at most 255 characters.
//!
//! A parsed [`ImageRef`] always holds the registry, so its `Display` form is fully qualified
//! and parses back to the same value; [`ImageRef::familiar`] gives Docker's short form.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::digest::{Digest, DigestError};

/// The registry used when a reference names none.
pub const DEFAULT_REGISTRY: &str = "docker.io";
const LEGACY_DEFAULT_REGISTRY: &str = "index.docker.io";
const DOCKER_HUB_API_HOST: &str = "registry-1.docker.io";
const MAX_NAME_LEN: usize = 255;
const MAX_TAG_LEN: usize = 128;

/// Why a string is not an image reference.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReferenceError {
    /// The string is empty.
    #[error("image reference is empty")]
    Empty,
    /// A 64-hex image ID was given where a reference was expected.
    #[error("image reference `{0}` is a 64-byte hexadecimal image id, not a repository name")]
    HexIdentifier(String),
    /// The repository path has uppercase letters.
    #[error("image reference `{0}`: repository name must be lowercase")]
    Uppercase(String),
    /// The registry host (and port) does not follow the host grammar.
    #[error("image reference `{reference}`: invalid registry host `{host}`")]
    InvalidHost {
        /// The whole reference.
        reference: String,
        /// The host part.
        host: String,
    },
    /// A repository path component is empty or breaks the component grammar.
    #[error("image reference `{reference}`: invalid repository path `{path}`")]
    InvalidPath {
        /// The whole reference.
        reference: String,
        /// The repository path.
        path: String,
    },
    /// Host and path together are longer than 255 characters.
    #[error("image reference `{0}`: repository name must not be more than 255 characters")]
    NameTooLong(String),
    /// The tag is empty, too long or has characters outside `[A-Za-z0-9_.-]`.
    #[error("image reference `{reference}`: invalid tag `{tag}`")]
    InvalidTag {
        /// The whole reference.
        reference: String,
        /// The tag.
        tag: String,
    },
    /// The part after `@` is not a valid digest.
    #[error("image reference `{reference}`: invalid digest")]
    InvalidDigest {
        /// The whole reference.
        reference: String,
        /// Why the digest is invalid.
        #[source]
        source: DigestError,
    },
}

/// A validated, normalised image reference such as `docker.io/library/alpine:3.20`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ImageRef {
    registry: String,
    repository: String,
    tag: Option<String>,
    digest: Option<Digest>,
}

impl ImageRef {
    /// The registry host, with port if any (`docker.io`, `localhost:5000`).
    pub fn registry(&self) -> &str {
        &self.registry
    }

    /// The host to send registry API requests to: `registry-1.docker.io` for Docker Hub,
    /// otherwise [`ImageRef::registry`].
    pub fn registry_api_host(&self) -> &str {
        if self.registry == DEFAULT_REGISTRY {
            DOCKER_HUB_API_HOST
        } else {
            &self.registry
        }
    }

    /// The repository path (`library/alpine`).
    pub fn repository(&self) -> &str {
        &self.repository
    }

    /// The tag, if one was given. Registries treat "no tag and no digest" as `latest`.
    pub fn tag(&self) -> Option<&str> {
        self.tag.as_deref()
    }

    /// The digest, if one was given.
    pub fn digest(&self) -> Option<&Digest> {
        self.digest.as_ref()
    }

    /// What to ask the registry's manifest endpoint for: the digest when pinned, else the tag,
    /// else `latest`.
    pub fn manifest_reference(&self) -> String {
        match (&self.digest, &self.tag) {
            (Some(d), _) => d.to_string(),
            (None, Some(t)) => t.clone(),
            (None, None) => "latest".to_string(),
        }
    }

    /// The same reference pinned to `digest` (the tag is kept for display).
    pub fn with_digest(&self, digest: Digest) -> ImageRef {
        ImageRef {
            digest: Some(digest),
            ..self.clone()
        }
    }

    /// Docker's short form: `docker.io/` and `library/` dropped (`alpine:3.20`). As in
    /// Docker, the short form of `docker.io/library/<64 hex>` is an image ID and does not
    /// parse back; [`Display`](fmt::Display) always does.
    pub fn familiar(&self) -> String {
        let mut out = if self.registry == DEFAULT_REGISTRY {
            let short = self.repository.strip_prefix("library/");
            short
                .filter(|r| !r.contains('/'))
                .unwrap_or(&self.repository)
                .to_string()
        } else {
            format!("{}/{}", self.registry, self.repository)
        };
        if let Some(t) = &self.tag {
            out.push(':');
            out.push_str(t);
        }
        if let Some(d) = &self.digest {
            out.push('@');
            out.push_str(&d.to_string());
        }
        out
    }
}

impl FromStr for ImageRef {
    type Err = ReferenceError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        if s.is_empty() {
            return Err(ReferenceError::Empty);
        }
        if s.len() == 64
            && s.bytes()
                .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
        {
            return Err(ReferenceError::HexIdentifier(s.to_string()));
        }
        let (registry, remainder) = split_registry(s);
        let (name_tag, digest) = match remainder.split_once('@') {
            Some((n, d)) => (n, Some(d)),
            None => (remainder, None),
        };
        let (path, tag) = match name_tag.rsplit_once(':') {
            Some((p, t)) => (p, Some(t)),
            None => (name_tag, None),
        };
        if path.bytes().any(|b| b.is_ascii_uppercase()) {
            return Err(ReferenceError::Uppercase(s.to_string()));
        }
        if !valid_host(registry) {
            return Err(ReferenceError::InvalidHost {
                reference: s.to_string(),
                host: registry.to_string(),
            });
        }
        let mut repository = path.to_string();
        let registry = if registry == LEGACY_DEFAULT_REGISTRY {
            DEFAULT_REGISTRY
        } else {
            registry
        };
        if registry == DEFAULT_REGISTRY && !repository.contains('/') {
            repository = format!("library/{repository}");
        }
        if !repository.split('/').all(valid_path_component) {
            return Err(ReferenceError::InvalidPath {
                reference: s.to_string(),
                path: path.to_string(),
            });
        }
        if registry.len() + 1 + repository.len() > MAX_NAME_LEN {
            return Err(ReferenceError::NameTooLong(s.to_string()));
        }
        if let Some(t) = tag.filter(|t| !valid_tag(t)) {
            return Err(ReferenceError::InvalidTag {
                reference: s.to_string(),
                tag: t.to_string(),
            });
        }
        let digest = digest
            .map(|d| d.parse::<Digest>())
            .transpose()
            .map_err(|source| ReferenceError::InvalidDigest {
                reference: s.to_string(),
                source,
            })?;
        Ok(ImageRef {
            registry: registry.to_string(),
            repository,
            tag: tag.map(str::to_string),
            digest,
        })
    }
}

/// Splits off the registry as Docker's `splitDockerDomain` does.
fn split_registry(s: &str) -> (&str, &str) {
    match s.split_once('/') {
        Some((first, rest))
            if first.contains(['.', ':'])
                || first == "localhost"
                || first.bytes().any(|b| b.is_ascii_uppercase()) =>
        {
            (first, rest)
        }
        _ => (DEFAULT_REGISTRY, s),
    }
}

/// `host[:port]`, where host is dot-separated labels or a bracketed IPv6 address.
fn valid_host(hostport: &str) -> bool {
    let (host_ok, port) = if let Some(rest) = hostport.strip_prefix('[') {
        let Some((inner, after)) = rest.split_once(']') else {
            return false;
        };
        let ok = !inner.is_empty() && inner.bytes().all(|b| b.is_ascii_hexdigit() || b == b':');
        match after {
            "" => (ok, None),
            _ => match after.strip_prefix(':') {
                Some(p) => (ok, Some(p)),
                None => return false,
            },
        }
    } else {
        let (h, p) = match hostport.split_once(':') {
            Some((h, p)) => (h, Some(p)),
            None => (hostport, None),
        };
        (!h.is_empty() && h.split('.').all(valid_host_label), p)
    };
    host_ok && port.is_none_or(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
}

fn valid_host_label(label: &str) -> bool {
    let b = label.as_bytes();
    !b.is_empty()
        && b[0].is_ascii_alphanumeric()
        && b[b.len() - 1].is_ascii_alphanumeric()
        && b.iter().all(|c| c.is_ascii_alphanumeric() || *c == b'-')
}

/// `[a-z0-9]+(?:(?:[._]|__|[-]+)[a-z0-9]+)*`
fn valid_path_component(c: &str) -> bool {
    let alnum = |b: &u8| b.is_ascii_lowercase() || b.is_ascii_digit();
    let bytes = c.as_bytes();
    if bytes.is_empty() || !alnum(&bytes[0]) || !alnum(&bytes[bytes.len() - 1]) {
        return false;
    }
    // Walk runs of separators between alphanumeric runs and check each run.
    let mut i = 0;
    while i < bytes.len() {
        if alnum(&bytes[i]) {
            i += 1;
            continue;
        }
        let start = i;
        while i < bytes.len() && !alnum(&bytes[i]) {
            i += 1;
        }
        let sep = &c[start..i];
        let ok = matches!(sep, "." | "_" | "__") || sep.bytes().all(|b| b == b'-');
        if !ok {
            return false;
        }
    }
    true
}

/// `[\w][\w.-]{0,127}`
fn valid_tag(t: &str) -> bool {
    let word = |b: u8| b.is_ascii_alphanumeric() || b == b'_';
    let bytes = t.as_bytes();
    !bytes.is_empty()
        && bytes.len() <= MAX_TAG_LEN
        && word(bytes[0])
        && bytes.iter().all(|&b| word(b) || b == b'.' || b == b'-')
}

impl fmt::Display for ImageRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.registry, self.repository)?;
        if let Some(t) = &self.tag {
            write!(f, ":{t}")?;
        }
        if let Some(d) = &self.digest {
            write!(f, "@{d}")?;
        }
        Ok(())
    }
}

impl Serialize for ImageRef {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for ImageRef {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}
