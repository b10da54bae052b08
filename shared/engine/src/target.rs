//! What the user asks to scan, parsed from `KIND:LOCATION`.

use std::path::{Path, PathBuf};
use std::str::FromStr;

use crate::error::EngineError;

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
        let (kind, rest) = s
            .split_once(':')
            .ok_or_else(|| EngineError::UnknownTarget(s.to_string()))?;
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
            _ => Err(EngineError::UnknownTarget(s.to_string())),
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
}
