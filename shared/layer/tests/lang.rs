//! Language packages through the layer reader: kept, capped, and OS-owned files recorded.

mod common;

use common::{Layer, read};
use layerwatch_inventory::{DbKind, Ecosystem, ItemContent, merge_layers};

const DIST_INFO: &str = "usr/local/lib/python3.11/site-packages/requests-2.19.0.dist-info";

fn lang_layer() -> Vec<u8> {
    let mut layer = Layer::new();
    layer
        .file(
            &format!("./{DIST_INFO}/METADATA"),
            b"Metadata-Version: 2.1\nName: requests\nVersion: 2.19.0\n\nbody\n",
        )
        .file(
            &format!("./{DIST_INFO}/RECORD"),
            b"requests/__init__.py,,\n",
        )
        .file(
            "./app/node_modules/@scope/mod/package.json",
            br#"{"name":"@scope/mod","version":"1.0.0"}"#,
        )
        .hard_link(
            "./app/node_modules/copy/node_modules/@scope/mod/package.json",
            "./app/node_modules/@scope/mod/package.json",
        )
        .file("./app/package-lock.json", b"{not json")
        .file(
            "./var/lib/dpkg/info/python3-yaml.list",
            b"/.\n/usr\n/usr/lib/python3/dist-packages/PyYAML-5.3.1.egg-info\n\
              /usr/lib/python3/dist-packages/PyYAML-5.3.1.egg-info/PKG-INFO\n\
              /usr/lib/python3/dist-packages/yaml/__init__.py\n",
        )
        .file(
            "./var/lib/dpkg/info/libc6:amd64.list",
            b"/.\n/lib/x86_64-linux-gnu/libc.so.6\n",
        );
    layer.finish()
}

#[test]
fn language_metadata_becomes_items() {
    let inv = read(&lang_layer()).expect("valid layer");
    let kept: Vec<(&str, Option<DbKind>)> = inv
        .items
        .iter()
        .map(|i| {
            let db = match &i.content {
                ItemContent::Packages { db, .. } => Some(*db),
                _ => None,
            };
            (i.path.as_str(), db)
        })
        .collect();
    assert_eq!(
        kept,
        [
            (
                "usr/local/lib/python3.11/site-packages/requests-2.19.0.dist-info/METADATA",
                Some(DbKind::PythonDistInfo)
            ),
            (
                "app/node_modules/@scope/mod/package.json",
                Some(DbKind::NpmPackageJson)
            ),
            (
                "app/node_modules/copy/node_modules/@scope/mod/package.json",
                Some(DbKind::NpmPackageJson)
            ),
            ("app/package-lock.json", None),
        ]
    );
    let malformed = inv
        .warnings
        .iter()
        .find(|w| w.code == "malformed-db")
        .expect("warned");
    assert_eq!(malformed.path.as_deref(), Some("app/package-lock.json"));

    // Only the dpkg list that owns language metadata is recorded, and only those paths.
    assert_eq!(inv.owned_files.len(), 1);
    assert_eq!(
        inv.owned_files[0].source,
        "var/lib/dpkg/info/python3-yaml.list"
    );
    assert_eq!(
        inv.owned_files[0].paths,
        [
            // The directory's own line: dpkg does not say whether it is a single-file egg-info.
            "usr/lib/python3/dist-packages/PyYAML-5.3.1.egg-info",
            "usr/lib/python3/dist-packages/PyYAML-5.3.1.egg-info/PKG-INFO"
        ]
    );
}

#[test]
fn too_large_metadata_is_reported_not_read() {
    let mut layer = Layer::new();
    let big = vec![b' '; (4 << 20) + 1];
    layer.file("app/node_modules/big/package.json", &big);
    let inv = read(&layer.finish()).expect("valid layer");
    assert!(matches!(
        inv.items[0].content,
        ItemContent::Unreadable { .. }
    ));
    assert_eq!(inv.warnings[0].code, "file-too-large");
}

#[test]
fn a_whiteout_of_site_packages_removes_the_packages() {
    let lower = read(&lang_layer()).expect("valid layer");
    let mut upper = Layer::new();
    upper.file("./usr/local/lib/python3.11/.wh.site-packages", b"");
    let upper = read(&upper.finish()).expect("valid layer");
    let image = merge_layers(&[lower.clone(), upper]);
    assert!(
        image
            .packages
            .iter()
            .all(|p| p.package.ecosystem != Ecosystem::Pypi)
    );
    assert_eq!(image.packages.len(), 2, "both npm copies stay");
    let before = merge_layers(&[lower]);
    assert_eq!(before.packages.len(), 3);
}

#[test]
fn apk_database_lines_record_owned_metadata() {
    let installed = "P:py3-yaml\nV:6.0.1-r0\nF:usr/lib/python3.11/site-packages/PyYAML-6.0.1.dist-info\n\
                     R:METADATA\nR:RECORD\nF:usr/lib/python3.11/site-packages/yaml\nR:__init__.py\n\n\
                     P:musl\nV:1.2.4-r0\nF:lib\nR:libc.musl-x86_64.so.1\n";
    let mut layer = Layer::new();
    layer
        .file("lib/apk/db/installed", installed.as_bytes())
        .file(
            "usr/lib/python3.11/site-packages/PyYAML-6.0.1.dist-info/METADATA",
            b"Name: PyYAML\nVersion: 6.0.1\n",
        );
    let inv = read(&layer.finish()).expect("valid layer");
    assert_eq!(inv.owned_files.len(), 1);
    assert_eq!(inv.owned_files[0].source, "lib/apk/db/installed");
    let image = merge_layers(&[inv]);
    let pyyaml = image
        .packages
        .iter()
        .find(|p| p.package.ecosystem == Ecosystem::Pypi)
        .expect("found");
    assert_eq!(pyyaml.package.name, "pyyaml");
    assert!(pyyaml.os_owned);
    let musl = image
        .packages
        .iter()
        .find(|p| p.package.name == "musl")
        .expect("apk");
    assert!(!musl.os_owned);
}
