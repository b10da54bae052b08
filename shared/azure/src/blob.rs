//! One Blob storage container: create, conditional put, get with ETag, list by prefix, delete.
//!
//! Conditions are how the stores stay consistent without a table service: `If-None-Match: *`
//! creates a blob only if absent, `If-Match: <etag>` replaces exactly the version read. A lost
//! race is an outcome ([`Put::Conflict`]), not an error.

use layerwatch_pipeline::StoreError;
use reqwest::Method;

use crate::rest::Rest;
use crate::xml;

/// The condition of a put.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Condition<'a> {
    /// Write whatever is there.
    None,
    /// Only if no blob exists (`If-None-Match: *`).
    Absent,
    /// Only if the blob still has this ETag.
    Matches(&'a str),
}

/// The result of a conditional put.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Put {
    /// Written; the new ETag.
    Written(String),
    /// The condition failed (409 blob exists, 412 ETag changed).
    Conflict,
}

/// A blob's bytes and the ETag of that version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fetched {
    /// The content.
    pub bytes: Vec<u8>,
    /// Its ETag, for a later `If-Match`.
    pub etag: String,
}

/// A container in a storage account.
#[derive(Debug, Clone)]
pub struct Container {
    rest: Rest,
    /// `<blob endpoint>/<container>`, without a trailing slash.
    base: url::Url,
    name: String,
    page_size: Option<u32>,
}

impl Container {
    /// The container `name` under the account's blob `endpoint` (e.g.
    /// `https://acct.blob.core.windows.net` or `http://127.0.0.1:10000/devstoreaccount1`).
    pub fn new(rest: Rest, endpoint: &url::Url, name: &str) -> Self {
        let mut base = endpoint.clone();
        base.path_segments_mut()
            .map(|mut p| {
                p.pop_if_empty().push(name);
            })
            .unwrap_or(());
        Container {
            rest,
            base,
            name: name.to_string(),
            page_size: None,
        }
    }

    /// The same container, listing at most `n` names per request (the service's default and
    /// maximum is 5000); small pages let tests exercise paging cheaply.
    pub fn with_page_size(mut self, n: u32) -> Self {
        self.page_size = Some(n.clamp(1, 5000));
        self
    }

    /// The container name.
    pub fn name(&self) -> &str {
        &self.name
    }

    fn url(&self, key: &str) -> url::Url {
        let mut u = self.base.clone();
        if let Ok(mut p) = u.path_segments_mut() {
            p.extend(key.split('/'));
        }
        u
    }

    /// Creates the container; an existing one is fine.
    pub fn create(&self) -> Result<(), StoreError> {
        let mut u = self.base.clone();
        u.set_query(Some("restype=container"));
        let what = format!("create container {}", self.name);
        let r = self.rest.call(Method::PUT, &u, &[], Vec::new(), &what)?;
        if r.ok() || r.status == 409 {
            Ok(())
        } else {
            Err(r.unexpected(&what))
        }
    }

    /// Writes `bytes` at `key` under `condition`.
    pub fn put(
        &self,
        key: &str,
        bytes: &[u8],
        content_type: &str,
        condition: Condition<'_>,
    ) -> Result<Put, StoreError> {
        let mut headers = vec![
            ("x-ms-blob-type", "BlockBlob"),
            ("Content-Type", content_type),
        ];
        match condition {
            Condition::None => {}
            Condition::Absent => headers.push(("If-None-Match", "*")),
            Condition::Matches(etag) => headers.push(("If-Match", etag)),
        }
        let what = format!("put blob {}/{key}", self.name);
        let r = self
            .rest
            .call(Method::PUT, &self.url(key), &headers, bytes.to_vec(), &what)?;
        match r.status {
            201 | 200 => Ok(Put::Written(r.etag.unwrap_or_default())),
            409 | 412 if condition != Condition::None => Ok(Put::Conflict),
            _ => Err(r.unexpected(&what)),
        }
    }

    /// The blob at `key`, or `None` when there is none.
    pub fn get(&self, key: &str) -> Result<Option<Fetched>, StoreError> {
        let what = format!("get blob {}/{key}", self.name);
        let r = self
            .rest
            .call(Method::GET, &self.url(key), &[], Vec::new(), &what)?;
        match r.status {
            200 => Ok(Some(Fetched {
                bytes: r.body,
                etag: r.etag.unwrap_or_default(),
            })),
            404 if r.error_code.as_deref() != Some("ContainerNotFound") => Ok(None),
            _ => Err(r.unexpected(&what)),
        }
    }

    /// Deletes the blob at `key`; an absent one is fine.
    pub fn delete(&self, key: &str) -> Result<(), StoreError> {
        let what = format!("delete blob {}/{key}", self.name);
        let r = self
            .rest
            .call(Method::DELETE, &self.url(key), &[], Vec::new(), &what)?;
        if r.ok() || (r.status == 404 && r.error_code.as_deref() != Some("ContainerNotFound")) {
            Ok(())
        } else {
            Err(r.unexpected(&what))
        }
    }

    /// Every blob name starting with `prefix`, in lexical order (pages followed).
    pub fn list(&self, prefix: &str) -> Result<Vec<String>, StoreError> {
        let what = format!("list blobs {}/{prefix}*", self.name);
        let mut names = Vec::new();
        let mut marker: Option<String> = None;
        loop {
            let mut u = self.base.clone();
            {
                let mut q = u.query_pairs_mut();
                q.append_pair("restype", "container")
                    .append_pair("comp", "list");
                q.append_pair("prefix", prefix);
                if let Some(n) = self.page_size {
                    q.append_pair("maxresults", &n.to_string());
                }
                if let Some(m) = &marker {
                    q.append_pair("marker", m);
                }
            }
            let r = self.rest.call(Method::GET, &u, &[], Vec::new(), &what)?;
            if !r.ok() {
                return Err(r.unexpected(&what));
            }
            let body = String::from_utf8_lossy(&r.body);
            for blob in xml::elements(&body, "Blob") {
                names.extend(xml::texts(blob, "Name"));
            }
            match xml::texts(&body, "NextMarker").into_iter().next() {
                Some(m) if !m.is_empty() => marker = Some(m),
                _ => break,
            }
        }
        names.sort();
        Ok(names)
    }
}
