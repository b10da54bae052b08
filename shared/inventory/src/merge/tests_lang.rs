//! Merge rules for language packages: kept per file, removed by whiteouts, marked OS-owned.

use super::*;
use crate::item::DbKind;
use crate::layer::{Compression, OwnedFiles, Symlink};
use crate::package::Ecosystem;

fn digest(n: u8) -> Digest {
    Digest::sha256_of(&[n])
}

fn layer(n: u8) -> LayerInventory {
    LayerInventory::empty(digest(n), Compression::Gzip)
}

fn metadata(path: &str, ecosystem: Ecosystem, name: &str, version: &str) -> Item {
    Item {
        path: path.into(),
        content: ItemContent::Packages {
            db: DbKind::PythonDistInfo,
            packages: vec![Package {
                ecosystem,
                name: name.into(),
                version: version.into(),
                arch: None,
                source_name: None,
                source_version: None,
                license: None,
            }],
        },
    }
}

fn found(image: &ImageInventory) -> Vec<(&str, &str, bool)> {
    image
        .packages
        .iter()
        .map(|p| (p.package.name.as_str(), p.path.as_str(), p.os_owned))
        .collect()
}

const SITE: &str = "usr/local/lib/python3.11/site-packages";

#[test]
fn two_copies_of_a_module_are_two_packages() {
    let mut l0 = layer(0);
    for dir in [
        "app/node_modules/minimist",
        "app/node_modules/x/node_modules/minimist",
    ] {
        l0.items.push(metadata(
            &format!("{dir}/package.json"),
            Ecosystem::Npm,
            "minimist",
            "1.2.0",
        ));
    }
    let image = merge_layers(&[l0]);
    assert_eq!(image.packages.len(), 2);
}

#[test]
fn whiteout_of_site_packages_removes_its_packages() {
    let mut l0 = layer(0);
    l0.items.push(metadata(
        &format!("{SITE}/requests-2.19.0.dist-info/METADATA"),
        Ecosystem::Pypi,
        "requests",
        "2.19.0",
    ));
    l0.items.push(metadata(
        "app/node_modules/lodash/package.json",
        Ecosystem::Npm,
        "lodash",
        "4.17.4",
    ));
    let mut l1 = layer(1);
    l1.whiteouts.push(SITE.into());
    let image = merge_layers(&[l0, l1]);
    assert_eq!(
        found(&image),
        [("lodash", "app/node_modules/lodash/package.json", false)]
    );
}

#[test]
fn os_owned_follows_the_owning_list_and_symlinks() {
    let egg = "usr/lib/python3/dist-packages/PyYAML-6.0.egg-info";
    let list = "var/lib/dpkg/info/python3-yaml.list";
    let mut l0 = layer(0);
    l0.symlinks.push(Symlink {
        path: "lib".into(),
        target: "usr/lib".into(),
    });
    l0.items.push(metadata(
        &format!("{egg}/PKG-INFO"),
        Ecosystem::Pypi,
        "pyyaml",
        "6.0",
    ));
    l0.items.push(metadata(
        &format!("{SITE}/urllib3-1.24.dist-info/METADATA"),
        Ecosystem::Pypi,
        "urllib3",
        "1.24",
    ));
    // dpkg names the file through the `lib` link; the merge places it at its real path.
    l0.owned_files.push(OwnedFiles {
        source: list.into(),
        paths: vec![format!(
            "lib/python3/dist-packages/PyYAML-6.0.egg-info/PKG-INFO"
        )],
    });
    let image = merge_layers(&[l0.clone()]);
    let owned: Vec<_> = found(&image).into_iter().filter(|p| p.2).collect();
    assert_eq!(
        owned,
        [(
            "pyyaml",
            "usr/lib/python3/dist-packages/PyYAML-6.0.egg-info/PKG-INFO",
            true
        )]
    );

    // `apt remove` deletes the list (a whiteout) but a pip install left the files.
    let mut l1 = layer(1);
    l1.whiteouts.push(list.into());
    let image = merge_layers(&[l0, l1]);
    assert!(found(&image).iter().all(|p| !p.2), "{:?}", found(&image));
}
