//! Feed readers: find feed files in a directory and turn each one into [`Advisory`] values.
//!
//! Every file is parsed on its own, so one broken file is reported by path and the rest still
//! load. [`discover`] recognises a directory laid out like the project's `advisories/` data by
//! folder names first and file contents second.

mod alpine;
mod debian;
mod discover;
mod nodejs;
mod osv;

use std::path::PathBuf;

use thiserror::Error;

use crate::model::Advisory;

pub use discover::discover;

/// The native format of a feed file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum FeedKind {
    /// Alpine secdb JSON (`v3.X/main.json`).
    AlpineSecdbJson,
    /// Alpine secdb in its older YAML form (`alpine-secdb`).
    AlpineSecdbYaml,
    /// Debian security tracker `DSA/list` or `DLA/list`.
    DebianList,
    /// One OSV record in JSON.
    OsvJson,
    /// One OSV record in YAML (PyPA).
    OsvYaml,
    /// One Node.js security WG npm advisory (`vuln/npm/<n>.json`).
    NodejsWg,
}

impl FeedKind {
    /// A short name, used as the source name of files that sit above any feed folder.
    pub fn as_str(self) -> &'static str {
        match self {
            FeedKind::AlpineSecdbJson => "alpine-secdb-json",
            FeedKind::AlpineSecdbYaml => "alpine-secdb-yaml",
            FeedKind::DebianList => "debian-security-tracker",
            FeedKind::OsvJson => "osv-json",
            FeedKind::OsvYaml => "osv-yaml",
            FeedKind::NodejsWg => "nodejs-security-wg",
        }
    }
}

/// One feed file found by [`discover`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeedFile {
    /// Where the file is.
    pub path: PathBuf,
    /// Its path below the discovered directory, `/`-separated (sorts and hashes the same
    /// on every machine).
    pub rel_path: String,
    /// Its format.
    pub kind: FeedKind,
    /// The source name its advisories carry (see [`Advisory::source`]).
    pub source: String,
}

/// What one file yielded.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ParsedFile {
    /// The advisories, in file order.
    pub advisories: Vec<Advisory>,
    /// For Alpine secdb files, `alpine:<release>:<repo>`: two files with the same coverage
    /// describe the same repository, and the store keeps only one of them.
    pub coverage: Option<String>,
    /// Entries dropped on purpose (unsupported ecosystems, git-only ranges, `<not-affected>`,
    /// Alpine fixes at version `0`).
    pub skipped_entries: usize,
}

/// Why a feed file could not be read.
#[derive(Debug, Error)]
pub enum FeedError {
    /// The file could not be read.
    #[error("cannot read feed file {path}")]
    Read {
        /// The file.
        path: PathBuf,
        /// The cause.
        #[source]
        source: std::io::Error,
    },
    /// The file is not valid JSON of the expected shape.
    #[error("feed file {path} is not valid {kind:?} json")]
    Json {
        /// The file.
        path: PathBuf,
        /// The expected format.
        kind: FeedKind,
        /// The cause.
        #[source]
        source: serde_json::Error,
    },
    /// The file is not valid YAML of the expected shape.
    #[error("feed file {path} is not valid {kind:?} yaml")]
    Yaml {
        /// The file.
        path: PathBuf,
        /// The expected format.
        kind: FeedKind,
        /// The cause.
        #[source]
        source: serde_yaml::Error,
    },
    /// The file parses but a required value is missing or malformed.
    #[error("feed file {path}: {what}")]
    Invalid {
        /// The file.
        path: PathBuf,
        /// What is wrong, naming the entry.
        what: String,
    },
}

/// Reads and parses one feed file.
pub fn read(file: &FeedFile) -> Result<ParsedFile, FeedError> {
    let bytes = std::fs::read(&file.path).map_err(|source| FeedError::Read {
        path: file.path.clone(),
        source,
    })?;
    parse(file, &bytes)
}

/// Parses the bytes of one feed file (the store reads them once, to hash and to parse).
pub fn parse(file: &FeedFile, bytes: &[u8]) -> Result<ParsedFile, FeedError> {
    match file.kind {
        FeedKind::AlpineSecdbJson => alpine::parse_json(file, bytes),
        FeedKind::AlpineSecdbYaml => alpine::parse_yaml(file, bytes),
        FeedKind::DebianList => debian::parse(file, bytes),
        FeedKind::OsvJson => osv::parse_json(file, bytes),
        FeedKind::OsvYaml => osv::parse_yaml(file, bytes),
        FeedKind::NodejsWg => nodejs::parse(file, bytes),
    }
}

/// The text of a file, or an error naming it.
fn text<'a>(file: &FeedFile, bytes: &'a [u8]) -> Result<&'a str, FeedError> {
    std::str::from_utf8(bytes).map_err(|e| FeedError::Invalid {
        path: file.path.clone(),
        what: format!("not utf-8 text ({e})"),
    })
}

/// A timestamp in RFC 3339 form: a bare `YYYY-MM-DD` date becomes midnight UTC, others pass.
fn normalize_time(value: &str) -> Option<String> {
    let value = value.trim();
    if value.is_empty() {
        return None;
    }
    let b = value.as_bytes();
    let date_only =
        value.len() == 10 && b[4] == b'-' && b[7] == b'-' && value.chars().all(|c| c != 'T');
    Some(if date_only {
        format!("{value}T00:00:00Z")
    } else {
        value.to_owned()
    })
}

/// The first non-empty line of a text, at most 240 characters (for records without a summary).
fn first_line(text: &str) -> Option<String> {
    let line = text.lines().map(str::trim).find(|l| !l.is_empty())?;
    Some(line.chars().take(240).collect())
}

/// Debian's release numbers by codename, as the security tracker names releases; a release
/// OSV already names by codename (`Debian:sid`) passes through.
pub(crate) fn debian_codename(number: &str) -> Option<&str> {
    if !number.is_empty() && number.chars().all(|c| c.is_ascii_lowercase()) {
        return Some(number);
    }
    Some(match number {
        "3.0" => "woody",
        "3.1" => "sarge",
        "4.0" | "4" => "etch",
        "5.0" | "5" => "lenny",
        "6.0" | "6" => "squeeze",
        "7" => "wheezy",
        "8" => "jessie",
        "9" => "stretch",
        "10" => "buster",
        "11" => "bullseye",
        "12" => "bookworm",
        "13" => "trixie",
        "14" => "forky",
        "15" => "duke",
        _ => return None,
    })
}
