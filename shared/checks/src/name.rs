//! How the user named the image, as far as the latest-tag check cares.

use std::fmt;

/// The tag or digest the scanned reference pins.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ImageName {
    /// A tag (`alpine:3.20`, or `latest`).
    Tag(String),
    /// A digest (`repo@sha256:...`), which pins the content.
    Digest,
    /// A repository without a tag, which means `latest`.
    Untagged,
    /// No name to judge (a root filesystem, an archive or layout entry without a name).
    Unknown,
}

impl ImageName {
    /// Reads `repo[:tag][@digest]` (a registry reference or a docker archive's `RepoTags` entry).
    pub fn parse(reference: &str) -> ImageName {
        if reference.contains('@') {
            return ImageName::Digest;
        }
        // A colon after the last slash separates the tag; one before it is a registry port.
        let last = reference.rsplit('/').next().unwrap_or(reference);
        match last.split_once(':') {
            Some((_, tag)) if !tag.is_empty() => ImageName::Tag(tag.to_string()),
            _ if reference.is_empty() => ImageName::Unknown,
            _ => ImageName::Untagged,
        }
    }
}

impl fmt::Display for ImageName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ImageName::Tag(t) => write!(f, "tag `{t}`"),
            ImageName::Digest => f.write_str("a digest"),
            ImageName::Untagged => f.write_str("no tag (latest is implied)"),
            ImageName::Unknown => f.write_str("no image name"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::ImageName;

    #[test]
    fn tags_ports_and_digests_are_told_apart() {
        let t = |s: &str| ImageName::Tag(s.to_string());
        assert_eq!(ImageName::parse("alpine:3.20"), t("3.20"));
        assert_eq!(ImageName::parse("127.0.0.1:5000/app:latest"), t("latest"));
        assert_eq!(ImageName::parse("127.0.0.1:5000/app"), ImageName::Untagged);
        assert_eq!(ImageName::parse("app@sha256:00"), ImageName::Digest);
        assert_eq!(ImageName::parse(""), ImageName::Unknown);
    }
}
