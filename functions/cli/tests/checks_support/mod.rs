//! Helpers of the check tests: OCI layouts written from the real Alpine minirootfs plus a
//! layer of files made here, and running the binary.

// Each test binary uses a part of these.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use layerwatch_oci::Digest;
use serde_json::{Value, json};

pub fn shared() -> PathBuf {
    let dir = std::env::var_os("LAYERWATCH_SHARED")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared"));
    assert!(
        dir.join("data").is_dir(),
        "shared data not found at {} (set LAYERWATCH_SHARED)",
        dir.display()
    );
    dir
}

pub fn minirootfs() -> PathBuf {
    shared().join("data/images/alpine-minirootfs/alpine-minirootfs-3.20.3-x86_64.tar.gz")
}

pub fn sh(script: &str) -> Vec<u8> {
    let out = Command::new("sh")
        .args(["-c", script])
        .output()
        .expect("sh");
    assert!(
        out.status.success(),
        "`{script}` failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

pub fn layerwatch(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_layerwatch"))
        .args(args)
        .output()
        .expect("layerwatch runs")
}

pub const GH: &str = concat!("ghp_", "Zq8Lw3Rt5Yu7", "Zq8Lw3Rt5Yu7", "Zq8Lw3Rt5Yu7");
pub const DB_PASSWORD: &str = "hunter2-prod-7Q";

/// Writes an OCI layout at `dir` tagged `tag`: the minirootfs, then `extra` (a folder) as a
/// second layer when given, with `run` as the config's `config` and `history` as its history.
pub fn layout(dir: &Path, tag: &str, extra: Option<&Path>, run: Value, history: Value) -> Digest {
    let blobs = dir.join("blobs/sha256");
    std::fs::create_dir_all(&blobs).expect("blobs");
    std::fs::write(dir.join("oci-layout"), r#"{"imageLayoutVersion":"1.0.0"}"#).expect("layout");
    let put = |bytes: &[u8]| {
        let d = Digest::sha256_of(bytes);
        std::fs::write(blobs.join(d.hex()), bytes).expect("blob");
        d
    };
    let mut layers = vec![std::fs::read(minirootfs()).expect("minirootfs")];
    if let Some(extra) = extra {
        let tgz = dir.with_extension("extra.tar.gz");
        sh(&format!(
            "tar -C '{}' -czf '{}' .",
            extra.display(),
            tgz.display()
        ));
        layers.push(std::fs::read(&tgz).expect("extra layer"));
    }
    let mut diff_ids = Vec::new();
    let mut descriptors = Vec::new();
    for layer in &layers {
        let tmp = dir.with_extension("layer.gz");
        std::fs::write(&tmp, layer).expect("layer");
        diff_ids
            .push(Digest::sha256_of(&sh(&format!("gunzip -c '{}'", tmp.display()))).to_string());
        descriptors.push(
            json!({"mediaType": "application/vnd.oci.image.layer.v1.tar+gzip",
            "digest": put(layer).to_string(), "size": layer.len()}),
        );
    }
    let config = json!({"architecture": "amd64", "os": "linux", "config": run,
        "rootfs": {"type": "layers", "diff_ids": diff_ids}, "history": history})
    .to_string();
    let config_digest = put(config.as_bytes());
    let manifest =
        json!({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
        "config": {"mediaType": "application/vnd.oci.image.config.v1+json",
                   "digest": config_digest.to_string(), "size": config.len()},
        "layers": descriptors})
        .to_string();
    let manifest_digest = put(manifest.as_bytes());
    let index = json!({"schemaVersion": 2, "manifests": [{
        "mediaType": "application/vnd.oci.image.manifest.v1+json",
        "digest": manifest_digest.to_string(), "size": manifest.len(),
        "annotations": {"org.opencontainers.image.ref.name": tag}}]});
    std::fs::write(dir.join("index.json"), index.to_string()).expect("index.json");
    manifest_digest
}

/// The layer of files that break the file rules.
pub fn bad_files(root: &Path) {
    sh(&format!(
        "set -e; mkdir -p '{0}'; cd '{0}'; mkdir -p app root/.ssh var/cache/apk usr/bin
         printf 'DB_HOST=db\\nDB_PASSWORD={DB_PASSWORD}\\n' > app/.env
         ssh-keygen -q -t ed25519 -N '' -f root/.ssh/id_ed25519
         printf 'index' > var/cache/apk/APKINDEX.5022a8a2.tar.gz
         printf '#!/bin/sh\\n' > usr/bin/sudo; chmod 4755 usr/bin/sudo",
        root.display()
    ));
}

pub fn bad_image(dir: &Path) -> Digest {
    let files = dir.with_extension("files");
    bad_files(&files);
    let run =
        json!({"Env": ["PATH=/usr/bin:/bin", format!("GITHUB_TOKEN={GH}")], "Cmd": ["/bin/sh"]});
    let history = json!([
        {"created_by": "ADD alpine-minirootfs-3.20.3-x86_64.tar.gz / # buildkit"},
        {"created_by": "RUN /bin/sh -c apk update # buildkit", "empty_layer": true},
        {"created_by": "ADD https://example.com/app.tar.gz /opt/ # buildkit", "empty_layer": true},
        {"created_by": format!("|1 DB_PASSWORD={DB_PASSWORD} /bin/sh -c ./setup # buildkit")}
    ]);
    layout(dir, "latest", Some(&files), run, history)
}

pub fn good_image(dir: &Path) -> Digest {
    let run = json!({"User": "405", "Env": ["PATH=/usr/bin:/bin"], "Cmd": ["/bin/sh"],
        "Healthcheck": {"Test": ["CMD", "/bin/true"], "Interval": 30_000_000_000_i64}});
    let history =
        json!([{"created_by": "ADD alpine-minirootfs-3.20.3-x86_64.tar.gz / # buildkit"}]);
    layout(dir, "3.20", None, run, history)
}

pub fn json_report(target: &str, extra: &[&str]) -> Value {
    let mut args = vec!["scan", target, "--no-match", "-f", "json"];
    args.extend_from_slice(extra);
    let out = layerwatch(&args);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("json report")
}

/// `id -> [result]` of a report's checks.
pub fn results(report: &Value, id: &str) -> Vec<String> {
    report["checks"]
        .as_array()
        .expect("checks")
        .iter()
        .filter(|c| c["id"] == id)
        .map(|c| c["result"].as_str().expect("result").to_string())
        .collect()
}
