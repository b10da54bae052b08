//! Reading blobs back out of an opened archive: JSON blobs from memory for the embedded OCI
//! layout, and layer streams from the file (seek for plain tars, re-walk for gzip).

use std::fs::File;
use std::io::{self, BufReader, Read, Seek, SeekFrom};

use super::scan::{io_err, tar_stream};
use super::{DockerArchive, KIND, blob_name};
use crate::digest::Digest;
use crate::resolve::BlobReader;
use crate::source::{BlobSource, LayerRef, SourceError, VerifyingReader, verify};

impl BlobReader for DockerArchive {
    fn read_verified(&self, digest: &Digest, what: &'static str) -> Result<Vec<u8>, SourceError> {
        let name = blob_name(digest);
        let missing = || SourceError::MissingBlob {
            what,
            digest: digest.clone(),
            location: self.location(),
        };
        let (_, info) = self.resolve(&name).ok_or_else(missing)?;
        let data = info.data.as_deref().ok_or_else(missing)?;
        verify(
            data,
            digest,
            what,
            &format!("{}:{name}", self.path.display()),
        )?;
        Ok(data.to_vec())
    }

    fn location(&self) -> String {
        DockerArchive::location(self)
    }
}

impl BlobSource for DockerArchive {
    fn open_layer(&self, layer: &LayerRef) -> Result<Box<dyn Read + Send + '_>, SourceError> {
        let unknown = || SourceError::UnknownLayer {
            location: self.location(),
            digest: layer.digest.clone(),
        };
        let name = self.layer_entries.get(&layer.digest).ok_or_else(unknown)?;
        let (_, info) = self.resolve(name).ok_or_else(unknown)?;
        let stream: Box<dyn Read + Send> = if self.gzip {
            let mut s = tar_stream(&self.path, true)?;
            let skipped = io::copy(&mut (&mut s).take(info.offset), &mut io::sink())
                .map_err(|e| io_err(&self.path, e))?;
            if skipped != info.offset {
                return Err(SourceError::Invalid {
                    path: self.path.clone(),
                    kind: KIND,
                    reason: format!(
                        "archive ended before layer `{name}`; did it change since it was opened?"
                    ),
                });
            }
            s
        } else {
            let mut f = File::open(&self.path).map_err(|e| io_err(&self.path, e))?;
            f.seek(SeekFrom::Start(info.offset))
                .map_err(|e| io_err(&self.path, e))?;
            Box::new(BufReader::new(f))
        };
        let what = format!("layer {} ({}:{name})", info.digest, self.path.display());
        Ok(Box::new(VerifyingReader::new(
            stream.take(info.size),
            info.digest.clone(),
            Some(info.size),
            what,
        )))
    }
}
