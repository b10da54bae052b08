//! Java archives (`.jar`, `.war`, `.ear`) and the archives nested in them.
//!
//! A zip keeps its directory at the end, so the caller hands over the whole file, read up to
//! [`ArchiveLimits::max_archive_bytes`]. Each archive gives the Maven coordinates of every
//! `META-INF/maven/**/pom.properties` it holds; an archive without one falls back to its
//! `META-INF/MANIFEST.MF`, then to its file name (`name-1.2.3.jar`). Archives inside it
//! (`WEB-INF/lib/*.jar`, `BOOT-INF/lib/*.jar`, `lib/*.jar` of an ear) are read the same way to
//! [`ArchiveLimits::max_depth`], each inflated into memory under its own cap, so the memory of
//! one top-level archive is at most its size plus `max_depth` nested ones.
//!
//! A damaged nested archive or text file is reported and skipped; only a top-level archive
//! that is not a zip at all is an error.

mod manifest;

use std::io::{Cursor, Read};

use layerwatch_inventory::{Ecosystem, Package};

pub use manifest::{Coordinates, Manifest, pom_properties, split_file_name};

/// Caps on reading one archive and what it nests.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArchiveLimits {
    /// Largest top-level archive read (the caller enforces it before buffering).
    pub max_archive_bytes: u64,
    /// Largest nested archive inflated into memory.
    pub max_nested_bytes: u64,
    /// Levels of nesting read below the top-level archive.
    pub max_depth: usize,
    /// Largest `pom.properties` or manifest read.
    pub max_text_bytes: u64,
    /// Packages kept per top-level archive.
    pub max_packages: usize,
}

impl Default for ArchiveLimits {
    fn default() -> Self {
        ArchiveLimits {
            max_archive_bytes: 128 << 20,
            max_nested_bytes: 32 << 20,
            max_depth: 2,
            max_text_bytes: 1 << 20,
            max_packages: 10_000,
        }
    }
}

/// Where a package's coordinates came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Evidence {
    /// A `META-INF/maven/**/pom.properties`.
    PomProperties,
    /// `META-INF/MANIFEST.MF`.
    Manifest,
    /// The archive's file name.
    FileName,
}

/// A Maven package found in an archive.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JarPackage {
    /// The package: name `group:artifact` (or `artifact` alone from a file name).
    pub package: Package,
    /// Path of the archive that holds it, relative to the top-level archive and joined with
    /// `/` through each level (`WEB-INF/lib/a.jar`); empty for the top-level archive itself.
    pub inner_path: String,
    /// Where the coordinates came from.
    pub evidence: Evidence,
}

/// Why an archive, or part of it, could not be read.
#[derive(Debug, thiserror::Error)]
pub enum JarError {
    /// Not a readable zip.
    #[error("java archive `{path}` is not a readable zip: {reason}")]
    NotZip {
        /// The archive's path (nested ones joined with `/`).
        path: String,
        /// The zip reader's message.
        reason: String,
    },
    /// A member could not be read.
    #[error("`{member}` in java archive `{path}`: {reason}")]
    Member {
        /// The archive's path.
        path: String,
        /// The member's name.
        member: String,
        /// What went wrong.
        reason: String,
    },
    /// A nested archive or text member is larger than its cap.
    #[error("`{member}` in java archive `{path}` is {size} bytes, over the {limit} byte limit")]
    TooLarge {
        /// The archive's path.
        path: String,
        /// The member's name.
        member: String,
        /// Its uncompressed size.
        size: u64,
        /// The cap.
        limit: u64,
    },
    /// Nesting goes deeper than the cap; the deeper archive is not read.
    #[error("`{member}` in java archive `{path}` is nested deeper than {limit} levels: not read")]
    TooDeep {
        /// The archive's path.
        path: String,
        /// The nested archive's name.
        member: String,
        /// The cap.
        limit: usize,
    },
}

/// What an archive held: the packages, and the problems with parts of it that were skipped.
#[derive(Debug, Default)]
pub struct ArchiveReport {
    /// Packages, the top-level archive's first.
    pub packages: Vec<JarPackage>,
    /// Nested archives and members that could not be read.
    pub problems: Vec<JarError>,
}

/// Reads the archive `bytes`, whose path inside the layer is `path` (its file name is the last
/// fallback for coordinates).
pub fn read_archive(
    path: &str,
    bytes: &[u8],
    limits: &ArchiveLimits,
) -> Result<ArchiveReport, JarError> {
    let mut report = ArchiveReport::default();
    read_level(path, "", bytes, 0, limits, &mut report)?;
    Ok(report)
}

/// One archive at nesting `depth`: `inner` is its path inside the top-level one.
fn read_level(
    top: &str,
    inner: &str,
    bytes: &[u8],
    depth: usize,
    limits: &ArchiveLimits,
    report: &mut ArchiveReport,
) -> Result<(), JarError> {
    let display = if inner.is_empty() {
        top.to_string()
    } else {
        format!("{top}/{inner}")
    };
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| JarError::NotZip {
        path: display.clone(),
        reason: e.to_string(),
    })?;
    let names: Vec<(usize, String)> = zip
        .file_names_raw()
        .enumerate()
        .map(|(i, n)| (i, String::from_utf8_lossy(n).into_owned()))
        .collect();
    let mut poms = Vec::new();
    let mut manifest = None;
    let mut nested = Vec::new();
    for (index, name) in &names {
        if name.starts_with("META-INF/maven/") && name.ends_with("/pom.properties") {
            poms.push(*index);
        } else if name.eq_ignore_ascii_case("META-INF/MANIFEST.MF") {
            manifest = Some(*index);
        } else if crate::is_java_archive(name) {
            nested.push((*index, name.clone()));
        }
    }
    let file_name = if inner.is_empty() { top } else { inner };
    let file_name = file_name.rsplit('/').next().unwrap_or(file_name);
    let mut own = Vec::new();
    for index in poms {
        match read_member(&mut zip, index, limits.max_text_bytes, &display) {
            Ok(bytes) => {
                if let Some(c) = pom_properties(&String::from_utf8_lossy(&bytes)) {
                    own.push((c, Evidence::PomProperties));
                }
            }
            Err(e) => report.problems.push(e),
        }
    }
    if own.is_empty() {
        let (artifact, version) = split_file_name(file_name);
        let from_manifest = manifest.and_then(|index| {
            match read_member(&mut zip, index, limits.max_text_bytes, &display) {
                Ok(bytes) => {
                    Manifest::parse(&String::from_utf8_lossy(&bytes)).coordinates(artifact)
                }
                Err(e) => {
                    report.problems.push(e);
                    None
                }
            }
        });
        match (from_manifest, version) {
            (Some(c), _) => own.push((c, Evidence::Manifest)),
            (None, Some(v)) if !artifact.is_empty() => own.push((
                Coordinates {
                    group: String::new(),
                    artifact: artifact.to_string(),
                    version: v.to_string(),
                },
                Evidence::FileName,
            )),
            _ => {}
        }
    }
    for (c, evidence) in own {
        if report.packages.len() >= limits.max_packages {
            break;
        }
        report.packages.push(JarPackage {
            package: maven_package(&c),
            inner_path: inner.to_string(),
            evidence,
        });
    }
    for (index, name) in nested {
        let child = if inner.is_empty() {
            name.clone()
        } else {
            format!("{inner}/{name}")
        };
        if depth >= limits.max_depth {
            report.problems.push(JarError::TooDeep {
                path: display.clone(),
                member: name,
                limit: limits.max_depth,
            });
            continue;
        }
        let result = read_member(&mut zip, index, limits.max_nested_bytes, &display)
            .and_then(|bytes| read_level(top, &child, &bytes, depth + 1, limits, report));
        if let Err(e) = result {
            report.problems.push(e);
        }
    }
    Ok(())
}

/// The bytes of member `index`, at most `limit` of them (checked both against the size the
/// directory claims and against what actually inflates, so a lying directory cannot bomb).
fn read_member(
    zip: &mut zip::ZipArchive<Cursor<&[u8]>>,
    index: usize,
    limit: u64,
    path: &str,
) -> Result<Vec<u8>, JarError> {
    let mut file = zip.by_index(index).map_err(|e| JarError::Member {
        path: path.to_string(),
        member: format!("entry {index}"),
        reason: e.to_string(),
    })?;
    let member = String::from_utf8_lossy(file.name_raw()).into_owned();
    let too_large = |size| JarError::TooLarge {
        path: path.to_string(),
        member: member.clone(),
        size,
        limit,
    };
    if file.size() > limit {
        return Err(too_large(file.size()));
    }
    let mut bytes = Vec::with_capacity(usize::try_from(file.size()).unwrap_or(0));
    (&mut file)
        .take(limit + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| JarError::Member {
            path: path.to_string(),
            member: member.clone(),
            reason: e.to_string(),
        })?;
    if bytes.len() as u64 > limit {
        return Err(too_large(bytes.len() as u64));
    }
    Ok(bytes)
}

fn maven_package(c: &Coordinates) -> Package {
    let name = if c.group.is_empty() {
        c.artifact.clone()
    } else {
        format!("{}:{}", c.group, c.artifact)
    };
    Package {
        ecosystem: Ecosystem::Maven,
        name,
        version: c.version.clone(),
        arch: None,
        source_name: None,
        source_version: None,
        license: None,
    }
}

#[cfg(test)]
mod tests;
