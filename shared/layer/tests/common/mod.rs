//! Helpers shared by the layer reader's tests: building real tar layers and finding test data.

#![allow(dead_code)]

use std::io::Write;
use std::path::PathBuf;

use layerwatch_inventory::LayerInventory;
use layerwatch_layer::{LayerError, Limits, read_layer};
use layerwatch_oci::Digest;
use sha2::{Digest as _, Sha256};
use tar::{EntryType, Header};

/// The sha256 digest of `bytes`, computed with sha2 directly (not with the code under test).
pub fn digest_of(bytes: &[u8]) -> Digest {
    format!("sha256:{:x}", Sha256::digest(bytes))
        .parse()
        .expect("sha2 gives lowercase hex of the right length")
}

/// Builds a tar in memory.
pub struct Layer {
    builder: tar::Builder<Vec<u8>>,
}

impl Default for Layer {
    fn default() -> Self {
        Self::new()
    }
}

impl Layer {
    pub fn new() -> Self {
        Layer {
            builder: tar::Builder::new(Vec::new()),
        }
    }

    fn header(kind: EntryType, mode: u32, size: u64) -> Header {
        let mut h = Header::new_gnu();
        h.set_entry_type(kind);
        h.set_mode(mode);
        h.set_size(size);
        h.set_uid(0);
        h.set_gid(0);
        h.set_mtime(1_700_000_000);
        h
    }

    /// A directory (long names become GNU long-name entries).
    pub fn dir(&mut self, path: &str) -> &mut Self {
        let mut h = Self::header(EntryType::Directory, 0o755, 0);
        self.builder
            .append_data(&mut h, path, &[][..])
            .expect("in-memory tar");
        self
    }

    /// A regular file with `mode` (long names become GNU long-name entries).
    pub fn file_mode(
        &mut self,
        path: &str,
        mode: u32,
        uid: u64,
        gid: u64,
        data: &[u8],
    ) -> &mut Self {
        let mut h = Self::header(EntryType::Regular, mode, data.len() as u64);
        h.set_uid(uid);
        h.set_gid(gid);
        self.builder
            .append_data(&mut h, path, data)
            .expect("in-memory tar");
        self
    }

    /// A regular file, mode 0644.
    pub fn file(&mut self, path: &str, data: &[u8]) -> &mut Self {
        self.file_mode(path, 0o644, 0, 0, data)
    }

    /// A regular file whose name bytes are written as given (`..` and all), as a hostile
    /// layer would.
    pub fn raw_file(&mut self, name: &[u8], data: &[u8]) -> &mut Self {
        let mut h = Self::header(EntryType::Regular, 0o644, data.len() as u64);
        h.as_old_mut().name[..name.len()].copy_from_slice(name);
        h.set_cksum();
        self.builder.append(&h, data).expect("in-memory tar");
        self
    }

    /// A symbolic link.
    pub fn symlink(&mut self, path: &str, target: &str) -> &mut Self {
        let mut h = Self::header(EntryType::Symlink, 0o777, 0);
        self.builder
            .append_link(&mut h, path, target)
            .expect("in-memory tar");
        self
    }

    /// A hard link named `path` to the earlier entry `target`.
    pub fn hard_link(&mut self, path: &str, target: &str) -> &mut Self {
        let mut h = Self::header(EntryType::Link, 0o644, 0);
        self.builder
            .append_link(&mut h, path, target)
            .expect("in-memory tar");
        self
    }

    /// A regular file whose full path is only in a PAX `path` record (the ustar name is short).
    pub fn pax_file(&mut self, path: &str, mode: u32, data: &[u8]) -> &mut Self {
        self.pax_file_with_comment(path, mode, data, 0)
    }

    /// Like [`Layer::pax_file`], with a PAX `comment` record of `comment` bytes as well.
    pub fn pax_file_with_comment(
        &mut self,
        path: &str,
        mode: u32,
        data: &[u8],
        comment: usize,
    ) -> &mut Self {
        let mut record = pax_record("path", path);
        if comment > 0 {
            record.push_str(&pax_record("comment", &"c".repeat(comment)));
        }
        let mut x = Header::new_ustar();
        x.set_entry_type(EntryType::XHeader);
        x.set_path("PaxHeaders.0/short").expect("short name");
        x.set_size(record.len() as u64);
        x.set_mode(0o644);
        x.set_cksum();
        self.builder
            .append(&x, record.as_bytes())
            .expect("in-memory tar");
        let mut h = Header::new_ustar();
        h.set_entry_type(EntryType::Regular);
        h.set_path("short").expect("short name");
        h.set_mode(mode);
        h.set_uid(0);
        h.set_gid(0);
        h.set_mtime(1_700_000_000);
        h.set_size(data.len() as u64);
        h.set_cksum();
        self.builder.append(&h, data).expect("in-memory tar");
        self
    }

    /// The finished tar bytes.
    pub fn finish(self) -> Vec<u8> {
        self.builder.into_inner().expect("in-memory tar")
    }
}

/// One PAX record: `"<len> key=value\n"`, where len counts the whole record.
fn pax_record(key: &str, value: &str) -> String {
    let body = format!(" {key}={value}\n");
    let mut len = body.len() + 1;
    while format!("{len}{body}").len() != len {
        len += 1;
    }
    format!("{len}{body}")
}

/// gzip of `bytes`, one member.
pub fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    e.write_all(bytes).expect("in-memory gzip");
    e.finish().expect("in-memory gzip")
}

/// gzip of `bytes` as several concatenated members (as `pigz` and some registries write).
pub fn gzip_members(bytes: &[u8], members: usize) -> Vec<u8> {
    let step = bytes.len().div_ceil(members);
    bytes.chunks(step).flat_map(gzip).collect()
}

/// zstd of `bytes`.
pub fn zstd(bytes: &[u8]) -> Vec<u8> {
    zstd::encode_all(bytes, 3).expect("in-memory zstd")
}

/// The shared test data folder: `$LAYERWATCH_SHARED`, else `<workspace>/../shared`.
pub fn shared_data() -> PathBuf {
    let root = match std::env::var_os("LAYERWATCH_SHARED") {
        Some(dir) => PathBuf::from(dir),
        None => PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared"),
    };
    let data = root.join("data");
    assert!(
        data.is_dir(),
        "shared test data not found at {}: set LAYERWATCH_SHARED to the folder holding data/",
        data.display()
    );
    data
}

pub const LONG_DIR: &str = "usr/share/a-directory-name-that-is-long/and-another-one-that-is-longer-still/and-a-third-one-to-pass-a-hundred";

/// A layer with one of everything the reader records. Returns the tar and its entry count.
pub fn sample_tar() -> (Vec<u8>, u64) {
    let mut l = Layer::new();
    l.dir("./etc/")
        .file("./usr/lib/os-release", b"ID=alpine\nVERSION_ID=3.20.3\n")
        .hard_link("./etc/os-release", "./usr/lib/os-release")
        .file("./usr/share/base-files/debian_version", b"12.7\n")
        .hard_link(
            "./etc/debian_version",
            "./usr/share/base-files/debian_version",
        )
        .file("./var/lib/rpm/rpmdb.sqlite", b"this is not an sqlite file")
        .file("./usr/.wh.games", b"")
        .file("./opt/.wh..wh..opq", b"")
        .file("./.wh.tmp", b"")
        .symlink("./lib", "usr/lib")
        .symlink("./bin/sh", "/bin/busybox")
        .file_mode("./bin/su", 0o4755, 0, 0, b"\x7fELF")
        .file_mode("./usr/bin/wall", 0o2755, 0, 5, b"\x7fELF")
        .file("./var/lib/dpkg", b"a file where a directory should be")
        .file("./usr/bin/plain", b"not special");
    // GNU long name (the builder writes a `././@LongLink` entry) and a PAX `path` record.
    l.file_mode(&format!("{LONG_DIR}/gnu-setuid"), 0o4711, 0, 0, b"x")
        .pax_file(&format!("{LONG_DIR}/pax-setgid"), 0o2711, b"y");
    (l.finish(), 17)
}

pub fn read(blob: &[u8]) -> Result<LayerInventory, LayerError> {
    read_layer(blob, &digest_of(blob), &Limits::default())
}
