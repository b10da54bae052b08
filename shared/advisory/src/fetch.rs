//! Fetching feeds over HTTP into a directory laid out like the project's `advisories/` data,
//! so the store is always built by [`crate::Store::update_from_dir`] from local files.
//!
//! Two kinds of remote source:
//! - a mirror: `https://HOST/PATH/` laid out like `advisories/`, served with directory
//!   listings (nginx/Apache autoindex, `python3 -m http.server`); the listings are walked and
//!   every feed file (`*.json`, `*.yaml`, `*.yml`, `list`, `*.zip`) is downloaded;
//! - the upstream feeds at their public addresses ([`Upstream`]): the Alpine secdb per
//!   release and repository, the Debian security tracker's DSA and DLA lists, and OSV's
//!   per-ecosystem `all.zip` exports for the language ecosystems and Ubuntu.
//!
//! A `*.zip` file is unpacked into a folder of the same name without `.zip`
//! (`osv/PyPI/all.zip` to `osv/PyPI/all/`). A file that cannot be fetched or unpacked (404,
//! a truncated body, a broken zip) is reported by its path and skipped, like a broken feed
//! file; requests are retried on connection errors, timeouts and 5xx answers.

mod download;
mod listing;

use std::path::{Path, PathBuf};

use thiserror::Error;

use crate::store::BrokenFile;

/// Where `layerwatch db update` reads feeds from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FeedSource {
    /// A local directory laid out like the upstream feeds.
    Dir(PathBuf),
    /// An `http(s)://` URL of a directory laid out the same way, with directory listings.
    Mirror(String),
    /// The feeds' public addresses.
    Upstream(Upstream),
}

impl FeedSource {
    /// `http://` or `https://` is a mirror (a trailing `/` is added), anything else a
    /// directory.
    pub fn parse(text: &str) -> FeedSource {
        let lower = text.to_ascii_lowercase();
        if lower.starts_with("https://") || lower.starts_with("http://") {
            let mut url = text.to_owned();
            if !url.ends_with('/') {
                url.push('/');
            }
            FeedSource::Mirror(url)
        } else {
            FeedSource::Dir(PathBuf::from(text))
        }
    }
}

impl std::fmt::Display for FeedSource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            FeedSource::Dir(dir) => write!(f, "{}", dir.display()),
            FeedSource::Mirror(url) => f.write_str(url),
            FeedSource::Upstream(_) => f.write_str("the upstream feeds"),
        }
    }
}

/// The public addresses of the upstream feeds; each field is a URL ending in `/`. Tests point
/// them at a local server.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Upstream {
    /// Alpine secdb root: `v3.X/` and `edge/` folders holding `main.json`, `community.json`.
    pub alpine_secdb: String,
    /// The Debian security tracker's `data/` folder (holding `DSA/list`, `DLA/list`).
    pub debian_tracker_data: String,
    /// OSV's export bucket: `<Ecosystem>/all.zip`.
    pub osv: String,
    /// The OSV ecosystems to fetch. Debian and Alpine are left out: their own feeds above are
    /// the sources OSV converts, and both would report every issue twice.
    pub osv_ecosystems: Vec<String>,
}

impl Default for Upstream {
    fn default() -> Self {
        Upstream {
            alpine_secdb: "https://secdb.alpinelinux.org/".into(),
            debian_tracker_data:
                "https://salsa.debian.org/security-tracker-team/security-tracker/-/raw/master/data/"
                    .into(),
            osv: "https://osv-vulnerabilities.storage.googleapis.com/".into(),
            osv_ecosystems: [
                "Go",
                "crates.io",
                "PyPI",
                "npm",
                "Maven",
                "RubyGems",
                "Packagist",
                "NuGet",
                "Ubuntu",
            ]
            .map(String::from)
            .to_vec(),
        }
    }
}

/// What a fetch did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FetchReport {
    /// Files downloaded (a zip counts once).
    pub files: usize,
    /// Bytes downloaded.
    pub bytes: u64,
    /// Files and listings that could not be fetched or unpacked, by local path.
    pub failed: Vec<BrokenFile>,
}

/// Why a fetch could not run at all (single files failing are in [`FetchReport::failed`]).
#[derive(Debug, Error)]
pub enum FetchError {
    /// The HTTP client could not be set up.
    #[error("cannot set up the http client")]
    Client(#[source] reqwest::Error),
    /// A source address is not a URL.
    #[error("{url} is not a valid url")]
    Url {
        /// The text given.
        url: String,
        /// The cause.
        #[source]
        source: url::ParseError,
    },
    /// The mirror's top folder has no readable directory listing.
    #[error("cannot list the mirror {url}: {reason}")]
    Listing {
        /// The mirror URL.
        url: String,
        /// What went wrong (status, network error, not a listing).
        reason: String,
    },
    /// Nothing usable could be fetched.
    #[error("no feed file could be fetched from {source_name} ({failed} failed{first})")]
    Nothing {
        /// The source, as given.
        source_name: String,
        /// How many files or listings failed.
        failed: usize,
        /// `: <path>: <error>` of the first failure, or empty.
        first: String,
    },
    /// A blocking call was made inside an async runtime.
    #[error("fetching {0} blocks, and was called inside an async runtime: use the async function")]
    InsideRuntime(String),
    /// The async runtime for a blocking fetch could not start.
    #[error("cannot start the runtime for fetching")]
    Runtime(#[source] std::io::Error),
    /// The download folder could not be written.
    #[error("cannot write {path}")]
    Io {
        /// The file or folder.
        path: PathBuf,
        /// The cause.
        #[source]
        source: std::io::Error,
    },
}

/// One thing to download: a file to a local path, or a listed folder to walk.
#[derive(Debug, Clone)]
enum Item {
    File {
        url: url::Url,
        rel: String,
    },
    Tree {
        url: url::Url,
        rel: String,
        keep: fn(&str) -> bool,
    },
}

fn parse_url(text: &str) -> Result<url::Url, FetchError> {
    url::Url::parse(text).map_err(|source| FetchError::Url {
        url: text.to_owned(),
        source,
    })
}

/// Every folder and any feed file a mirror may hold (`rel` is the path below the mirror
/// root, folders end in `/`).
fn mirror_keep(rel: &str) -> bool {
    if rel.ends_with('/') {
        return true;
    }
    let name = rel.rsplit('/').next().unwrap_or(rel);
    let lower = name.to_ascii_lowercase();
    name == "list"
        || [".json", ".yaml", ".yml", ".zip"]
            .iter()
            .any(|e| lower.ends_with(e))
}

/// `v3.X/main.json`, `edge/community.json` and their folders.
fn alpine_keep(rel: &str) -> bool {
    let mut parts = rel.trim_end_matches('/').split('/');
    let release = parts.next().unwrap_or("");
    let release_ok = release == "edge"
        || release
            .strip_prefix('v')
            .is_some_and(|v| !v.is_empty() && v.chars().all(|c| c.is_ascii_digit() || c == '.'));
    match (parts.next(), parts.next()) {
        (None, _) => release_ok,
        (Some(file), None) => release_ok && matches!(file, "main.json" | "community.json"),
        _ => false,
    }
}

fn plan(source: &FeedSource) -> Result<Vec<Item>, FetchError> {
    Ok(match source {
        FeedSource::Dir(_) => Vec::new(),
        FeedSource::Mirror(url) => vec![Item::Tree {
            url: parse_url(url)?,
            rel: String::new(),
            keep: mirror_keep,
        }],
        FeedSource::Upstream(up) => {
            let join = |base: &str, rel: &str| {
                parse_url(base)?
                    .join(rel)
                    .map_err(|source| FetchError::Url {
                        url: format!("{base}{rel}"),
                        source,
                    })
            };
            let mut items = vec![Item::Tree {
                url: parse_url(&up.alpine_secdb)?,
                rel: "alpine/secdb-json/".into(),
                keep: alpine_keep,
            }];
            for list in ["DSA/list", "DLA/list"] {
                items.push(Item::File {
                    url: join(&up.debian_tracker_data, list)?,
                    rel: format!("debian/security-tracker/{list}"),
                });
            }
            for eco in &up.osv_ecosystems {
                items.push(Item::File {
                    url: join(&up.osv, &format!("{eco}/all.zip"))?,
                    rel: format!("osv/{eco}/all.zip"),
                });
            }
            items
        }
    })
}

/// Downloads `source` into `dest` (an empty folder) in the layout of `advisories/`.
/// A local directory source downloads nothing.
pub async fn fetch_into(source: &FeedSource, dest: &Path) -> Result<FetchReport, FetchError> {
    let client = download::client()?;
    let mut report = FetchReport::default();
    let mut files = Vec::new();
    for item in plan(source)? {
        match item {
            Item::File { url, rel } => files.push((url, rel)),
            Item::Tree { url, rel, keep } => {
                let is_root = rel.is_empty();
                match listing::walk(&client, &url, keep).await {
                    Ok((found, failed)) => {
                        files.extend(found.into_iter().map(|(u, r)| (u, format!("{rel}{r}"))));
                        report.failed.extend(failed.into_iter().map(|mut b| {
                            b.path = format!("{rel}{}", b.path);
                            b
                        }));
                    }
                    // A mirror without a listing is a wrong address, not a broken file.
                    Err(reason) if is_root => {
                        return Err(FetchError::Listing {
                            url: url.to_string(),
                            reason,
                        });
                    }
                    Err(reason) => report.failed.push(BrokenFile {
                        path: rel,
                        error: reason,
                    }),
                }
            }
        }
    }
    download::all(&client, files, dest, &mut report).await?;
    report.failed.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(report)
}
