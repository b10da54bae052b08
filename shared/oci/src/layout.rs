//! An OCI image layout directory (`oci-layout`, `index.json`, `blobs/<alg>/<hex>`), as written
//! by `skopeo copy ... oci:DIR`, `docker buildx --output type=oci` or `crane pull --format oci`.
//!
//! [`OciLayout::open`] checks the marker file and reads `index.json`. [`OciLayout::images`]
//! picks the top-level entries named by a tag (`org.opencontainers.image.ref.name`), or all
//! of them when they name one image, follows nested indexes, and returns one [`LocalImage`]
//! per platform, skipping attestations and artifacts as [`ImageIndex::images`] does.
//! Manifests, indexes and configs are verified against their digests when read; layers are
//! opened as files and verified while they are streamed.

use std::fs::File;
use std::io::{self, Read};
use std::path::{Path, PathBuf};

use crate::digest::Digest;
use crate::manifest::{ImageIndex, ParsedManifest, parse_manifest};
use crate::resolve::{BlobReader, images_from_top_index};
use crate::source::{BlobSource, LayerRef, LocalImage, SourceError, VerifyingReader, verify};

const KIND: &str = "oci layout";
/// Manifests, indexes and configs above this size are refused rather than read into memory.
const MAX_METADATA_BLOB: u64 = 16 * 1024 * 1024;

/// An opened OCI image layout directory.
#[derive(Debug, Clone)]
pub struct OciLayout {
    root: PathBuf,
    index: ImageIndex,
}

impl OciLayout {
    /// Opens the layout at `dir`: `oci-layout` must exist and `index.json` must be an index.
    pub fn open(dir: impl AsRef<Path>) -> Result<OciLayout, SourceError> {
        let root = dir.as_ref().to_path_buf();
        let invalid = |reason: String| SourceError::Invalid {
            path: root.clone(),
            kind: KIND,
            reason,
        };
        let marker = root.join("oci-layout");
        let marker_bytes = read_file(&marker)?;
        let marker_json: serde_json::Value =
            serde_json::from_slice(&marker_bytes).map_err(|e| SourceError::Json {
                file: marker.display().to_string(),
                reason: e.to_string(),
            })?;
        if marker_json
            .get("imageLayoutVersion")
            .and_then(|v| v.as_str())
            .is_none()
        {
            return Err(invalid("oci-layout has no imageLayoutVersion".to_string()));
        }
        let index_path = root.join("index.json");
        let index = match parse_manifest(&read_file(&index_path)?, None) {
            Ok(ParsedManifest::Index(i)) => i,
            Ok(_) => {
                return Err(invalid(
                    "index.json is a manifest, not an index".to_string(),
                ));
            }
            Err(source) => {
                return Err(SourceError::Manifest {
                    digest: index_path.display().to_string(),
                    source,
                });
            }
        };
        Ok(OciLayout { root, index })
    }

    /// The directory.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The top-level `index.json`.
    pub fn index(&self) -> &ImageIndex {
        &self.index
    }

    /// Where the blob with `digest` lives.
    pub fn blob_path(&self, digest: &Digest) -> PathBuf {
        self.root
            .join("blobs")
            .join(digest.algorithm().as_str())
            .join(digest.hex())
    }

    /// The blob's bytes, verified against its digest. For manifests, indexes and configs.
    pub fn read_blob(&self, digest: &Digest, what: &'static str) -> Result<Vec<u8>, SourceError> {
        let path = self.blob_path(digest);
        let file = open_blob(&path, digest, what, &self.root)?;
        let mut bytes = Vec::new();
        file.take(MAX_METADATA_BLOB + 1)
            .read_to_end(&mut bytes)
            .map_err(|source| SourceError::Io {
                path: path.clone(),
                source,
            })?;
        if bytes.len() as u64 > MAX_METADATA_BLOB {
            return Err(SourceError::Invalid {
                path,
                kind: KIND,
                reason: format!("{what} blob {digest} is larger than {MAX_METADATA_BLOB} bytes"),
            });
        }
        verify(&bytes, digest, what, &path.display().to_string())?;
        Ok(bytes)
    }

    /// The images `tag` names (see the module docs), one per platform.
    pub fn images(&self, tag: Option<&str>) -> Result<Vec<LocalImage>, SourceError> {
        images_from_top_index(self, &self.index, tag)
    }
}

impl BlobReader for OciLayout {
    fn read_verified(&self, digest: &Digest, what: &'static str) -> Result<Vec<u8>, SourceError> {
        self.read_blob(digest, what)
    }

    fn location(&self) -> String {
        self.root.display().to_string()
    }
}

impl BlobSource for OciLayout {
    fn open_layer(&self, layer: &LayerRef) -> Result<Box<dyn Read + Send + '_>, SourceError> {
        let path = self.blob_path(&layer.digest);
        let file = open_blob(&path, &layer.digest, "layer", &self.root)?;
        let what = format!("layer {} ({})", layer.digest, path.display());
        Ok(Box::new(VerifyingReader::new(
            io::BufReader::new(file),
            layer.digest.clone(),
            layer.size,
            what,
        )))
    }
}

fn open_blob(
    path: &Path,
    digest: &Digest,
    what: &'static str,
    root: &Path,
) -> Result<File, SourceError> {
    File::open(path).map_err(|source| {
        if source.kind() == io::ErrorKind::NotFound {
            SourceError::MissingBlob {
                what,
                digest: digest.clone(),
                location: root.display().to_string(),
            }
        } else {
            SourceError::Io {
                path: path.to_path_buf(),
                source,
            }
        }
    })
}

fn read_file(path: &Path) -> Result<Vec<u8>, SourceError> {
    std::fs::read(path).map_err(|source| SourceError::Io {
        path: path.to_path_buf(),
        source,
    })
}
