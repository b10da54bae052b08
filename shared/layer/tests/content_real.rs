//! The content rules on real layers: the real Alpine root filesystems hold no secret, so any
//! hit there is a false alarm; a layer built here with secrets and caches gives exactly them.

mod common;

use std::fs;
use std::io::Write;

use common::shared_data;
use layerwatch_inventory::LayerInventory;
use layerwatch_layer::{Limits, read_layer_unverified};

fn read(bytes: &[u8]) -> LayerInventory {
    read_layer_unverified(bytes, &Limits::default()).expect("a readable layer")
}

#[test]
fn real_alpine_root_filesystems_have_no_secrets_and_no_caches() {
    let dir = shared_data().join("images/alpine-minirootfs");
    let mut read_any = false;
    for entry in fs::read_dir(&dir).expect("minirootfs folder") {
        let path = entry.expect("entry").path();
        if !path.to_string_lossy().ends_with(".tar.gz") {
            continue;
        }
        let inv = read(&fs::read(&path).expect("tarball"));
        assert!(inv.entries > 50, "{} read", path.display());
        assert_eq!(inv.secrets, vec![], "{}", path.display());
        assert_eq!(inv.caches, vec![], "{}", path.display());
        read_any = true;
    }
    assert!(read_any, "no minirootfs tarball in {}", dir.display());
}

fn tar_with(files: &[(&str, &[u8])]) -> Vec<u8> {
    let mut builder = tar::Builder::new(Vec::new());
    for (path, data) in files {
        let mut header = tar::Header::new_gnu();
        header.set_size(data.len() as u64);
        header.set_mode(0o644);
        header.set_cksum();
        builder
            .append_data(&mut header, path, *data)
            .expect("append");
    }
    builder.into_inner().expect("tar")
}

#[test]
fn a_layer_with_secrets_and_caches_records_path_rule_and_line_never_the_value() {
    let token = format!("ghp_{}", "Zq8Lw3Rt5Yu7".repeat(3));
    let env = format!("# app\nDB_HOST=db\nDB_PASSWORD=hunter2-{}\n", "x9");
    let config = format!("deploy:\n  token: {token}\n");
    let layer = tar_with(&[
        ("app/.env", env.as_bytes()),
        ("app/config.yml", config.as_bytes()),
        ("app/README.txt", b"no secrets here\n"),
        ("var/lib/apt/lists/lock", b""),
        (
            "var/lib/apt/lists/deb_dists_bookworm_InRelease",
            b"Origin: Debian\n",
        ),
        ("root/.cache/pip/http/a/b", b"cached wheel"),
    ]);
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    gz.write_all(&layer).expect("gzip");
    let inv = read(&gz.finish().expect("gzip"));
    let hits: Vec<(&str, &str, Option<u32>)> = inv
        .secrets
        .iter()
        .map(|h| (h.path.as_str(), h.rule.as_str(), h.line))
        .collect();
    assert_eq!(
        hits,
        vec![
            ("app/.env", "dotenv-credential", Some(3)),
            ("app/config.yml", "github-token", Some(2)),
        ]
    );
    let caches: Vec<(&str, &str)> = inv
        .caches
        .iter()
        .map(|c| (c.manager.as_str(), c.path.as_str()))
        .collect();
    assert_eq!(
        caches,
        vec![
            ("apt", "var/lib/apt/lists/deb_dists_bookworm_InRelease"),
            ("pip", "root/.cache/pip/http/a/b"),
        ]
    );
    let json = serde_json::to_string(&inv).expect("json");
    assert!(
        !json.contains(&token) && !json.contains("hunter2"),
        "{json}"
    );
}
