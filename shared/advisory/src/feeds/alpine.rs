//! Alpine secdb (`secdb.alpinelinux.org/v3.X/{main,community}.json` and the older YAML).
//!
//! Each `packages[].pkg.secfixes` maps a fixed package version to the CVEs it fixes. Every
//! (CVE, package, release) becomes an affected entry fixed at that version. Alpine files a CVE
//! under version `0` when its package was never affected (the security team's way to reject a
//! CVE for a package), so those entries are skipped, not indexed. An entry such as
//! `CVE-2016-6258 XSA-182` names the CVE first and other ids after it.

use std::collections::BTreeMap;

use serde::Deserialize;

use super::{FeedError, FeedFile, FeedKind, ParsedFile};
use crate::model::{Advisory, Affected, Event, FixState, Namespace, Range, RangeKind};

#[derive(Deserialize)]
struct RawSecdb {
    distroversion: Scalar,
    #[serde(default)]
    reponame: Option<String>,
    #[serde(default)]
    packages: Option<Vec<RawPackage>>,
}

#[derive(Deserialize)]
struct RawPackage {
    pkg: RawPkg,
}

#[derive(Deserialize)]
struct RawPkg {
    name: String,
    #[serde(default)]
    secfixes: Option<BTreeMap<Scalar, Option<Vec<Option<Scalar>>>>>,
}

/// A YAML scalar that may have been typed as a number (`0:`), kept as its text.
#[derive(Deserialize, PartialEq, Eq, PartialOrd, Ord)]
#[serde(untagged)]
enum Scalar {
    Str(String),
    Int(i64),
    Float(OrderedFloat),
}

/// Floats only appear as odd YAML keys; ordered by their text so they can key a map.
#[derive(Deserialize)]
#[serde(transparent)]
struct OrderedFloat(f64);

impl PartialEq for OrderedFloat {
    fn eq(&self, other: &Self) -> bool {
        self.0.to_string() == other.0.to_string()
    }
}
impl Eq for OrderedFloat {}
impl PartialOrd for OrderedFloat {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for OrderedFloat {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.0.to_string().cmp(&other.0.to_string())
    }
}

impl Scalar {
    fn text(&self) -> String {
        match self {
            Scalar::Str(s) => s.trim().to_owned(),
            Scalar::Int(i) => i.to_string(),
            Scalar::Float(f) => f.0.to_string(),
        }
    }
}

/// Parses one secdb JSON file.
pub(super) fn parse_json(file: &FeedFile, bytes: &[u8]) -> Result<ParsedFile, FeedError> {
    let raw: RawSecdb = serde_json::from_slice(bytes).map_err(|source| FeedError::Json {
        path: file.path.clone(),
        kind: FeedKind::AlpineSecdbJson,
        source,
    })?;
    convert(file, raw)
}

/// Parses one secdb YAML file.
pub(super) fn parse_yaml(file: &FeedFile, bytes: &[u8]) -> Result<ParsedFile, FeedError> {
    let raw: RawSecdb = serde_yaml::from_slice(bytes).map_err(|source| FeedError::Yaml {
        path: file.path.clone(),
        kind: FeedKind::AlpineSecdbYaml,
        source,
    })?;
    convert(file, raw)
}

fn convert(file: &FeedFile, raw: RawSecdb) -> Result<ParsedFile, FeedError> {
    let distroversion = raw.distroversion.text();
    let release = distroversion
        .strip_prefix('v')
        .unwrap_or(&distroversion)
        .to_owned();
    if release.is_empty() {
        return Err(FeedError::Invalid {
            path: file.path.clone(),
            what: "empty distroversion".to_owned(),
        });
    }
    let repo = raw.reponame.unwrap_or_default();
    let namespace = Namespace::os("alpine", release.clone());
    let mut by_id: BTreeMap<String, Advisory> = BTreeMap::new();
    let mut skipped = 0;
    for package in raw.packages.unwrap_or_default() {
        for (version, ids) in package.pkg.secfixes.unwrap_or_default() {
            let version = version.text();
            let ids = ids.unwrap_or_default();
            if version == "0" || version.is_empty() {
                skipped += ids.len();
                continue;
            }
            for entry in ids.iter().flatten() {
                let entry = entry.text();
                let mut tokens = entry.split_whitespace();
                let Some(id) = tokens.next() else {
                    continue;
                };
                let advisory = by_id
                    .entry(id.to_owned())
                    .or_insert_with(|| Advisory::new(id, file.source.clone()));
                for alias in tokens {
                    if !advisory.aliases.iter().any(|a| a == alias) {
                        advisory.aliases.push(alias.to_owned());
                    }
                }
                advisory.affected.push(Affected {
                    namespace: namespace.clone(),
                    package: package.pkg.name.clone(),
                    ranges: vec![Range::Events {
                        kind: RangeKind::Ecosystem,
                        events: vec![
                            Event::Introduced("0".to_owned()),
                            Event::Fixed(version.clone()),
                        ],
                    }],
                    versions: Vec::new(),
                    fix_state: FixState::Fixed,
                });
            }
        }
    }
    Ok(ParsedFile {
        advisories: by_id.into_values().collect(),
        coverage: Some(format!("alpine:{release}:{repo}")),
        skipped_entries: skipped,
    })
}
