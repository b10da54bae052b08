//! The scan of an image in a registry (`HOST[:PORT]/REPO[:TAG|@DIGEST]`).
//!
//! The manifest is fetched by tag or digest (an index becomes one image per platform, without
//! attestations and artifacts), then each image's config (digest verified, and kept in the
//! [`LayerCache`] so a second scan downloads no blob), then each layer not in the cache is
//! streamed from the registry straight into the layer reader, which verifies its digest.
//!
//! The registry client is async and the engine is not: each scan runs a one-worker tokio
//! runtime of its own. Requests are driven by that worker; the layer reader pulls the blob
//! through a blocking bridge on the caller's thread, so no blocking read ever runs on an async
//! worker thread.

use std::io::{self, Read};

use layerwatch_oci::{
    BlobSource, DEFAULT_REGISTRY, Digest, DigestWriter, ImageManifest, ImageRef, LayerRef,
    LocalImage, ParsedManifest, Platform, SourceError, parse_config,
};
use layerwatch_registry::{FetchedManifest, ManifestRef, RegistryClient, RegistryError};
use tokio::io::AsyncReadExt;
use tokio::runtime::Runtime;
use tracing::debug;

use crate::cache::LayerCache;
use crate::error::EngineError;
use crate::scan::{ScanOptions, ScannedImage, scan_images};

mod error;
pub use error::RegistryScanError;

/// How deep nested indexes are followed; real images use one level.
const MAX_INDEX_DEPTH: usize = 4;
/// Largest image config accepted; real ones are a few KiB, big ones a few hundred.
const MAX_CONFIG_BYTES: u64 = 8 * 1024 * 1024;

/// The reference `s` names when it is a registry image with an explicit host (`localhost`,
/// `HOST.DOMAIN`, `HOST:PORT`, or `docker.io` spelled out); a bare `alpine:3.20` is not one,
/// so a mistyped local target is not silently looked up on Docker Hub.
pub(crate) fn explicit_reference(s: &str) -> Option<ImageRef> {
    let (host, _) = s.split_once('/')?;
    let image: ImageRef = s.parse().ok()?;
    let named = host == image.registry()
        || (host == "index.docker.io" && image.registry() == DEFAULT_REGISTRY);
    named.then_some(image)
}

/// Scans `image` with `options.registry` as the client's settings.
pub(crate) fn scan(
    image: &ImageRef,
    reference: &str,
    options: &ScanOptions,
    cache: &dyn LayerCache,
) -> Result<Vec<ScannedImage>, EngineError> {
    // `block_on` inside a runtime panics; say what to do instead.
    if tokio::runtime::Handle::try_current().is_ok() {
        return Err(RegistryScanError::InsideRuntime(reference.to_string()).into());
    }
    let source = RegistryRepository::new(
        options.registry.clone(),
        image.registry_api_host(),
        image.repository(),
    )?;
    let top = source
        .runtime
        .block_on(source.client.image_manifest(image))
        .map_err(RegistryScanError::from)?;
    let mut images = Vec::new();
    source.walk(&top, reference, None, None, 0, cache, &mut images)?;
    scan_images(reference, &source, images, options, cache)
}

/// One repository of one registry, with the runtime its requests run on: resolves a manifest
/// to its images ([`RegistryRepository::images`]) and streams their layers ([`BlobSource`]).
///
/// The registry scan uses it, and so do the pipeline's dispatch and analyze-layer steps, so an
/// index is expanded and a config fetched and cached one way everywhere.
pub struct RegistryRepository {
    runtime: Runtime,
    client: RegistryClient,
    host: String,
    repository: String,
}

impl std::fmt::Debug for RegistryRepository {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RegistryRepository")
            .field("host", &self.host)
            .field("repository", &self.repository)
            .finish_non_exhaustive()
    }
}

impl RegistryRepository {
    /// A client for `host` (the API host, `HOST[:PORT]`) and `repository`, with a one-worker
    /// runtime of its own. Call its methods from a thread that may block: a plain thread, or
    /// tokio's `spawn_blocking` (never an async worker thread).
    pub fn new(
        config: layerwatch_registry::ClientConfig,
        host: &str,
        repository: &str,
    ) -> Result<Self, RegistryScanError> {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .thread_name("layerwatch-registry")
            .enable_all()
            .build()
            .map_err(RegistryScanError::Runtime)?;
        let client = RegistryClient::new(config)?;
        Ok(RegistryRepository {
            runtime,
            client,
            host: host.to_string(),
            repository: repository.to_string(),
        })
    }

    /// The digest of the manifest or index `reference` names (verified against its bytes).
    pub fn digest_of(&self, reference: &ManifestRef) -> Result<Digest, RegistryScanError> {
        let fetched = self.runtime.block_on(self.client.manifest(
            &self.host,
            &self.repository,
            reference,
        ))?;
        Ok(fetched.digest)
    }

    /// The images `reference` names: one for an image manifest, each image of an index
    /// (attestations, `unknown/unknown` and artifacts skipped), with configs read through
    /// `cache` (only its config methods are used).
    pub fn images(
        &self,
        reference: &ManifestRef,
        cache: &dyn LayerCache,
    ) -> Result<Vec<LocalImage>, RegistryScanError> {
        let top = self.runtime.block_on(self.client.manifest(
            &self.host,
            &self.repository,
            reference,
        ))?;
        let sep = match reference {
            ManifestRef::Digest(_) => '@',
            ManifestRef::Tag(_) => ':',
        };
        let name = format!("{}/{}{sep}{reference}", self.host, self.repository);
        let mut images = Vec::new();
        self.walk(&top, &name, None, None, 0, cache, &mut images)?;
        Ok(images)
    }
}

impl RegistryRepository {
    fn repo_name(&self) -> String {
        format!("{}/{}", self.host, self.repository)
    }

    /// Turns a fetched manifest into images: an image is one, an index is each of its images
    /// (attestations, `unknown/unknown` and artifacts skipped by `ImageIndex::images`).
    #[allow(clippy::too_many_arguments)]
    fn walk(
        &self,
        fetched: &FetchedManifest,
        reference: &str,
        platform: Option<Platform>,
        index_digest: Option<&Digest>,
        depth: usize,
        cache: &dyn LayerCache,
        out: &mut Vec<LocalImage>,
    ) -> Result<(), RegistryScanError> {
        let parsed = fetched
            .parse()
            .map_err(|source| RegistryScanError::Manifest {
                reference: format!("{}@{}", fetched.repository, fetched.digest),
                source,
            })?;
        match parsed {
            ParsedManifest::Image(m) => {
                out.push(self.image(&m, &fetched.digest, index_digest, platform, cache)?);
            }
            ParsedManifest::Artifact(m) if depth == 0 => {
                return Err(RegistryScanError::NotAnImage {
                    reference: reference.to_string(),
                    kind: m.artifact_kind().to_string(),
                });
            }
            ParsedManifest::Artifact(m) => {
                debug!(digest = %fetched.digest, kind = %m.artifact_kind(), "artifact manifest skipped");
            }
            ParsedManifest::Index(index) => {
                if depth >= MAX_INDEX_DEPTH {
                    return Err(RegistryScanError::TooDeep {
                        reference: reference.to_string(),
                        digest: fetched.digest.clone(),
                        limit: MAX_INDEX_DEPTH,
                    });
                }
                let nested = index.nested_indexes().into_iter().map(|d| {
                    let p = d.platform.as_ref().map(Platform::normalized);
                    (d.clone(), p)
                });
                for (d, p) in index.images().into_iter().chain(nested) {
                    let child = self.runtime.block_on(self.client.manifest(
                        &self.host,
                        &self.repository,
                        &ManifestRef::Digest(d.digest.clone()),
                    ))?;
                    self.walk(
                        &child,
                        reference,
                        p,
                        Some(&fetched.digest),
                        depth + 1,
                        cache,
                        out,
                    )?;
                }
            }
        }
        Ok(())
    }

    /// Reads the config of `m` and lists its layers with their diff IDs.
    fn image(
        &self,
        m: &ImageManifest,
        manifest_digest: &Digest,
        index_digest: Option<&Digest>,
        platform: Option<Platform>,
        cache: &dyn LayerCache,
    ) -> Result<LocalImage, RegistryScanError> {
        let digest = &m.config.digest;
        let bytes = match cache.get_config(digest).filter(|b| hashes_to(b, digest)) {
            Some(bytes) => bytes,
            None => {
                let bytes = self.fetch_config(digest, m.config.size)?;
                cache.put_config(digest, &bytes);
                bytes
            }
        };
        let config = parse_config(&bytes).map_err(|source| RegistryScanError::Config {
            digest: digest.clone(),
            source,
        })?;
        let diff_ids = config.diff_ids();
        let layers = m
            .layers
            .iter()
            .enumerate()
            .map(|(i, l)| LayerRef {
                digest: l.digest.clone(),
                size: Some(l.size),
                media_type: Some(l.media_type.clone()),
                diff_id: diff_ids.get(i).cloned(),
            })
            .collect();
        let platform = platform.or_else(|| (!config.os.is_empty()).then(|| config.platform()));
        Ok(LocalImage {
            reference: None,
            manifest_digest: Some(manifest_digest.clone()),
            index_digest: index_digest.cloned(),
            config_digest: digest.clone(),
            config,
            platform,
            layers,
        })
    }

    /// Downloads a config; the blob reader verifies its digest at the end.
    fn fetch_config(&self, digest: &Digest, size: u64) -> Result<Vec<u8>, RegistryScanError> {
        let too_large = || RegistryScanError::ConfigTooLarge {
            repository: self.repo_name(),
            digest: digest.clone(),
            limit: MAX_CONFIG_BYTES,
        };
        if size > MAX_CONFIG_BYTES {
            return Err(too_large());
        }
        let read = self.runtime.block_on(async {
            let blob = self
                .client
                .blob(&self.host, &self.repository, digest)
                .await?;
            let mut bytes = Vec::new();
            let read = blob
                .take(MAX_CONFIG_BYTES + 1)
                .read_to_end(&mut bytes)
                .await;
            Ok::<_, RegistryError>(read.map(|_| bytes))
        })?;
        let bytes = read.map_err(|e| self.config_read_error(digest, e))?;
        if bytes.len() as u64 > MAX_CONFIG_BYTES {
            return Err(too_large());
        }
        Ok(bytes)
    }

    /// The registry's own error when the blob reader carries one (a digest mismatch), else
    /// the transport error.
    fn config_read_error(&self, digest: &Digest, e: io::Error) -> RegistryScanError {
        let kind = e.kind();
        let source = match e
            .into_inner()
            .map(|inner| inner.downcast::<RegistryError>())
        {
            Some(Ok(registry)) => return RegistryScanError::Registry(*registry),
            Some(Err(other)) => io::Error::new(kind, other),
            None => io::Error::from(kind),
        };
        RegistryScanError::ConfigRead {
            repository: self.repo_name(),
            digest: digest.clone(),
            source,
        }
    }
}

fn hashes_to(bytes: &[u8], digest: &Digest) -> bool {
    let mut w = DigestWriter::new(digest.algorithm());
    w.update(bytes);
    w.finish() == *digest
}

impl BlobSource for RegistryRepository {
    fn open_layer(&self, layer: &LayerRef) -> Result<Box<dyn Read + Send + '_>, SourceError> {
        let opened = self.runtime.block_on(self.client.blob(
            &self.host,
            &self.repository,
            &layer.digest,
        ));
        match opened {
            Ok(blob) => {
                // The bridge must be made inside the runtime; it is read on this (non-async)
                // thread. The layer reader hashes the bytes itself, so the blob reader only
                // checks the size.
                let _entered = self.runtime.enter();
                Ok(Box::new(blob.verified_by_caller().into_blocking()))
            }
            // Reported through the layer reader so the error names the layer and its position.
            Err(e) => Ok(Box::new(FailedRead(Some(io::Error::other(e))))),
        }
    }
}

/// A reader whose first read fails with the error of opening the blob.
struct FailedRead(Option<io::Error>);

impl Read for FailedRead {
    fn read(&mut self, _buf: &mut [u8]) -> io::Result<usize> {
        Err(self
            .0
            .take()
            .unwrap_or_else(|| io::Error::other("the blob could not be opened")))
    }
}
