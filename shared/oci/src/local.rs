//! One entry point for "an image on disk": a directory is an OCI layout, a file is a
//! `docker save` archive (plain or gzip, classic or with an embedded OCI layout, which also
//! covers `docker buildx --output type=oci` tarballs).

use std::io::Read;
use std::path::Path;

use crate::docker_archive::DockerArchive;
use crate::layout::OciLayout;
use crate::platform::Platform;
use crate::source::{BlobSource, LayerRef, LocalImage, SourceError};

/// An opened local image source of either kind.
#[derive(Debug)]
pub enum LocalSource {
    /// An OCI image layout directory.
    Layout(OciLayout),
    /// A `docker save` (or OCI layout) tar archive.
    Archive(DockerArchive),
}

impl LocalSource {
    /// Opens `path`: a directory as an OCI layout, anything else as an archive.
    pub fn open(path: impl AsRef<Path>) -> Result<LocalSource, SourceError> {
        let path = path.as_ref();
        if path.is_dir() {
            OciLayout::open(path).map(LocalSource::Layout)
        } else {
            DockerArchive::open(path).map(LocalSource::Archive)
        }
    }

    /// The images `tag` names, or every image when `tag` is `None` (an OCI layout with several
    /// differently named images then fails with [`SourceError::Ambiguous`]). A multi-platform
    /// layout gives one image per platform; pick with [`LocalImage::matches_platform`].
    pub fn images(&self, tag: Option<&str>) -> Result<Vec<LocalImage>, SourceError> {
        match (self, tag) {
            (LocalSource::Layout(l), _) => l.images(tag),
            (LocalSource::Archive(a), Some(t)) => Ok(vec![a.image(Some(t))?.clone()]),
            (LocalSource::Archive(a), None) => Ok(a.images().to_vec()),
        }
    }
}

impl BlobSource for LocalSource {
    fn open_layer(&self, layer: &LayerRef) -> Result<Box<dyn Read + Send + '_>, SourceError> {
        match self {
            LocalSource::Layout(l) => l.open_layer(layer),
            LocalSource::Archive(a) => a.open_layer(layer),
        }
    }
}

impl LocalImage {
    /// True when the image's platform satisfies `want` ([`Platform::matches`]); an image with
    /// no known platform matches nothing.
    pub fn matches_platform(&self, want: &Platform) -> bool {
        self.platform.as_ref().is_some_and(|p| p.matches(want))
    }
}
