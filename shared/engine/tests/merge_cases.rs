//! The layer-merge cases of the core issue, over real tar layers in a real OCI layout, with real
//! package databases (Alpine 3.20.3's apk database, an Ubuntu 18.04 dpkg status). Expected
//! package sets are read from the same database text by a plain line scan in the test.

mod support;

use std::collections::BTreeSet;

use layerwatch_engine::{NoCache, ScanOptions, ScannedImage, Target, scan};
use layerwatch_oci::Digest;
use serde_json::json;
use support::{Compress, Entry, file_from_targz, shared, tar_of, write_image, write_layout};

const APK_DB: &str = "lib/apk/db/installed";

fn alpine_db() -> Vec<u8> {
    let archive =
        shared().join("data/images/alpine-minirootfs/alpine-minirootfs-3.20.3-x86_64.tar.gz");
    file_from_targz(&archive, APK_DB)
}

fn os_release() -> Vec<u8> {
    let archive =
        shared().join("data/images/alpine-minirootfs/alpine-minirootfs-3.20.3-x86_64.tar.gz");
    file_from_targz(&archive, "etc/os-release")
}

/// (name, version) pairs of an apk database, by a plain scan of its `P:` and `V:` lines.
fn apk_pairs(db: &[u8]) -> BTreeSet<(String, String)> {
    let text = String::from_utf8_lossy(db);
    text.split("\n\n")
        .filter_map(|para| {
            let field = |k: &str| {
                para.lines()
                    .find_map(|l| l.strip_prefix(k))
                    .map(str::to_string)
            };
            Some((field("P:")?, field("V:")?))
        })
        .collect()
}

/// The first `n` package paragraphs of an apk database.
fn first_packages(db: &[u8], n: usize) -> Vec<u8> {
    let text = String::from_utf8_lossy(db);
    let paras: Vec<&str> = text
        .split("\n\n")
        .filter(|p| !p.trim().is_empty())
        .take(n)
        .collect();
    format!("{}\n\n", paras.join("\n\n")).into_bytes()
}

fn scan_layout(layers: &[(Vec<u8>, Compress)]) -> (ScannedImage, Vec<Digest>, tempfile::TempDir) {
    let dir = tempfile::tempdir().expect("tempdir");
    let digests = write_layout(dir.path(), layers, ("linux", "amd64"));
    let target: Target = format!("oci:{}", dir.path().display())
        .parse()
        .expect("target");
    let mut images = scan(&target, &ScanOptions::default(), &NoCache).expect("scan");
    assert_eq!(images.len(), 1);
    (images.remove(0), digests, dir)
}

fn pairs(image: &ScannedImage) -> BTreeSet<(String, String)> {
    image
        .inventory
        .packages
        .iter()
        .map(|p| (p.package.name.clone(), p.package.version.clone()))
        .collect()
}

#[test]
fn real_alpine_database_in_one_layer() {
    let db = alpine_db();
    let (image, digests, _dir) = scan_layout(&[(
        tar_of(&[
            Entry::File(APK_DB, &db),
            Entry::File("etc/os-release", &os_release()),
        ]),
        Compress::Gzip,
    )]);
    assert_eq!(pairs(&image), apk_pairs(&db));
    assert!(
        image
            .inventory
            .packages
            .iter()
            .all(|p| p.layer == digests[0])
    );
    let os = image.inventory.os.as_ref().expect("os");
    assert_eq!(
        (os.family.as_str(), os.version.as_str()),
        ("alpine", "3.20.3")
    );
}

#[test]
fn opaque_whiteout_hides_the_lower_database() {
    let db = alpine_db();
    let few = first_packages(&db, 3);
    let (image, digests, _dir) = scan_layout(&[
        (tar_of(&[Entry::File(APK_DB, &db)]), Compress::Gzip),
        (
            tar_of(&[
                Entry::File("lib/apk/db/.wh..wh..opq", b""),
                Entry::File(APK_DB, &few),
            ]),
            Compress::Gzip,
        ),
    ]);
    assert_eq!(pairs(&image), apk_pairs(&few));
    // The opaque directory cut the history: the packages came with the upper layer.
    assert!(
        image
            .inventory
            .packages
            .iter()
            .all(|p| p.layer == digests[1])
    );
}

#[test]
fn delete_then_recreate() {
    let db = alpine_db();
    let wh = tar_of(&[Entry::File("lib/apk/db/.wh.installed", b"")]);
    let (deleted, _, _d1) = scan_layout(&[
        (tar_of(&[Entry::File(APK_DB, &db)]), Compress::Gzip),
        (wh.clone(), Compress::Gzip),
    ]);
    assert!(deleted.inventory.packages.is_empty());

    let (image, digests, _d2) = scan_layout(&[
        (tar_of(&[Entry::File(APK_DB, &db)]), Compress::Gzip),
        (wh, Compress::Gzip),
        (tar_of(&[Entry::File(APK_DB, &db)]), Compress::Gzip),
    ]);
    assert_eq!(pairs(&image), apk_pairs(&db));
    assert!(
        image
            .inventory
            .packages
            .iter()
            .all(|p| p.layer == digests[2])
    );
}

#[test]
fn directory_replaced_by_a_symlink_or_a_file() {
    let db = alpine_db();
    let lower = (tar_of(&[Entry::File(APK_DB, &db)]), Compress::Gzip);
    let (by_link, _, _d1) = scan_layout(&[
        lower.clone(),
        (
            tar_of(&[Entry::Link("lib/apk", "/opt/elsewhere")]),
            Compress::Gzip,
        ),
    ]);
    assert!(by_link.inventory.packages.is_empty());
    let (by_file, _, _d2) = scan_layout(&[
        lower,
        (
            tar_of(&[Entry::File("lib/apk/db", b"not a dir")]),
            Compress::Gzip,
        ),
    ]);
    assert!(by_file.inventory.packages.is_empty());
}

#[test]
fn hard_link_keeps_the_content_of_a_file_replaced_later() {
    let db = alpine_db();
    let few = first_packages(&db, 2);
    let (image, digests, _dir) = scan_layout(&[
        (
            tar_of(&[
                Entry::File("usr/lib/apk/db/installed", &db),
                Entry::Hard(APK_DB, "usr/lib/apk/db/installed"),
            ]),
            Compress::Gzip,
        ),
        (
            tar_of(&[Entry::File("usr/lib/apk/db/installed", &few)]),
            Compress::Gzip,
        ),
    ]);
    // The link still holds the full lower database; the replaced file holds two packages.
    assert_eq!(pairs(&image), apk_pairs(&db));
    let from_link: Vec<_> = image
        .inventory
        .packages
        .iter()
        .filter(|p| p.path == APK_DB)
        .collect();
    assert_eq!(from_link.len(), apk_pairs(&db).len());
    assert!(from_link.iter().all(|p| p.layer == digests[0]));
}

#[test]
fn database_directory_reached_through_a_symlink() {
    let db = alpine_db();
    let few = first_packages(&db, 4);
    let (image, digests, _dir) = scan_layout(&[
        (
            tar_of(&[
                Entry::Link("lib/apk", "../usr/lib/apk"),
                Entry::File("usr/lib/apk/db/installed", &few),
            ]),
            Compress::Gzip,
        ),
        (tar_of(&[Entry::File(APK_DB, &db)]), Compress::Gzip),
    ]);
    assert_eq!(pairs(&image), apk_pairs(&db));
    assert!(
        image
            .inventory
            .packages
            .iter()
            .all(|p| p.path == "usr/lib/apk/db/installed")
    );
    let early: BTreeSet<String> = apk_pairs(&few).into_iter().map(|(n, _)| n).collect();
    for p in &image.inventory.packages {
        let expected = if early.contains(&p.package.name) {
            &digests[0]
        } else {
            &digests[1]
        };
        assert_eq!(&p.layer, expected, "{}", p.package.name);
    }
}

fn ubuntu_status() -> Vec<u8> {
    std::fs::read(shared().join("data/pkgdb/dpkg/ubuntu-18.04-trivy/var/lib/dpkg/status"))
        .expect("status")
}

#[test]
fn dpkg_config_files_entry_is_not_installed() {
    let status = ubuntu_status();
    let (image, _, _dir) = scan_layout(&[(
        tar_of(&[Entry::File("var/lib/dpkg/status", &status)]),
        Compress::Gzip,
    )]);
    let text = String::from_utf8_lossy(&status);
    let installed = text
        .split("\n\n")
        .filter(|p| p.contains("Status: install ok installed"))
        .count();
    assert_eq!(image.inventory.packages.len(), installed);
    assert!(
        !image
            .inventory
            .packages
            .iter()
            .any(|p| p.package.name == "git")
    );
    assert!(
        text.contains("Package: git\n"),
        "the fixture keeps its deinstalled git entry"
    );
}

#[test]
fn distroless_status_d_without_status() {
    let status = String::from_utf8(ubuntu_status()).expect("utf8");
    let paras: Vec<String> = status
        .split("\n\n")
        .filter(|p| p.contains("Status: install ok installed"))
        .take(3)
        .map(|p| {
            p.lines()
                .filter(|l| !l.starts_with("Status:"))
                .collect::<Vec<_>>()
                .join("\n")
                + "\n"
        })
        .collect();
    let names: Vec<String> = paras
        .iter()
        .map(|p| {
            p.lines()
                .find_map(|l| l.strip_prefix("Package: "))
                .expect("name")
                .to_string()
        })
        .collect();
    let paths: Vec<String> = names
        .iter()
        .map(|n| format!("var/lib/dpkg/status.d/{n}"))
        .collect();
    let entries: Vec<Entry<'_>> = paths
        .iter()
        .zip(&paras)
        .map(|(path, p)| Entry::File(path, p.as_bytes()))
        .collect();
    let (image, _, _dir) = scan_layout(&[(tar_of(&entries), Compress::Gzip)]);
    let found: BTreeSet<String> = image
        .inventory
        .packages
        .iter()
        .map(|p| p.package.name.clone())
        .collect();
    assert_eq!(found, names.into_iter().collect());
}

#[test]
fn zstd_and_plain_layers_of_the_same_content_give_the_same_inventory() {
    let db = alpine_db();
    let tar = tar_of(&[
        Entry::File(APK_DB, &db),
        Entry::FileMode("bin/su", b"x", 0o4755),
    ]);
    let (zstd, zd, _d1) = scan_layout(&[(tar.clone(), Compress::Zstd)]);
    let (plain, pd, _d2) = scan_layout(&[(tar, Compress::None)]);
    assert_ne!(zd, pd);
    assert_eq!(pairs(&zstd), pairs(&plain));
    assert_eq!(pairs(&zstd), apk_pairs(&db));
    assert_eq!(
        zstd.layer_inventories[0].items,
        plain.layer_inventories[0].items
    );
    assert_eq!(zstd.inventory.special_files.len(), 1);
    assert_eq!(zstd.inventory.special_files[0].file.path, "bin/su");
}

#[test]
fn index_with_an_attestation_manifest_gives_one_scan_per_platform() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = alpine_db();
    let layer = (tar_of(&[Entry::File(APK_DB, &db)]), Compress::Gzip);
    let (amd64, _) = write_image(dir.path(), std::slice::from_ref(&layer), ("linux", "amd64"));
    let (arm64, _) = write_image(dir.path(), std::slice::from_ref(&layer), ("linux", "arm64"));
    // An attestation manifest as buildx writes it: platform unknown/unknown and an annotation.
    let (mut attestation, _) = write_image(
        dir.path(),
        &[(
            tar_of(&[Entry::File("statement.json", b"{}")]),
            Compress::None,
        )],
        ("unknown", "unknown"),
    );
    attestation["annotations"] = json!({"vnd.docker.reference.type": "attestation-manifest"});
    let index = json!({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.index.v1+json", "manifests": [amd64, arm64, attestation]}).to_string();
    let index_digest = Digest::sha256_of(index.as_bytes());
    std::fs::write(
        dir.path().join("blobs/sha256").join(index_digest.hex()),
        &index,
    )
    .expect("index blob");
    let top = json!({"schemaVersion": 2, "manifests": [{
        "mediaType": "application/vnd.oci.image.index.v1+json", "digest": index_digest.to_string(), "size": index.len(),
        "annotations": {"org.opencontainers.image.ref.name": "multi"}}]});
    std::fs::write(dir.path().join("index.json"), top.to_string()).expect("index.json");

    let target: Target = format!("oci:{}", dir.path().display())
        .parse()
        .expect("target");
    let images = scan(&target, &ScanOptions::default(), &NoCache).expect("scan");
    let platforms: Vec<_> = images
        .iter()
        .map(|i| i.artifact.platform.clone().unwrap_or_default())
        .collect();
    assert_eq!(platforms, vec!["linux/amd64", "linux/arm64"]);
    for image in &images {
        assert_eq!(image.artifact.index_digest.as_ref(), Some(&index_digest));
        assert_ne!(image.artifact.manifest_digest, image.artifact.config_digest);
        assert_eq!(pairs(image), apk_pairs(&db));
    }
    let only = ScanOptions {
        platform: Some("linux/arm64".parse().expect("platform")),
        ..ScanOptions::default()
    };
    let images = scan(&target, &only, &NoCache).expect("scan arm64");
    assert_eq!(images.len(), 1);
    assert_eq!(images[0].artifact.platform.as_deref(), Some("linux/arm64"));
}

#[test]
fn setuid_file_removed_by_a_later_whiteout() {
    let (image, digests, _dir) = scan_layout(&[
        (
            tar_of(&[
                Entry::FileMode("usr/bin/passwd", b"x", 0o4755),
                Entry::FileMode("usr/bin/wall", b"x", 0o2755),
            ]),
            Compress::Gzip,
        ),
        (
            tar_of(&[Entry::File("usr/bin/.wh.passwd", b"")]),
            Compress::Gzip,
        ),
    ]);
    let left: Vec<_> = image
        .inventory
        .special_files
        .iter()
        .map(|s| (s.file.path.as_str(), &s.layer))
        .collect();
    assert_eq!(left, vec![("usr/bin/wall", &digests[0])]);
}
