//! What the user asks to scan, parsed from `KIND:LOCATION` or a registry reference.

use std::path::{Path, PathBuf};
use std::str::FromStr;

use layerwatch_oci::ImageRef;

use crate::error::EngineError;
use crate::registry::explicit_reference;

/// A local scan target.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// `docker-archive:FILE[:NAME:TAG]`: a `docker save` tar, plain or gzip-compressed.
    DockerArchive {
        /// The archive.
        path: PathBuf,
        /// Which of its images (`name:tag`), when it holds several.
        tag: Option<String>,
    },
    /// `oci:DIR[:TAG]`: an OCI image layout directory.
    OciLayout {
        /// The layout directory.
        dir: PathBuf,
        /// Its `org.opencontainers.image.ref.name`, when it holds several.
        tag: Option<String>,
    },
    /// `rootfs:PATH`: a directory or a tar/tar.gz of a root filesystem, scanned as one layer.
    Rootfs(PathBuf),
    /// `HOST[:PORT]/REPO[:TAG|@DIGEST]`: an image in a registry (the host must be explicit).
    Registry(ImageRef),
}

/// Splits `LOCATION[:TAG]` when LOCATION exists and the whole string does not.
fn split_tag(rest: &str) -> (PathBuf, Option<String>) {
    if Path::new(rest).exists() {
        return (PathBuf::from(rest), None);
    }
    // The tag may itself contain a colon (`name:tag` in a docker archive): try each split point
    // from the left and keep the first whose left side exists.
    for (i, _) in rest.match_indices(':') {
        let (path, tag) = (&rest[..i], &rest[i + 1..]);
        if Path::new(path).exists() && !tag.is_empty() {
            return (PathBuf::from(path), Some(tag.to_string()));
        }
    }
    (PathBuf::from(rest), None)
}

impl FromStr for Target {
    type Err = EngineError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let unknown = || EngineError::UnknownTarget(s.to_string());
        let registry = || {
            explicit_reference(s)
                .map(Target::Registry)
                .ok_or_else(unknown)
        };
        let Some((kind, rest)) = s.split_once(':') else {
            return registry();
        };
        match kind {
            "docker-archive" => {
                let (path, tag) = split_tag(rest);
                Ok(Target::DockerArchive { path, tag })
            }
            "oci" => {
                let (dir, tag) = split_tag(rest);
                Ok(Target::OciLayout { dir, tag })
            }
            "rootfs" => Ok(Target::Rootfs(PathBuf::from(rest))),
            _ => registry(),
        }
    }
}

impl std::fmt::Display for Target {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Target::DockerArchive { path, tag } => {
                write!(f, "docker-archive:{}", path.display())?;
                tag.iter().try_for_each(|t| write!(f, ":{t}"))
            }
            Target::OciLayout { dir, tag } => {
                write!(f, "oci:{}", dir.display())?;
                tag.iter().try_for_each(|t| write!(f, ":{t}"))
            }
            Target::Rootfs(path) => write!(f, "rootfs:{}", path.display()),
            Target::Registry(image) => write!(f, "{image}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_kinds_and_tags() {
        let dir = std::env::temp_dir();
        let d = dir.display();
        assert_eq!(
            format!("oci:{d}:v1").parse::<Target>().unwrap(),
            Target::OciLayout {
                dir: dir.clone(),
                tag: Some("v1".into())
            }
        );
        assert_eq!(
            format!("docker-archive:{d}:alpine:3.10")
                .parse::<Target>()
                .unwrap(),
            Target::DockerArchive {
                path: dir.clone(),
                tag: Some("alpine:3.10".into())
            }
        );
        assert_eq!(
            format!("rootfs:{d}").parse::<Target>().unwrap(),
            Target::Rootfs(dir)
        );
        assert!(matches!(
            "nope:x".parse::<Target>(),
            Err(EngineError::UnknownTarget(_))
        ));
        assert!(matches!(
            "plain".parse::<Target>(),
            Err(EngineError::UnknownTarget(_))
        ));
    }

    #[test]
    fn registry_references_need_an_explicit_host() {
        for (s, shown) in [
            (
                "127.0.0.1:5000/test/alpine:3.20",
                "127.0.0.1:5000/test/alpine:3.20",
            ),
            ("localhost/a/b", "localhost/a/b"),
            ("ghcr.io/o/r:v1", "ghcr.io/o/r:v1"),
            ("docker.io/alpine:3.20", "docker.io/library/alpine:3.20"),
        ] {
            let t: Target = s.parse().unwrap_or_else(|e| panic!("{s}: {e}"));
            assert!(matches!(t, Target::Registry(_)), "{s}");
            assert_eq!(t.to_string(), shown);
        }
        let pinned =
            "example.com/r@sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
        assert_eq!(pinned.parse::<Target>().unwrap().to_string(), pinned);
        // No host: Docker Hub is never assumed; a known kind keeps its meaning.
        for s in ["alpine:3.20", "library/alpine", "nope:x/y", "oci:x.y/z"] {
            assert!(
                !matches!(s.parse::<Target>(), Ok(Target::Registry(_))),
                "{s}"
            );
        }
    }
}
