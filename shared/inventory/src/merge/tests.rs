//! Merge rules on hand-built inventories; the same cases over real tar layers live in the
//! engine's tests.

use super::*;
use crate::item::DbKind;
use crate::layer::{Compression, Symlink};
use crate::package::Ecosystem;

fn digest(n: u8) -> Digest {
    Digest::sha256_of(&[n])
}

fn layer(n: u8) -> LayerInventory {
    LayerInventory::empty(digest(n), Compression::Gzip)
}

fn apk(name: &str, version: &str) -> Package {
    Package {
        ecosystem: Ecosystem::Apk,
        name: name.into(),
        version: version.into(),
        arch: None,
        source_name: Some(name.into()),
        source_version: Some(version.into()),
        license: None,
    }
}

fn db(path: &str, packages: Vec<Package>) -> Item {
    Item {
        path: path.into(),
        content: ItemContent::Packages {
            db: DbKind::ApkInstalled,
            packages,
        },
    }
}

fn names(image: &ImageInventory) -> Vec<(String, String, Digest)> {
    image
        .packages
        .iter()
        .map(|p| {
            (
                p.package.name.clone(),
                p.package.version.clone(),
                p.layer.clone(),
            )
        })
        .collect()
}

const APK_DB: &str = "lib/apk/db/installed";

#[test]
fn later_database_replaces_earlier_and_attribution_follows_versions() {
    let mut l0 = layer(0);
    l0.items.push(db(
        APK_DB,
        vec![apk("musl", "1.0-r0"), apk("zlib", "1.2-r0")],
    ));
    let mut l1 = layer(1);
    l1.items.push(db(
        APK_DB,
        vec![
            apk("musl", "1.0-r0"),
            apk("zlib", "1.3-r0"),
            apk("curl", "8-r0"),
        ],
    ));
    let image = merge_layers(&[l0, l1]);
    assert_eq!(
        names(&image),
        vec![
            ("curl".into(), "8-r0".into(), digest(1)),
            ("musl".into(), "1.0-r0".into(), digest(0)),
            ("zlib".into(), "1.3-r0".into(), digest(1)),
        ]
    );
}

#[test]
fn whiteout_deletes_and_recreation_restarts_attribution() {
    let mut l0 = layer(0);
    l0.items.push(db(APK_DB, vec![apk("musl", "1.0-r0")]));
    let mut l1 = layer(1);
    l1.whiteouts.push(APK_DB.into());
    let image = merge_layers(&[l0.clone(), l1.clone()]);
    assert!(image.packages.is_empty());

    let mut l2 = layer(2);
    l2.items.push(db(APK_DB, vec![apk("musl", "1.0-r0")]));
    let image = merge_layers(&[l0, l1, l2]);
    assert_eq!(
        names(&image),
        vec![("musl".into(), "1.0-r0".into(), digest(2))]
    );
}

#[test]
fn opaque_directory_hides_lower_content_but_not_its_own() {
    let mut l0 = layer(0);
    l0.items.push(db(APK_DB, vec![apk("musl", "1.0-r0")]));
    let mut l1 = layer(1);
    l1.opaque_dirs.push("lib/apk".into());
    let image = merge_layers(&[l0.clone(), l1.clone()]);
    assert!(image.packages.is_empty());

    l1.items.push(db(APK_DB, vec![apk("busybox", "1.36-r0")]));
    let image = merge_layers(&[l0, l1]);
    assert_eq!(
        names(&image),
        vec![("busybox".into(), "1.36-r0".into(), digest(1))]
    );
}

#[test]
fn directory_replaced_by_symlink_or_file_hides_its_content() {
    let mut l0 = layer(0);
    l0.items.push(db(APK_DB, vec![apk("musl", "1.0-r0")]));
    let mut by_link = layer(1);
    by_link.symlinks.push(Symlink {
        path: "lib/apk".into(),
        target: "/nowhere".into(),
    });
    assert!(merge_layers(&[l0.clone(), by_link]).packages.is_empty());

    let mut by_file = layer(1);
    by_file.shadows.push("lib/apk/db".into());
    assert!(merge_layers(&[l0, by_file]).packages.is_empty());
}

#[test]
fn database_written_through_a_symlinked_directory_is_found_and_replaced() {
    // Layer 0 moves the database directory and links the old place to it (usrmerge style).
    let mut l0 = layer(0);
    l0.symlinks.push(Symlink {
        path: "lib/apk".into(),
        target: "../usr/lib/apk".into(),
    });
    l0.items
        .push(db("usr/lib/apk/db/installed", vec![apk("musl", "1.0-r0")]));
    // Layer 1 writes through the old path; it must replace the real file, not add a second one.
    let mut l1 = layer(1);
    l1.items
        .push(db(APK_DB, vec![apk("musl", "1.0-r0"), apk("curl", "8-r0")]));
    let image = merge_layers(&[l0, l1]);
    assert_eq!(
        names(&image),
        vec![
            ("curl".into(), "8-r0".into(), digest(1)),
            ("musl".into(), "1.0-r0".into(), digest(0)),
        ]
    );
    assert_eq!(image.packages[0].path, "usr/lib/apk/db/installed");
}

#[test]
fn os_release_through_symlink_and_alpine_full_version() {
    let mut l0 = layer(0);
    l0.symlinks.push(Symlink {
        path: "etc/os-release".into(),
        target: "../usr/lib/os-release".into(),
    });
    l0.items.push(Item {
        path: "usr/lib/os-release".into(),
        content: ItemContent::OsRelease(crate::os::OsRelease {
            id: Some("alpine".into()),
            version_id: Some("3.20".into()),
            ..Default::default()
        }),
    });
    l0.items.push(Item {
        path: "etc/alpine-release".into(),
        content: ItemContent::AlpineRelease {
            version: "3.20.3".into(),
        },
    });
    let os = merge_layers(&[l0]).os.expect("os resolved");
    assert_eq!(
        (os.family.as_str(), os.version.as_str()),
        ("alpine", "3.20.3")
    );
}

#[test]
fn symlink_loop_is_a_warning_not_a_hang() {
    let mut l0 = layer(0);
    l0.symlinks.push(Symlink {
        path: "a".into(),
        target: "b".into(),
    });
    l0.symlinks.push(Symlink {
        path: "b".into(),
        target: "a".into(),
    });
    l0.items.push(db("a/installed", vec![apk("x", "1-r0")]));
    let image = merge_layers(&[l0]);
    assert!(image.warnings.iter().any(|w| w.code == "symlink-loop"));
}

#[test]
fn layer_warnings_carry_their_layer() {
    let mut l0 = layer(7);
    l0.warnings
        .push(Warning::new("malformed-db", "bad").at_path(APK_DB));
    let image = merge_layers(&[l0]);
    assert_eq!(image.warnings[0].layer, Some(digest(7)));
}

fn cache(manager: &str, path: &str) -> CacheFile {
    CacheFile {
        manager: manager.into(),
        path: path.into(),
    }
}

#[test]
fn cache_files_removed_by_a_later_layer_are_not_left_in_the_image() {
    let mut l0 = layer(0);
    l0.caches.push(cache("apt", "var/lib/apt/lists/a_Packages"));
    l0.caches.push(cache("apt", "var/lib/apt/lists/b_Packages"));
    l0.caches
        .push(cache("apk", "var/cache/apk/APKINDEX.1.tar.gz"));
    let mut l1 = layer(1);
    // `rm -rf /var/lib/apt/lists/*` leaves one whiteout per file; an opaque apk cache dir.
    l1.whiteouts.push("var/lib/apt/lists/a_Packages".into());
    l1.opaque_dirs.push("var/cache/apk".into());
    let image = merge_layers(&[l0, l1]);
    let left: Vec<(&str, &Digest)> = image
        .caches
        .iter()
        .map(|c| (c.file.path.as_str(), &c.layer))
        .collect();
    assert_eq!(left, vec![("var/lib/apt/lists/b_Packages", &digest(0))]);
}
