//! `layerwatch scan` on the `binaries` image (infra/build-binary-images.sh): every package
//! embedded in its Go executables, its cargo-auditable Rust executable and its Java archives is
//! listed with the layer and path of the file that holds it, and advisories from the shared
//! feeds are found for them. Expected packages come from the tools' own readers run here on
//! the unpacked layers: `go version -m`, `objcopy --dump-section .dep-v0` with Python's zlib,
//! and `unzip -p` of each `pom.properties`.

use std::collections::BTreeSet;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

/// (path in the image, layer digest, name, version).
type Listed = BTreeSet<(String, String, String, String)>;

fn images() -> Option<PathBuf> {
    let required = std::env::var("LAYERWATCH_REQUIRE_IMAGES").as_deref() == Ok("1");
    let dir = std::env::var_os("LAYERWATCH_IMAGES").map(PathBuf::from);
    match dir {
        Some(d) if d.join("binaries/image.json").is_file() => Some(d),
        _ => {
            assert!(
                !required,
                "the binaries image is missing: run infra/build-binary-images.sh"
            );
            eprintln!("skipped: the binaries image is not built");
            None
        }
    }
}

fn shared() -> PathBuf {
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

fn run(program: &str, args: &[&str]) -> String {
    let out = Command::new(program)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("`{program}` is needed by this test (infra/install.sh): {e}"));
    String::from_utf8(out.stdout).expect("utf8")
}

fn layerwatch(args: &[&str]) -> Vec<u8> {
    let out = Command::new(env!("CARGO_BIN_EXE_layerwatch"))
        .args(args)
        .output()
        .expect("run layerwatch");
    assert!(
        out.status.success(),
        "layerwatch {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir)
        .expect("read dir")
        .map(|e| e.expect("entry"))
    {
        let kind = entry.file_type().expect("file type");
        if kind.is_dir() {
            walk(&entry.path(), out);
        } else if kind.is_file() {
            out.push(entry.path());
        }
    }
}

/// Name and version pairs of one file, by the independent readers.
fn oracle(file: &Path) -> Vec<(String, String)> {
    let path = file.to_str().expect("utf8 path");
    let name = file
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or_default();
    if name.ends_with(".jar") || name.ends_with(".war") {
        return jar_oracle(file);
    }
    let mode = std::fs::metadata(file).expect("stat").permissions().mode();
    if mode & 0o111 == 0 {
        return Vec::new();
    }
    let text = run("go", &["version", "-m", path]);
    if let Some(first) = text.lines().next() {
        // Replacements win unless they are directories; a `(devel)` main module is unversioned.
        let mut modules: Vec<(String, String)> = Vec::new();
        for line in text.lines().skip(1) {
            match line.trim_start().split('\t').collect::<Vec<_>>().as_slice() {
                ["mod" | "dep", p, v, ..] if *v != "(devel)" => {
                    modules.push((p.to_string(), v.to_string()))
                }
                ["=>", p, v, ..] if !v.is_empty() => {
                    *modules.last_mut().expect("replaced") = (p.to_string(), v.to_string())
                }
                _ => {}
            }
        }
        let toolchain = first.rsplit(": go").next().expect("toolchain");
        modules.push(("stdlib".into(), toolchain.into()));
        return modules;
    }
    let temp = tempfile::tempdir().expect("temp dir");
    let dump = temp.path().join("dep-v0");
    let arg = format!(".dep-v0={}", dump.display());
    run(
        "objcopy",
        &[
            "--dump-section",
            &arg,
            path,
            &temp.path().join("copy").display().to_string(),
        ],
    );
    if !dump.exists() {
        return Vec::new();
    }
    let script = "import json,sys,zlib\nfor p in json.loads(zlib.decompress(open(sys.argv[1],'rb').read()))['packages']:\n  if p.get('kind','runtime')=='runtime': print(p['name']+'\\t'+p['version'])";
    pairs(&run(
        "python3",
        &["-c", script, dump.to_str().expect("utf8")],
    ))
}

fn pairs(tsv: &str) -> Vec<(String, String)> {
    tsv.lines()
        .filter_map(|l| l.split_once('\t'))
        .map(|(a, b)| (a.into(), b.into()))
        .collect()
}

/// `group:artifact` and version of each pom.properties, one nesting level deep.
fn jar_oracle(file: &Path) -> Vec<(String, String)> {
    let path = file.to_str().expect("utf8");
    let mut out = Vec::new();
    for member in run("unzip", &["-Z1", path]).lines() {
        if member.starts_with("META-INF/maven/") && member.ends_with("/pom.properties") {
            let text = run("unzip", &["-p", path, member]);
            let get = |k: &str| {
                text.lines()
                    .find_map(|l| l.strip_prefix(k)?.strip_prefix('='))
                    .expect("key")
                    .trim()
                    .to_string()
            };
            out.push((
                format!("{}:{}", get("groupId"), get("artifactId")),
                get("version"),
            ));
        } else if member.ends_with(".jar") {
            let temp = tempfile::tempdir().expect("temp dir");
            let inner = temp.path().join("inner.jar");
            let bytes = Command::new("unzip")
                .args(["-p", path, member])
                .output()
                .expect("unzip")
                .stdout;
            std::fs::write(&inner, bytes).expect("write");
            out.extend(jar_oracle(&inner));
        }
    }
    out
}

fn package<'a>(report: &'a Value, name: &str, path: &str) -> &'a Value {
    report["packages"]
        .as_array()
        .expect("packages")
        .iter()
        .find(|p| p["name"] == name && p["path"] == path)
        .unwrap_or_else(|| panic!("{name} at {path} is listed"))
}

#[test]
fn binaries_image_lists_embedded_packages_and_matches_them() {
    let Some(images) = images() else { return };
    let dir = images.join("binaries");
    let index: Value =
        serde_json::from_slice(&std::fs::read(dir.join("image.json")).expect("read"))
            .expect("json");
    let layers: Vec<String> = index["layers"]
        .as_array()
        .expect("layers")
        .iter()
        .map(|l| l.as_str().expect("digest").to_string())
        .collect();
    let target = format!("oci:{}:latest", images.join("oci/binaries").display());

    let mut expected = Listed::new();
    for (n, layer) in layers.iter().enumerate() {
        let root = dir.join(format!("layer{}", n + 1));
        let mut files = Vec::new();
        walk(&root, &mut files);
        for file in files {
            let rel = file
                .strip_prefix(&root)
                .expect("under root")
                .to_string_lossy()
                .into_owned();
            for (name, version) in oracle(&file) {
                expected.insert((rel.clone(), layer.clone(), name, version));
            }
        }
    }
    let report: Value =
        serde_json::from_slice(&layerwatch(&["scan", "--no-match", "-f", "json", &target]))
            .expect("json");
    let listed: Listed = report["packages"]
        .as_array()
        .expect("packages")
        .iter()
        // The npm modules' own package.json files are another reader's business.
        .filter(|p| {
            ["golang", "cargo", "maven"].contains(&p["ecosystem"].as_str().unwrap_or_default())
        })
        .map(|p| {
            let s = |k: &str| {
                p[k].as_str()
                    .unwrap_or_else(|| panic!("{k} of {p}"))
                    .to_string()
            };
            (s("path"), s("layer"), s("name"), s("version"))
        })
        .collect();
    assert_eq!(listed, expected);

    // purls by the purl spec: Go module paths split at the last slash, Maven group/artifact.
    let lefthook = "usr/lib/node_modules/lefthook-linux-x64/bin/lefthook";
    assert_eq!(
        package(&report, "github.com/spf13/cobra", lefthook)["purl"],
        "pkg:golang/github.com/spf13/cobra@v1.7.0"
    );
    assert_eq!(
        package(&report, "stdlib", lefthook)["purl"],
        "pkg:golang/stdlib@1.21.1"
    );
    let demo = "usr/local/bin/layerwatch-rust-demo";
    assert_eq!(
        package(&report, "smallvec", demo)["purl"],
        "pkg:cargo/smallvec@1.6.0"
    );
    assert_eq!(package(&report, "smallvec", demo)["ecosystem"], "cargo");
    let lang3 = package(
        &report,
        "org.apache.commons:commons-lang3",
        "usr/share/java/commons-lang3.jar",
    );
    assert_eq!(
        lang3["purl"],
        "pkg:maven/org.apache.commons/commons-lang3@3.12.0"
    );
    assert_eq!(lang3["layer"], layers[1].as_str());

    // Findings, from an advisory store built from two real feed files.
    let feeds = tempfile::tempdir().expect("temp dir");
    let mut ids = Vec::new();
    for (folder, file) in [
        ("go/vulndb-osv", "GO-2023-2102.json"),
        ("crates/rustsec-osv", "RUSTSEC-2021-0003.json"),
    ] {
        let from = shared().join("data/advisories").join(folder).join(file);
        let to = feeds.path().join(folder);
        std::fs::create_dir_all(&to).expect("mkdir");
        std::fs::copy(&from, to.join(file)).expect("copy feed file");
        let doc: Value =
            serde_json::from_slice(&std::fs::read(&from).expect("read")).expect("json");
        ids.push(doc["id"].as_str().expect("id").to_string());
    }
    let db = feeds.path().join("store.db");
    let db_arg = db.to_str().expect("utf8");
    layerwatch(&[
        "db",
        "update",
        "--from",
        feeds.path().to_str().expect("utf8"),
        "--db",
        db_arg,
    ]);
    let report: Value = serde_json::from_slice(&layerwatch(&[
        "scan", "-f", "json", "--db", db_arg, &target,
    ]))
    .expect("json");
    let findings: BTreeSet<(String, String, String, String)> = report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| {
            let s = |v: &Value| v.as_str().unwrap_or_default().to_string();
            (
                s(&f["id"]),
                s(&f["package"]["name"]),
                s(&f["installed_version"]),
                s(&f["layer"]),
            )
        })
        .collect();
    // GO-2023-2102 affects the stdlib before 1.20.10 and 1.21.0 to 1.21.3 (its ranges say so):
    // lefthook (Go 1.21.1) in the first layer; RUSTSEC-2021-0003 affects smallvec 1.6.0.
    for want in [
        (ids[0].as_str(), "stdlib", "1.21.1", layers[0].as_str()),
        (ids[1].as_str(), "smallvec", "1.6.0", layers[1].as_str()),
    ] {
        let want = (
            want.0.to_string(),
            want.1.to_string(),
            want.2.to_string(),
            want.3.to_string(),
        );
        assert!(findings.contains(&want), "{want:?} in {findings:?}");
    }
}
