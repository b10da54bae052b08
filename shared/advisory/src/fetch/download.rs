//! HTTP GETs with retries, files streamed to disk with their length checked, and `*.zip`
//! exports unpacked next to where they were downloaded.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::time::Duration;

use futures_util::StreamExt;
use url::Url;

use super::{FetchError, FetchReport};
use crate::store::BrokenFile;

/// Tries per request: one, then two retries.
const ATTEMPTS: u32 = 3;
/// Downloads in flight at once.
const PARALLEL: usize = 8;
/// No single record of an OSV export comes near this; a bigger entry is a zip bomb or junk.
const MAX_ZIP_ENTRY: u64 = 64 * 1024 * 1024;

pub(super) fn client() -> Result<reqwest::Client, FetchError> {
    reqwest::Client::builder()
        .user_agent(concat!("layerwatch/", env!("CARGO_PKG_VERSION")))
        .connect_timeout(Duration::from_secs(20))
        .read_timeout(Duration::from_secs(60))
        .build()
        .map_err(FetchError::Client)
}

/// A failed attempt, and whether another try may help.
struct Failure {
    reason: String,
    retry: bool,
}

async fn attempt<T, F, Fut>(url: &Url, mut run: F) -> Result<T, String>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Result<T, Failure>>,
{
    let mut last = String::new();
    for n in 1..=ATTEMPTS {
        match run().await {
            Ok(value) => return Ok(value),
            Err(f) => {
                last = f.reason;
                if !f.retry || n == ATTEMPTS {
                    break;
                }
                tracing::debug!(%url, attempt = n, error = %last, "retrying");
                tokio::time::sleep(Duration::from_millis(300 * u64::from(n * n))).await;
            }
        }
    }
    Err(format!("GET {url}: {last}"))
}

fn network(e: &reqwest::Error) -> Failure {
    let mut reason = e.to_string();
    let mut cause = std::error::Error::source(e);
    while let Some(c) = cause {
        reason.push_str(": ");
        reason.push_str(&c.to_string());
        cause = c.source();
    }
    Failure {
        reason,
        retry: true,
    }
}

async fn send(client: &reqwest::Client, url: &Url) -> Result<reqwest::Response, Failure> {
    let response = client
        .get(url.clone())
        .send()
        .await
        .map_err(|e| network(&e))?;
    let status = response.status();
    if status.is_success() {
        return Ok(response);
    }
    Err(Failure {
        reason: format!("http status {status}"),
        retry: status.is_server_error() || status.as_u16() == 429,
    })
}

/// The body of `url` as text (a directory listing).
pub(super) async fn get_text(client: &reqwest::Client, url: &Url) -> Result<String, String> {
    attempt(url, || async {
        send(client, url)
            .await?
            .text()
            .await
            .map_err(|e| network(&e))
    })
    .await
}

/// Streams `url` into `to`; fails when fewer bytes arrive than the server announced.
async fn get_file(client: &reqwest::Client, url: &Url, to: &Path) -> Result<u64, String> {
    attempt(url, || async {
        let mut response = send(client, url).await?;
        let expected = response.content_length();
        let local = |e: std::io::Error| Failure {
            reason: format!("cannot write {}: {e}", to.display()),
            retry: false,
        };
        let mut file = std::fs::File::create(to).map_err(local)?;
        let mut got: u64 = 0;
        while let Some(chunk) = response.chunk().await.map_err(|e| network(&e))? {
            file.write_all(&chunk).map_err(local)?;
            got += chunk.len() as u64;
        }
        file.flush().map_err(local)?;
        match expected {
            Some(n) if n != got => Err(Failure {
                reason: format!("truncated: {got} of {n} bytes"),
                retry: true,
            }),
            _ => Ok(got),
        }
    })
    .await
}

/// Downloads every (URL, path below `dest`) into `dest`, `PARALLEL` at a time, unpacking zips.
pub(super) async fn all(
    client: &reqwest::Client,
    files: Vec<(Url, String)>,
    dest: &Path,
    report: &mut FetchReport,
) -> Result<(), FetchError> {
    for (_, rel) in &files {
        if let Some(parent) = dest.join(rel).parent() {
            std::fs::create_dir_all(parent).map_err(|source| FetchError::Io {
                path: parent.to_path_buf(),
                source,
            })?;
        }
    }
    let mut results = futures_util::stream::iter(files)
        .map(|(url, rel)| async move {
            let to = dest.join(&rel);
            let outcome = match get_file(client, &url, &to).await {
                Ok(bytes) if rel.to_ascii_lowercase().ends_with(".zip") => {
                    let zip = to.clone();
                    tokio::task::spawn_blocking(move || unzip_beside(&zip))
                        .await
                        .map_err(|e| format!("unpacking {}: {e}", to.display()))
                        .and_then(|r| r)
                        .map(|()| bytes)
                }
                other => other,
            };
            if outcome.is_err() {
                // A partial file must not be parsed as if it were whole.
                let _ = std::fs::remove_file(&to);
            }
            (rel, outcome)
        })
        .buffer_unordered(PARALLEL);
    while let Some((rel, outcome)) = results.next().await {
        match outcome {
            Ok(bytes) => {
                report.files += 1;
                report.bytes += bytes;
            }
            Err(error) => {
                tracing::warn!(path = %rel, %error, "skipping feed file that could not be fetched");
                report.failed.push(BrokenFile { path: rel, error });
            }
        }
    }
    Ok(())
}

/// Unpacks `X.zip` into the folder `X/` (JSON and YAML members only) and removes the zip.
fn unzip_beside(zip_path: &Path) -> Result<(), String> {
    let folder: PathBuf = zip_path.with_extension("");
    let result = unzip_into(zip_path, &folder);
    if result.is_err() {
        let _ = std::fs::remove_dir_all(&folder);
    }
    let _ = std::fs::remove_file(zip_path);
    result.map_err(|e| format!("{} is not a readable zip: {e}", zip_path.display()))
}

fn unzip_into(zip_path: &Path, folder: &Path) -> Result<(), Box<dyn std::error::Error>> {
    let mut archive = zip::ZipArchive::new(std::fs::File::open(zip_path)?)?;
    std::fs::create_dir_all(folder)?;
    for i in 0..archive.len() {
        let mut member = archive.by_index(i)?;
        // `enclosed_name` refuses absolute paths and `..`: nothing lands outside the folder.
        let Some(name) = member.enclosed_name() else {
            continue;
        };
        let lower = name.to_string_lossy().to_ascii_lowercase();
        if member.is_dir()
            || ![".json", ".yaml", ".yml"]
                .iter()
                .any(|e| lower.ends_with(e))
        {
            continue;
        }
        if member.size() > MAX_ZIP_ENTRY {
            return Err(format!("member {} is over {MAX_ZIP_ENTRY} bytes", name.display()).into());
        }
        let to = folder.join(&name);
        if let Some(parent) = to.parent() {
            std::fs::create_dir_all(parent)?;
        }
        let mut bytes = Vec::with_capacity(usize::try_from(member.size()).unwrap_or(0));
        member
            .by_ref()
            .take(MAX_ZIP_ENTRY)
            .read_to_end(&mut bytes)?;
        std::fs::write(&to, &bytes)?;
    }
    Ok(())
}
