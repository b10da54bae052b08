//! The OCI referrers API (distribution spec 1.1): the artifacts (signatures, SBOMs,
//! attestations) whose `subject` is a given manifest.

use layerwatch_oci::Digest;
use reqwest::Method;

use super::{RegistryClient, read_limited};
use crate::auth::Target;
use crate::error::RegistryError;
use crate::manifest::OCI_INDEX;
use crate::retry::with_retries;

impl RegistryClient {
    /// `GET /v2/<repository>/referrers/<digest>`: the image index listing the referrers, as
    /// served, or `None` when the registry answers 404 (registries without the API do; the
    /// spec's fallback is the `sha256-<hex>` tag, fetched with [`RegistryClient::manifest`]).
    pub async fn referrers(
        &self,
        registry: &str,
        repository: &str,
        digest: &Digest,
    ) -> Result<Option<Vec<u8>>, RegistryError> {
        let reference = digest.to_string();
        let t = Target {
            registry,
            repository,
            reference: &reference,
        };
        let path = format!("{repository}/referrers/{digest}");
        let (tr, pathr) = (&t, path.as_str());
        let result = with_retries(&self.inner.retry, || async move {
            let resp = self
                .attempt(tr, Method::GET, pathr, Some(OCI_INDEX))
                .await?;
            let url = resp.url().clone();
            read_limited(resp, self.inner.max_manifest_bytes, tr, &url).await
        })
        .await;
        match result {
            Ok(bytes) => Ok(Some(bytes)),
            Err(RegistryError::NotFound { .. }) => Ok(None),
            Err(e) => Err(e),
        }
    }
}
