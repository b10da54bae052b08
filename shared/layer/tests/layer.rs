//! The layer reader on small layers built here with the `tar` crate.

mod common;

use common::{Layer, digest_of, gzip, gzip_members, zstd};
use layerwatch_inventory::{Compression, ItemContent, LayerInventory, SpecialFile, Symlink};
use layerwatch_layer::{LayerError, Limits, read_layer};

const LONG_DIR: &str = "usr/share/a-directory-name-that-is-long/and-another-one-that-is-longer-still/and-a-third-one-to-pass-a-hundred";

/// A layer with one of everything the reader records. Returns the tar and its entry count.
fn sample_tar() -> (Vec<u8>, u64) {
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

fn read(blob: &[u8]) -> Result<LayerInventory, LayerError> {
    read_layer(blob, &digest_of(blob), &Limits::default())
}

fn paths(inv: &LayerInventory) -> Vec<&str> {
    inv.items.iter().map(|i| i.path.as_str()).collect()
}

fn codes(inv: &LayerInventory) -> Vec<&str> {
    inv.warnings.iter().map(|w| w.code.as_str()).collect()
}

#[test]
fn records_everything_a_layer_holds() {
    let (tar, entries) = sample_tar();
    let inv = read(&tar).expect("valid layer");
    assert_eq!(inv.entries, entries);
    assert_eq!(inv.compression, Compression::None);
    assert_eq!(inv.size, tar.len() as u64);
    assert_eq!(inv.uncompressed_size, tar.len() as u64);
    assert_eq!(inv.digest, digest_of(&tar));

    assert_eq!(
        paths(&inv),
        [
            "usr/lib/os-release",
            "etc/os-release",
            "etc/debian_version",
            "var/lib/rpm/rpmdb.sqlite"
        ]
    );
    // The hard link carries the content of the file it links to, whatever the parser made of it.
    assert_eq!(inv.items[0].content, inv.items[1].content);
    // Its target was not kept (the name is not one we look at): unreadable, with a warning.
    assert!(matches!(
        inv.items[2].content,
        ItemContent::Unreadable { .. }
    ));
    // Not an sqlite file: unreadable, warned about naming path and layer.
    assert!(matches!(
        inv.items[3].content,
        ItemContent::Unreadable { .. }
    ));
    let bad_db = inv
        .warnings
        .iter()
        .find(|w| w.path.as_deref() == Some("var/lib/rpm/rpmdb.sqlite"))
        .expect("a warning about the malformed database");
    assert_eq!(bad_db.code, "malformed-db");
    assert_eq!(bad_db.layer.as_ref(), Some(&inv.digest));
    assert!(bad_db.message.contains("var/lib/rpm/rpmdb.sqlite"));
    assert!(bad_db.message.contains(&inv.digest.to_string()));
    let link = inv
        .warnings
        .iter()
        .find(|w| w.path.as_deref() == Some("etc/debian_version"))
        .expect("a warning about the unresolved hard link");
    assert_eq!(link.code, "hardlink-unresolved");

    assert_eq!(inv.whiteouts, ["usr/games", "tmp"]);
    assert_eq!(inv.opaque_dirs, ["opt"]);
    assert_eq!(
        inv.symlinks,
        [
            Symlink {
                path: "lib".into(),
                target: "usr/lib".into()
            },
            Symlink {
                path: "bin/sh".into(),
                target: "/bin/busybox".into()
            },
        ]
    );
    assert_eq!(inv.shadows, ["lib", "var/lib/dpkg"]);
    let special = |path: String, mode, gid| SpecialFile {
        path,
        mode,
        uid: 0,
        gid,
    };
    assert_eq!(
        inv.special_files,
        [
            special("bin/su".into(), 0o4755, 0),
            special("usr/bin/wall".into(), 0o2755, 5),
            special(format!("{LONG_DIR}/gnu-setuid"), 0o4711, 0),
            special(format!("{LONG_DIR}/pax-setgid"), 0o2711, 0),
        ]
    );
    assert!(
        LONG_DIR.len() > 100,
        "the long names must not fit a ustar header"
    );
    let has = |needle: &[u8]| tar.windows(needle.len()).any(|w| w == needle);
    assert!(
        has(b"././@LongLink"),
        "the GNU long name is in a long-link entry"
    );
    assert!(
        has(b" path=usr/share/"),
        "the PAX long name is in a PAX record"
    );
}

#[test]
fn gzip_zstd_and_plain_give_the_same_inventory() {
    let (tar, _) = sample_tar();
    let plain = read(&tar).expect("plain tar");
    for (blob, compression) in [
        (gzip(&tar), Compression::Gzip),
        (gzip_members(&tar, 3), Compression::Gzip),
        (zstd(&tar), Compression::Zstd),
    ] {
        let mut inv = read(&blob).expect("compressed layer");
        assert_eq!(inv.compression, compression);
        assert_eq!(inv.size, blob.len() as u64);
        assert_eq!(inv.uncompressed_size, tar.len() as u64);
        // Everything else is the same once the blob's own facts are set aside.
        inv.compression = plain.compression;
        inv.size = plain.size;
        inv.digest = plain.digest.clone();
        for w in &mut inv.warnings {
            w.layer = Some(plain.digest.clone());
            w.message = w
                .message
                .replace(&digest_of(&blob).to_string(), &plain.digest.to_string());
        }
        assert_eq!(inv, plain);
    }
}

#[test]
fn multi_member_gzip_is_read_to_the_end() {
    let (tar, entries) = sample_tar();
    // Five members, the last ones holding only the tar's end blocks.
    let blob = gzip_members(&tar, 5);
    let inv = read(&blob).expect("multi-member gzip");
    assert_eq!(inv.entries, entries);
    assert_eq!(inv.uncompressed_size, tar.len() as u64);
}

#[test]
fn a_wrong_digest_is_an_error_naming_the_layer() {
    let (tar, _) = sample_tar();
    let blob = gzip(&tar);
    let wrong = digest_of(b"some other blob");
    let err = read_layer(&blob[..], &wrong, &Limits::default()).expect_err("digest differs");
    match &err {
        LayerError::DigestMismatch { layer, actual } => {
            assert_eq!(layer, &wrong);
            assert_eq!(actual, &digest_of(&blob));
        }
        other => panic!("expected a digest mismatch, got {other:?}"),
    }
    assert!(err.to_string().contains(&wrong.to_string()));
}

#[test]
fn bytes_after_the_tar_end_are_hashed_too() {
    let (tar, _) = sample_tar();
    let mut blob = tar.clone();
    blob.extend_from_slice(&[0; 10240]);
    let inv = read(&blob).expect("padding after the end");
    assert_eq!(inv.size, blob.len() as u64);
    // The digest of the tar alone must not pass for the padded blob.
    let err = read_layer(&blob[..], &digest_of(&tar), &Limits::default()).expect_err("padded");
    assert!(matches!(err, LayerError::DigestMismatch { .. }));
}

#[test]
fn truncated_gzip_is_a_clear_error() {
    let (tar, _) = sample_tar();
    let blob = gzip(&tar);
    let cut = &blob[..blob.len() / 2];
    let err = read(cut).expect_err("truncated gzip");
    assert!(
        matches!(
            err,
            LayerError::Decompress { .. } | LayerError::BadTar { .. }
        ),
        "got {err:?}"
    );
    assert!(err.to_string().contains(&digest_of(cut).to_string()));
    // Against the digest of the whole blob, the cut blob is simply not the one asked for.
    let err = read_layer(cut, &digest_of(&blob), &Limits::default()).expect_err("truncated");
    assert!(
        matches!(err, LayerError::DigestMismatch { .. }),
        "got {err:?}"
    );
}

#[test]
fn corrupt_gzip_is_a_decompress_error() {
    let (tar, _) = sample_tar();
    let mut blob = gzip(&tar);
    let middle = blob.len() / 2;
    for b in &mut blob[middle..middle + 64] {
        *b ^= 0x5a;
    }
    let err = read(&blob).expect_err("corrupt gzip");
    assert!(
        matches!(
            err,
            LayerError::Decompress {
                compression: Compression::Gzip,
                ..
            } | LayerError::BadTar { .. }
        ),
        "got {err:?}"
    );
}

#[test]
fn garbage_is_not_a_tar() {
    let text = b"this is a text file and not a tar archive at all\n".repeat(40);
    for blob in [
        text.clone(),
        gzip(&text),
        zstd(&text),
        b"short".to_vec(),
        Vec::new(),
    ] {
        let err = read(&blob).expect_err("not a tar");
        assert!(matches!(err, LayerError::NotATar { .. }), "got {err:?}");
        assert!(err.to_string().contains(&digest_of(&blob).to_string()));
    }
}

#[test]
fn caps_stop_lists_with_one_warning_each() {
    let mut l = Layer::new();
    for i in 0..5 {
        l.symlink(&format!("link{i}"), "target");
        l.file(&format!("dir/.wh.gone{i}"), b"");
        l.file_mode(&format!("bin/suid{i}"), 0o4755, 0, 0, b"x");
    }
    let tar = l.finish();
    let limits = Limits {
        max_symlinks: 2,
        max_whiteouts: 3,
        max_special_files: 1,
        ..Limits::default()
    };
    let inv = read_layer(&tar[..], &digest_of(&tar), &limits).expect("valid layer");
    assert_eq!(inv.entries, 15);
    assert_eq!(inv.symlinks.len(), 2);
    assert_eq!(inv.whiteouts, ["dir/gone0", "dir/gone1", "dir/gone2"]);
    assert_eq!(inv.special_files.len(), 1);
    assert_eq!(codes(&inv), ["cap-reached"; 3]);
    let messages: Vec<&str> = inv.warnings.iter().map(|w| w.message.as_str()).collect();
    assert!(
        messages.iter().any(|m| m.contains("symbolic links")),
        "{messages:?}"
    );
    assert!(
        messages.iter().any(|m| m.contains("whiteouts")),
        "{messages:?}"
    );
    assert!(
        messages.iter().any(|m| m.contains("setuid")),
        "{messages:?}"
    );
}

#[test]
fn kept_bytes_and_warnings_are_capped_too() {
    let mut l = Layer::new();
    l.file("var/lib/rpm/Packages", &[0u8; 4096])
        .file("var/lib/rpm/Packages.db", b"neither ndb nor anything")
        .file(
            "usr/lib/sysimage/rpm/rpmdb.sqlite",
            b"not an sqlite database",
        );
    let tar = l.finish();
    let limits = Limits {
        max_kept_bytes: 1000,
        max_warnings: 0,
        ..Limits::default()
    };
    let inv = read_layer(&tar[..], &digest_of(&tar), &limits).expect("valid layer");
    assert_eq!(
        inv.items.len(),
        3,
        "over the budget still records that the file exists"
    );
    assert!(
        inv.items
            .iter()
            .all(|i| matches!(i.content, ItemContent::Unreadable { .. }))
    );
    assert_eq!(codes(&inv), ["cap-reached"; 2]);
}

#[test]
fn oversized_kept_file_is_unreadable_not_read() {
    let mut l = Layer::new();
    l.file("etc/os-release", &vec![b'#'; 100 << 10]);
    let tar = l.finish();
    let inv = read(&tar).expect("valid layer");
    assert_eq!(paths(&inv), ["etc/os-release"]);
    assert!(matches!(
        inv.items[0].content,
        ItemContent::Unreadable { .. }
    ));
    assert_eq!(codes(&inv), ["file-too-large"]);
}

#[test]
fn whiteouts_cannot_climb_out_of_their_directory() {
    let mut l = Layer::new();
    l.file("a/b/.wh..", b"")
        .file("a/b/.wh...", b"")
        .raw_file(b"../../.wh.x", b"");
    let tar = l.finish();
    let inv = read(&tar).expect("valid layer");
    assert_eq!(inv.whiteouts, ["x"]);
}

#[test]
fn extension_headers_are_bounded() {
    let mut l = Layer::new();
    l.file("etc/hostname", b"box\n")
        .pax_file_with_comment("usr/bin/tool", 0o755, b"x", 100 << 10);
    let tar = l.finish();
    // Within the default limit the layer reads, and the PAX path is applied.
    let inv = read(&tar).expect("a 100 KiB PAX header is fine by default");
    assert_eq!(inv.entries, 2);
    let limits = Limits {
        max_extension_bytes: 64 << 10,
        ..Limits::default()
    };
    let err = read_layer(&tar[..], &digest_of(&tar), &limits).expect_err("over the limit");
    match &err {
        LayerError::BadTar { index: 1, .. } => {}
        other => panic!("expected a bad tar at entry #1, got {other:?}"),
    }
    assert!(err.to_string().contains("extension header"), "{err}");
}
