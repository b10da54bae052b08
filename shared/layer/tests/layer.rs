//! The layer reader on small layers built here with the `tar` crate.

mod common;

use common::{LONG_DIR, Layer, digest_of, gzip, gzip_members, read, sample_tar, zstd};
use layerwatch_inventory::{Compression, ItemContent, LayerInventory, SpecialFile, Symlink};
use layerwatch_layer::{Limits, read_layer, read_layer_unverified};

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
        (
            [zstd(&tar[..1000]), zstd(&tar[1000..])].concat(),
            Compression::Zstd,
        ),
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
fn unverified_reads_name_the_layer_by_what_was_read() {
    let (tar, _) = sample_tar();
    let blob = gzip(&tar);
    let verified = read(&blob).expect("valid layer");
    let unverified = read_layer_unverified(&blob[..], &Limits::default()).expect("valid layer");
    assert_eq!(unverified.digest, digest_of(&blob));
    assert_eq!(unverified, verified);
}
