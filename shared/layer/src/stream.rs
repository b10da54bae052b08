//! The tar side of a layer: the decompressed stream, told apart by magic bytes, buffered.
//!
//! [`TarStream`] gives the tar walker `Read` plus a forward-only `Seek`, so the data of entries
//! we do not keep is inflated into our buffer and dropped there instead of being copied out.

use std::io::{self, Read, Seek, SeekFrom};

use flate2::bufread::MultiGzDecoder;
use layerwatch_inventory::Compression;
use zstd::stream::{raw, zio};

use crate::source::Source;

/// Decompressed bytes buffered for the tar walker.
const BUFFER: usize = 256 << 10;
/// Size of a tar header block.
const HEADER: usize = 512;

/// Tells the compression of a blob from its first bytes; media types are not trusted.
pub(crate) fn detect(head: &[u8]) -> Compression {
    if head.starts_with(&[0x1f, 0x8b]) {
        Compression::Gzip
    } else if head.starts_with(&[0x28, 0xb5, 0x2f, 0xfd]) {
        Compression::Zstd
    } else {
        Compression::None
    }
}

/// The decompressor in front of the raw source.
enum Decoder<R: Read> {
    /// gzip, any number of members.
    Gzip(Box<MultiGzDecoder<Source<R>>>),
    /// zstd, any number of frames.
    Zstd(zio::Reader<Source<R>, raw::Decoder<'static>>),
    /// A plain tar.
    Plain(Source<R>),
}

/// The uncompressed tar stream, buffered, counting what it produced.
pub(crate) struct TarStream<R: Read> {
    decoder: Decoder<R>,
    buf: Box<[u8]>,
    pos: usize,
    len: usize,
    /// Bytes handed out or skipped: the position the tar walker sees.
    position: u64,
    /// Bytes the decompressor produced.
    produced: u64,
    decode_failed: bool,
    /// The tar walker seeks before every header, so the next 512-byte read is a header.
    header_next: bool,
    /// Largest PAX or GNU long-name extension allowed (the tar walker reads them whole).
    max_extension: u64,
}

impl<R: Read> TarStream<R> {
    /// A stream decoding `source` as `compression`; `zstd` is the decoder context for zstd
    /// (made by the caller, so that failing to allocate it leaves the source in its hands).
    pub(crate) fn new(
        source: Source<R>,
        compression: Compression,
        zstd: Option<raw::Decoder<'static>>,
        max_extension: u64,
    ) -> Self {
        let decoder = match (compression, zstd) {
            (Compression::Gzip, _) => Decoder::Gzip(Box::new(MultiGzDecoder::new(source))),
            (Compression::Zstd, Some(context)) => Decoder::Zstd(zio::Reader::new(source, context)),
            (Compression::Zstd | Compression::None, _) => Decoder::Plain(source),
        };
        TarStream {
            decoder,
            buf: vec![0; BUFFER].into_boxed_slice(),
            pos: 0,
            len: 0,
            position: 0,
            produced: 0,
            decode_failed: false,
            header_next: false,
            max_extension,
        }
    }

    /// Bytes of the uncompressed stream produced so far.
    pub(crate) fn produced(&self) -> u64 {
        self.produced
    }

    /// The raw source, to read its rest or see whether it failed.
    pub(crate) fn source(&mut self) -> &mut Source<R> {
        match &mut self.decoder {
            Decoder::Gzip(d) => d.get_mut(),
            Decoder::Zstd(d) => d.reader_mut(),
            Decoder::Plain(s) => s,
        }
    }

    /// The raw source, once the stream is done with.
    pub(crate) fn into_source(self) -> Source<R> {
        match self.decoder {
            Decoder::Gzip(d) => (*d).into_inner(),
            Decoder::Zstd(d) => d.into_inner(),
            Decoder::Plain(s) => s,
        }
    }

    /// True once the decompressor reported an error that did not come from the raw source.
    pub(crate) fn decode_failed(&mut self) -> bool {
        self.decode_failed && !self.source().failed()
    }

    /// Reads the rest of the uncompressed stream (padding after the tar end, trailers), which
    /// also checks the gzip CRC and reads the raw blob to its end.
    pub(crate) fn drain(&mut self) -> io::Result<()> {
        self.pos = self.len;
        while self.refill()? > 0 {
            self.pos = self.len;
        }
        self.source().drain()
    }

    fn decode(&mut self, out: &mut [u8]) -> io::Result<usize> {
        let result = loop {
            let r = match &mut self.decoder {
                Decoder::Gzip(d) => d.read(out),
                Decoder::Zstd(d) => d.read(out),
                Decoder::Plain(s) => s.read(out),
            };
            match r {
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                other => break other,
            }
        };
        match result {
            Ok(n) => {
                self.produced += n as u64;
                Ok(n)
            }
            Err(e) => {
                self.decode_failed = true;
                Err(e)
            }
        }
    }

    /// Refills the buffer; returns the bytes now available (0 at the end).
    fn refill(&mut self) -> io::Result<usize> {
        let mut buf = std::mem::take(&mut self.buf);
        let result = self.decode(&mut buf);
        self.buf = buf;
        self.pos = 0;
        self.len = result?;
        Ok(self.len)
    }
}

impl<R: Read> TarStream<R> {
    /// Reads a whole header block and refuses an extension entry too large to buffer: the tar
    /// walker reads PAX and GNU long-name data whole, so its size is checked here first.
    fn read_header(&mut self, out: &mut [u8]) -> io::Result<usize> {
        let mut n = 0;
        while n < out.len() {
            match self.read_some(&mut out[n..])? {
                0 => return Ok(n),
                k => n += k,
            }
        }
        let header = tar::Header::from_byte_slice(out);
        let kind = header.entry_type();
        let extension = kind.is_pax_local_extensions()
            || kind.is_pax_global_extensions()
            || kind.is_gnu_longname()
            || kind.is_gnu_longlink();
        if let (true, Ok(size)) = (extension, header.entry_size())
            && size > self.max_extension
        {
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                format!(
                    "a {size} byte extension header is over the {} byte limit",
                    self.max_extension
                ),
            ));
        }
        Ok(n)
    }

    fn read_some(&mut self, out: &mut [u8]) -> io::Result<usize> {
        if self.pos == self.len {
            // Large reads skip the buffer rather than copy through it.
            if out.len() >= self.buf.len() {
                let n = self.decode(out)?;
                self.position += n as u64;
                return Ok(n);
            }
            if self.refill()? == 0 {
                return Ok(0);
            }
        }
        let n = (self.len - self.pos).min(out.len());
        out[..n].copy_from_slice(&self.buf[self.pos..self.pos + n]);
        self.pos += n;
        self.position += n as u64;
        Ok(n)
    }
}

impl<R: Read> Read for TarStream<R> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        if std::mem::take(&mut self.header_next) && out.len() == HEADER {
            return self.read_header(out);
        }
        self.read_some(out)
    }
}

impl<R: Read> Seek for TarStream<R> {
    /// Only forward moves from the current position; they decode and drop the bytes.
    fn seek(&mut self, to: SeekFrom) -> io::Result<u64> {
        let SeekFrom::Current(delta) = to else {
            return Err(io::Error::new(
                io::ErrorKind::Unsupported,
                "a layer stream only seeks forward",
            ));
        };
        let mut left = u64::try_from(delta).map_err(|_| {
            io::Error::new(
                io::ErrorKind::Unsupported,
                "a layer stream only seeks forward",
            )
        })?;
        while left > 0 {
            if self.pos == self.len && self.refill()? == 0 {
                return Err(io::Error::new(
                    io::ErrorKind::UnexpectedEof,
                    "the tar stream ends inside an entry",
                ));
            }
            let n = ((self.len - self.pos) as u64).min(left);
            // `n` is at most the buffered length, a usize.
            self.pos += n as usize;
            self.position += n;
            left -= n;
        }
        self.header_next = true;
        Ok(self.position)
    }
}
