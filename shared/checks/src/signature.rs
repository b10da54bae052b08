//! Is the image signed in its registry? A signature is found as a cosign (sigstore) signature
//! tag `sha256-<hex>.sig`, or as an OCI referrer of the manifest whose artifact type is a
//! signature (cosign, sigstore bundle, Notary v2), through the referrers API or, where the
//! registry lacks it, the spec's `sha256-<hex>` fallback tag. Only registry targets can be
//! judged; for the others the check is `not_applicable`.

use layerwatch_oci::{Digest, ImageRef};
use layerwatch_registry::{ClientConfig, ManifestRef, RegistryClient, RegistryError};
use layerwatch_report::{Check, CheckResult};
use serde::Deserialize;

use crate::catalog::{self, CheckDef};
use crate::make;

/// Artifact types (or config media types) of signature artifacts.
pub const SIGNATURE_TYPES: [&str; 5] = [
    "application/vnd.dev.cosign.artifact.sig.v1+json",
    "application/vnd.dev.cosign.simplesigning.v1+json",
    "application/vnd.dev.sigstore.bundle+json",
    "application/vnd.dev.sigstore.bundle.v0.3+json",
    "application/vnd.cncf.notary.signature",
];

#[derive(Deserialize)]
struct Index {
    #[serde(default)]
    manifests: Vec<Descriptor>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Descriptor {
    #[serde(default)]
    artifact_type: Option<String>,
    #[serde(default)]
    digest: String,
}

/// The first signature referrer listed in a referrers index, as `type (digest)`.
pub fn signature_in_index(bytes: &[u8]) -> Option<String> {
    let index: Index = serde_json::from_slice(bytes).ok()?;
    index.manifests.into_iter().find_map(|d| {
        let kind = d.artifact_type?;
        let is_signature = SIGNATURE_TYPES.contains(&kind.as_str())
            || kind.starts_with("application/vnd.dev.sigstore.bundle");
        is_signature.then(|| format!("{kind} ({})", d.digest))
    })
}

/// Looks for a signature of manifest `digest` in `registry`/`repository`; `Ok(Some(evidence))`
/// when one is there, `Ok(None)` when none is.
pub async fn find(
    client: &RegistryClient,
    registry: &str,
    repository: &str,
    digest: &Digest,
) -> Result<Option<String>, RegistryError> {
    let base = digest.to_string().replace(':', "-");
    let sig_tag = format!("{base}.sig");
    match client
        .manifest(registry, repository, &ManifestRef::Tag(sig_tag.clone()))
        .await
    {
        Ok(m) => {
            return Ok(Some(format!(
                "cosign signature tag {sig_tag} ({})",
                m.digest
            )));
        }
        Err(RegistryError::NotFound { .. }) => {}
        Err(e) => return Err(e),
    }
    if let Some(bytes) = client.referrers(registry, repository, digest).await? {
        return Ok(signature_in_index(&bytes).map(|s| format!("OCI referrer {s}")));
    }
    match client
        .manifest(registry, repository, &ManifestRef::Tag(base.clone()))
        .await
    {
        Ok(m) => Ok(signature_in_index(&m.bytes).map(|s| format!("OCI referrer {s} (tag {base})"))),
        Err(RegistryError::NotFound { .. }) => Ok(None),
        Err(e) => Err(e),
    }
}

fn def() -> &'static CheckDef {
    catalog::find(catalog::SIGNATURE).expect("the signature check is in the catalog")
}

/// The check for a target that is not in a registry.
pub fn not_applicable(why: &str) -> Check {
    make(
        def(),
        CheckResult::NotApplicable,
        vec![why.to_string()],
        None,
    )
}

/// The check for `image` (manifest `digest`) in its registry, blocking; a registry that cannot
/// be asked gives `not_applicable` with the reason, never a pass or a fail. Must not be called
/// from inside an async runtime.
pub fn check(config: ClientConfig, image: &ImageRef, digest: &Digest) -> Check {
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => return not_applicable(&format!("could not start the registry client: {e}")),
    };
    let client = match RegistryClient::new(config) {
        Ok(c) => c,
        Err(e) => return not_applicable(&format!("could not start the registry client: {e}")),
    };
    let host = image.registry_api_host();
    let found = runtime.block_on(find(&client, host, image.repository(), digest));
    match found {
        Ok(Some(evidence)) => make(def(), CheckResult::Pass, vec![evidence], None),
        Ok(None) => make(
            def(),
            CheckResult::Fail,
            vec![format!(
                "no cosign signature tag and no signature referrer for {digest} in {host}/{}",
                image.repository()
            )],
            None,
        ),
        Err(e) => not_applicable(&format!("the registry could not be asked: {e}")),
    }
}

#[cfg(test)]
mod tests {
    use super::signature_in_index;

    #[test]
    fn only_signature_artifacts_count_as_signatures() {
        let sbom =
            r#"{"manifests":[{"artifactType":"application/spdx+json","digest":"sha256:aa"}]}"#;
        assert_eq!(signature_in_index(sbom.as_bytes()), None);
        let notary = r#"{"manifests":[{"artifactType":"application/spdx+json","digest":"sha256:aa"},
            {"artifactType":"application/vnd.cncf.notary.signature","digest":"sha256:bb"}]}"#;
        assert_eq!(
            signature_in_index(notary.as_bytes()).as_deref(),
            Some("application/vnd.cncf.notary.signature (sha256:bb)")
        );
        assert_eq!(signature_in_index(b"not json"), None);
    }
}
