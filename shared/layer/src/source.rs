//! The raw side of a layer: reads the blob in large chunks and hashes every byte it reads.
//!
//! Hashing runs on a second thread when the blob is larger than one chunk: the chunks are shared
//! with it through a bounded channel (so memory stays a few chunks whatever the blob size) while
//! this thread inflates and walks the tar. A blob that fits in one chunk is hashed inline,
//! because a thread costs more than hashing a few hundred KiB.

use std::io::{self, BufRead, Read};
use std::sync::Arc;
use std::sync::mpsc::{self, Receiver, SyncSender};
use std::thread::JoinHandle;

use layerwatch_oci::{Algorithm, Digest, DigestWriter};

/// Bytes read from the blob at a time.
const CHUNK: usize = 256 << 10;
/// Chunks queued for the hashing thread before reading waits for it.
const QUEUED_CHUNKS: usize = 4;

/// A chunk shared between the reader and the hashing thread, with its filled length.
type Shared = (Arc<Vec<u8>>, usize);

/// Where the bytes read are hashed.
enum Hasher {
    /// Hashing on this thread.
    Inline(DigestWriter),
    /// Hashing on a second thread; chunks come back on `back` to be reused.
    Thread {
        tx: SyncSender<Shared>,
        back: Receiver<Arc<Vec<u8>>>,
        handle: JoinHandle<DigestWriter>,
    },
}

/// Reads a blob once, in chunks, and hashes it. Implements [`BufRead`] so a decompressor reads
/// straight from the chunks without another copy.
pub(crate) struct Source<R> {
    inner: R,
    algorithm: Algorithm,
    /// Chosen when the first chunk is read: inline if it is the whole blob.
    hasher: Option<Hasher>,
    chunk: Arc<Vec<u8>>,
    len: usize,
    pos: usize,
    eof: bool,
    total: u64,
    failed: bool,
}

impl<R: Read> Source<R> {
    /// A source over `inner` that hashes with `algorithm`.
    pub(crate) fn new(inner: R, algorithm: Algorithm) -> Self {
        Source {
            inner,
            algorithm,
            hasher: None,
            chunk: Arc::new(Vec::new()),
            len: 0,
            pos: 0,
            eof: false,
            total: 0,
            failed: false,
        }
    }

    /// True once reading the blob itself failed (as opposed to what was read being bad).
    pub(crate) fn failed(&self) -> bool {
        self.failed
    }

    /// Reads and hashes whatever is left of the blob.
    pub(crate) fn drain(&mut self) -> io::Result<()> {
        loop {
            let n = self.fill_buf()?.len();
            if n == 0 {
                return Ok(());
            }
            self.consume(n);
        }
    }

    /// The digest of every byte read and how many there were. Call after [`Source::drain`].
    pub(crate) fn finish(self) -> (Digest, u64) {
        let Source {
            algorithm,
            hasher,
            chunk,
            total,
            ..
        } = self;
        drop(chunk);
        let writer = match hasher {
            None => DigestWriter::new(algorithm),
            Some(Hasher::Inline(w)) => w,
            Some(Hasher::Thread { tx, handle, .. }) => {
                // Closing the channel ends the thread's loop.
                drop(tx);
                handle
                    .join()
                    .expect("the hashing thread only hashes and cannot panic")
            }
        };
        (writer.finish(), total)
    }

    /// A buffer for the next chunk: one the hashing thread is done with, or a new one.
    fn buffer(&mut self) -> Vec<u8> {
        // Unique unless the hashing thread still holds it.
        if let Ok(vec) = Arc::try_unwrap(std::mem::take(&mut self.chunk))
            && vec.len() == CHUNK
        {
            return vec;
        }
        if let Some(Hasher::Thread { back, .. }) = &self.hasher {
            while let Ok(arc) = back.try_recv() {
                // Unique: this side dropped every chunk older than the one it just let go.
                if let Ok(vec) = Arc::try_unwrap(arc) {
                    return vec;
                }
            }
        }
        vec![0; CHUNK]
    }

    /// Reads the next chunk (full unless the blob ends) and hands it to the hasher.
    fn next_chunk(&mut self) -> io::Result<()> {
        let mut buf = self.buffer();
        let mut filled = 0;
        while filled < buf.len() {
            match self.inner.read(&mut buf[filled..]) {
                Ok(0) => {
                    self.eof = true;
                    break;
                }
                Ok(n) => filled += n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => {
                    self.failed = true;
                    return Err(e);
                }
            }
        }
        self.total += filled as u64;
        self.pos = 0;
        self.len = filled;
        self.hash(buf, filled);
        Ok(())
    }

    fn hash(&mut self, buf: Vec<u8>, filled: usize) {
        let (algorithm, eof) = (self.algorithm, self.eof);
        let hasher = self.hasher.get_or_insert_with(|| {
            if eof {
                Hasher::Inline(DigestWriter::new(algorithm))
            } else {
                spawn_hasher(algorithm)
            }
        });
        match hasher {
            Hasher::Inline(w) => {
                w.update(&buf[..filled]);
                self.chunk = Arc::new(buf);
            }
            Hasher::Thread { tx, .. } => {
                let shared = Arc::new(buf);
                self.chunk = Arc::clone(&shared);
                // Sending fails only if the thread panicked, which `finish` reports.
                let _ = tx.send((shared, filled));
            }
        }
    }
}

/// Starts the hashing thread, or hashes inline when no thread can be started.
fn spawn_hasher(algorithm: Algorithm) -> Hasher {
    let (tx, rx) = mpsc::sync_channel::<Shared>(QUEUED_CHUNKS);
    let (back_tx, back) = mpsc::channel();
    let spawned = std::thread::Builder::new()
        .name("layer-hash".to_string())
        .spawn(move || {
            let mut w = DigestWriter::new(algorithm);
            for (chunk, len) in rx {
                w.update(&chunk[..len]);
                // The reader may have finished already; then the buffer is simply freed.
                let _ = back_tx.send(chunk);
            }
            w
        });
    match spawned {
        Ok(handle) => Hasher::Thread { tx, back, handle },
        Err(_) => Hasher::Inline(DigestWriter::new(algorithm)),
    }
}

impl<R: Read> Read for Source<R> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        let available = self.fill_buf()?;
        let n = available.len().min(out.len());
        out[..n].copy_from_slice(&available[..n]);
        self.consume(n);
        Ok(n)
    }
}

impl<R: Read> BufRead for Source<R> {
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        if self.pos >= self.len && !self.eof {
            self.next_chunk()?;
        }
        Ok(&self.chunk[self.pos..self.len])
    }

    fn consume(&mut self, amt: usize) {
        self.pos = (self.pos + amt).min(self.len);
    }
}
