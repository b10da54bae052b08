//! Streamed blobs that check their own digest and size while they are read.
//!
//! A [`BlobReader`] never holds the blob in memory: it hashes each chunk as it passes and, at the
//! end of the stream, fails the read with [`RegistryError::DigestMismatch`] (inside an
//! `io::Error` of kind `InvalidData`) when the bytes are not the ones asked for. A caller that
//! reads to the end therefore cannot mistake a lying registry's bytes for the layer.
//! [`BlobReader::into_blocking`] gives a `std::io::Read` for the synchronous layer reader.

use std::io;
use std::pin::Pin;
use std::task::{Context, Poll};

use bytes::Bytes;
use futures_util::stream::BoxStream;
use layerwatch_oci::{Digest, DigestWriter};
use tokio::io::{AsyncRead, ReadBuf};
use tokio_util::io::{StreamReader, SyncIoBridge};

use crate::error::RegistryError;

/// An async reader over one blob that verifies digest (and size, when known) at the end.
pub struct BlobReader {
    inner: StreamReader<BoxStream<'static, io::Result<Bytes>>, Bytes>,
    hasher: Option<DigestWriter>,
    expected: Digest,
    expected_size: Option<u64>,
    read: u64,
    repository: String,
}

impl std::fmt::Debug for BlobReader {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BlobReader")
            .field("repository", &self.repository)
            .field("digest", &self.expected)
            .field("read", &self.read)
            .finish()
    }
}

impl BlobReader {
    pub(crate) fn new(
        stream: BoxStream<'static, io::Result<Bytes>>,
        expected: Digest,
        expected_size: Option<u64>,
        repository: String,
    ) -> Self {
        BlobReader {
            inner: StreamReader::new(stream),
            hasher: Some(DigestWriter::new(expected.algorithm())),
            expected,
            expected_size,
            read: 0,
            repository,
        }
    }

    /// The digest this reader checks against.
    pub fn digest(&self) -> &Digest {
        &self.expected
    }

    /// The size the registry announced (`Content-Length`), when it did.
    pub fn size(&self) -> Option<u64> {
        self.expected_size
    }

    /// Stops hashing in this reader, for a caller that hashes the same bytes itself (the layer
    /// reader verifies every layer it streams); the size check stays. Hashing twice would cost a
    /// second pass of SHA-256 over every layer.
    pub fn verified_by_caller(mut self) -> Self {
        self.hasher = None;
        self
    }

    /// A blocking `std::io::Read` over this blob, still verifying. Must be created inside a tokio
    /// runtime and read outside its async threads (e.g. in `spawn_blocking`).
    pub fn into_blocking(self) -> SyncIoBridge<BlobReader> {
        SyncIoBridge::new(self)
    }

    fn finish(&mut self) -> io::Result<()> {
        if let Some(expected) = self.expected_size.filter(|s| *s != self.read) {
            return Err(invalid(RegistryError::SizeMismatch {
                repository: self.repository.clone(),
                digest: self.expected.clone(),
                expected,
                actual: self.read,
            }));
        }
        // Taken on the first end-of-stream, so a reader polled again after the end checks once.
        let Some(hasher) = self.hasher.take() else {
            return Ok(());
        };
        let actual = hasher.finish();
        if actual != self.expected {
            return Err(invalid(RegistryError::DigestMismatch {
                what: "blob",
                repository: self.repository.clone(),
                expected: self.expected.clone(),
                actual,
            }));
        }
        Ok(())
    }
}

fn invalid(e: RegistryError) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, e)
}

impl AsyncRead for BlobReader {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        let before = buf.filled().len();
        match Pin::new(&mut this.inner).poll_read(cx, buf) {
            Poll::Ready(Ok(())) => {
                let new = &buf.filled()[before..];
                if new.is_empty() {
                    return Poll::Ready(this.finish());
                }
                this.read += new.len() as u64;
                if let Some(h) = this.hasher.as_mut() {
                    h.update(new);
                }
                // Too many bytes is known before the end: stop early.
                if this.expected_size.is_some_and(|s| this.read > s) {
                    return Poll::Ready(this.finish());
                }
                Poll::Ready(Ok(()))
            }
            other => other,
        }
    }
}

/// The registry error inside an `io::Error` from a [`BlobReader`], if that is what it carries.
pub fn registry_error(e: &io::Error) -> Option<&RegistryError> {
    e.get_ref()
        .and_then(|inner| inner.downcast_ref::<RegistryError>())
}
