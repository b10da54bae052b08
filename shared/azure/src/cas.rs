//! JSON documents in blobs, updated with ETag compare-and-swap, and the key encoding that keeps
//! any identifier (a purl, a job key) one safe blob-name segment.

use layerwatch_pipeline::StoreError;
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::blob::{Condition, Container, Put};

/// How often a compare-and-swap is retried before the conflict is reported as transient.
const CAS_ATTEMPTS: u32 = 50;

/// `segment` as one blob-name segment: ASCII letters, digits, `.`, `-` and `_` stay, every
/// other byte becomes `~XX`. Injective, so two identifiers never share a key, and free of `/`.
pub fn segment(segment: &str) -> String {
    let mut out = String::with_capacity(segment.len());
    for b in segment.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("~{b:02X}"));
        }
    }
    // `.` and `..` alone would read as path steps in some tools.
    if out.chars().all(|c| c == '.') {
        out = out.replace('.', "~2E");
    }
    out
}

/// Decodes a JSON document; `what` and `key` name it in the error.
pub fn decode<T: DeserializeOwned>(
    what: &'static str,
    key: &str,
    bytes: &[u8],
) -> Result<T, StoreError> {
    serde_json::from_slice(bytes).map_err(|e| StoreError::Corrupt {
        what,
        key: key.to_string(),
        reason: e.to_string(),
    })
}

/// Encodes a JSON document.
pub fn encode<T: Serialize>(
    what: &'static str,
    key: &str,
    value: &T,
) -> Result<Vec<u8>, StoreError> {
    serde_json::to_vec(value).map_err(|e| StoreError::Corrupt {
        what,
        key: key.to_string(),
        reason: e.to_string(),
    })
}

/// The document at `key`, if any.
pub fn read<T: DeserializeOwned>(
    container: &Container,
    what: &'static str,
    key: &str,
) -> Result<Option<T>, StoreError> {
    container
        .get(key)?
        .map(|f| decode(what, key, &f.bytes))
        .transpose()
}

/// Reads the document at `key`, lets `change` edit it, and writes it back only if nobody wrote
/// in between (`If-Match`), retrying on a lost race. `change` returns false to leave the
/// document as it is. Returns the document as stored after, or `None` when there is none.
pub fn update<T, F>(
    container: &Container,
    what: &'static str,
    key: &str,
    mut change: F,
) -> Result<Option<T>, StoreError>
where
    T: Serialize + DeserializeOwned,
    F: FnMut(&mut T) -> bool,
{
    for attempt in 0..CAS_ATTEMPTS {
        let Some(fetched) = container.get(key)? else {
            return Ok(None);
        };
        let mut doc: T = decode(what, key, &fetched.bytes)?;
        if !change(&mut doc) {
            return Ok(Some(doc));
        }
        let bytes = encode(what, key, &doc)?;
        match container.put(
            key,
            &bytes,
            "application/json",
            Condition::Matches(&fetched.etag),
        )? {
            Put::Written(_) => return Ok(Some(doc)),
            Put::Conflict => {
                // Another writer won; back off a little so a crowd of writers spreads out.
                std::thread::sleep(std::time::Duration::from_millis(
                    fastrand::u64(1..10) * u64::from(attempt.min(5) + 1),
                ));
            }
        }
    }
    Err(StoreError::Transient(format!(
        "{what} `{key}`: still contended after {CAS_ATTEMPTS} compare-and-swap attempts"
    )))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn segments_are_injective_and_slash_free() {
        assert_eq!(
            segment("pkg:deb/debian/openssl"),
            "pkg~3Adeb~2Fdebian~2Fopenssl"
        );
        assert_ne!(segment("a/b"), segment("a~2Fb"));
        assert_eq!(segment(".."), "~2E~2E");
        assert_eq!(segment("CVE-2024-6119"), "CVE-2024-6119");
    }
}
