//! The readers on real binaries and archives (built by `infra/build-binary-images.sh` into
//! `$LAYERWATCH_IMAGES/binaries`), each compared with an independent reader run here:
//! `go version -m` (Debian's golang-go) for Go, `objcopy --dump-section .dep-v0` and Python's
//! zlib and json for cargo-auditable, `unzip` and a plain `key=value` read for pom.properties.

use std::collections::BTreeSet;
use std::fs::File;
use std::io::Read;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::Command;

use layerwatch_binpkg::{
    ArchiveLimits, BinaryScanner, ExecFindings, ExecLimits, is_java_archive, read_archive, sniff,
};

type Pairs = BTreeSet<(String, String)>;

/// The unpacked layers, or `None` (skip) when images are not built and not required.
fn layers() -> Option<Vec<PathBuf>> {
    let required = std::env::var("LAYERWATCH_REQUIRE_IMAGES").as_deref() == Ok("1");
    let Some(images) = std::env::var_os("LAYERWATCH_IMAGES") else {
        assert!(
            !required,
            "LAYERWATCH_IMAGES is not set but LAYERWATCH_REQUIRE_IMAGES=1"
        );
        eprintln!("skipped: LAYERWATCH_IMAGES not set (run infra/build-binary-images.sh)");
        return None;
    };
    let dir = PathBuf::from(images).join("binaries");
    if !dir.join("image.json").is_file() {
        assert!(
            !required,
            "{} is missing: run infra/build-binary-images.sh",
            dir.display()
        );
        eprintln!("skipped: {} not built", dir.display());
        return None;
    }
    Some(vec![dir.join("layer1"), dir.join("layer2")])
}

fn files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("read dir") {
        let entry = entry.expect("entry");
        let kind = entry.file_type().expect("file type");
        if kind.is_dir() {
            files(&entry.path(), out);
        } else if kind.is_file() {
            out.push(entry.path());
        }
    }
}

fn run(program: &str, args: &[&str]) -> std::process::Output {
    Command::new(program)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("`{program}` is needed by this test (infra/install.sh): {e}"))
}

/// What `go version -m` says, with the rules the reader documents: replacements win unless
/// they are directories, a `(devel)` main module is left out, the toolchain is `stdlib`.
fn go_oracle(file: &Path) -> Option<Pairs> {
    let out = run("go", &["version", "-m", file.to_str().expect("utf8 path")]);
    let text = String::from_utf8(out.stdout).expect("utf8");
    let mut lines = text.lines();
    let first = lines.next()?;
    let toolchain = first.rsplit(": ").next().expect("version");
    let mut modules: Vec<(String, String)> = Vec::new();
    for line in lines {
        let f: Vec<&str> = line.trim_start_matches('\t').split('\t').collect();
        match f.as_slice() {
            ["mod" | "dep", path, version, ..] => {
                modules.push((path.to_string(), version.to_string()));
            }
            ["=>", path, version, ..] if !version.is_empty() => {
                *modules.last_mut().expect("replaced module") =
                    (path.to_string(), version.to_string());
            }
            _ => {}
        }
    }
    let mut pairs: Pairs = modules
        .into_iter()
        .filter(|(_, v)| v != "(devel)")
        .collect();
    pairs.insert(("stdlib".into(), toolchain.trim_start_matches("go").into()));
    Some(pairs)
}

/// The runtime packages of the `.dep-v0` section, read by objcopy and Python.
fn rust_oracle(file: &Path) -> Option<Pairs> {
    let dir = tempfile_dir();
    let dump = dir.join("dep-v0");
    let arg = format!(".dep-v0={}", dump.display());
    let out = run(
        "objcopy",
        &[
            "--dump-section",
            &arg,
            file.to_str().expect("utf8"),
            &dir.join("copy").display().to_string(),
        ],
    );
    // objcopy only warns, and exits 0, when the section does not exist.
    if !out.status.success() || !dump.exists() {
        std::fs::remove_dir_all(&dir).ok();
        return None;
    }
    let script = "import json,sys,zlib\nd=json.loads(zlib.decompress(open(sys.argv[1],'rb').read()))\nfor p in d['packages']:\n  if p.get('kind','runtime')=='runtime': print(p['name']+'\\t'+p['version'])";
    let out = run("python3", &["-c", script, dump.to_str().expect("utf8")]);
    assert!(
        out.status.success(),
        "python: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    std::fs::remove_dir_all(&dir).ok();
    Some(tsv(&String::from_utf8(out.stdout).expect("utf8")))
}

fn tempfile_dir() -> PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "binpkg-oracle-{}-{:?}",
        std::process::id(),
        std::thread::current().id()
    ));
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

fn tsv(text: &str) -> Pairs {
    text.lines()
        .filter_map(|l| l.split_once('\t'))
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect()
}

/// The `group:artifact` and version of every pom.properties in the archive and, one level
/// down, in the archives it holds, read with `unzip`.
fn jar_oracle(file: &Path) -> Pairs {
    let mut pairs = Pairs::new();
    let path = file.to_str().expect("utf8");
    let list = String::from_utf8(run("unzip", &["-Z1", path]).stdout).expect("utf8");
    for member in list.lines() {
        if member.starts_with("META-INF/maven/") && member.ends_with("/pom.properties") {
            let text = String::from_utf8(run("unzip", &["-p", path, member]).stdout).expect("utf8");
            let get = |k: &str| {
                text.lines()
                    .find_map(|l| l.strip_prefix(k)?.strip_prefix('='))
                    .expect("pom.properties key")
                    .trim()
                    .to_string()
            };
            pairs.insert((
                format!("{}:{}", get("groupId"), get("artifactId")),
                get("version"),
            ));
        } else if is_java_archive(member) {
            let dir = tempfile_dir();
            let inner = dir.join("inner.jar");
            std::fs::write(&inner, run("unzip", &["-p", path, member]).stdout).expect("write");
            pairs.extend(jar_oracle(&inner));
            std::fs::remove_dir_all(&dir).ok();
        }
    }
    pairs
}

fn pairs(packages: impl IntoIterator<Item = layerwatch_inventory::Package>) -> Pairs {
    packages.into_iter().map(|p| (p.name, p.version)).collect()
}

#[test]
fn executables_match_go_version_and_objcopy() {
    let Some(layers) = layers() else { return };
    let mut all = Vec::new();
    for layer in &layers {
        files(layer, &mut all);
    }
    let (mut go, mut rust, mut plain) = (0, 0, 0);
    for file in all {
        let mode = std::fs::metadata(&file).expect("stat").permissions().mode();
        let mut f = File::open(&file).expect("open");
        let mut head = [0u8; 4];
        if mode & 0o111 == 0 || f.read_exact(&mut head).is_err() || sniff(&head).is_none() {
            continue;
        }
        let mut scanner = BinaryScanner::new(&ExecLimits::default());
        scanner.feed(&head);
        let mut buf = vec![0u8; 64 << 10];
        loop {
            let n = f.read(&mut buf).expect("read");
            if n == 0 || scanner.is_done() {
                break;
            }
            scanner.feed(&buf[..n]);
        }
        let found = scanner
            .finish()
            .unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        match (found, go_oracle(&file), rust_oracle(&file)) {
            (ExecFindings::Go(info), Some(want), None) => {
                assert_eq!(pairs(info.packages()), want, "{}", file.display());
                go += 1;
            }
            (ExecFindings::Rust(packages), None, Some(want)) => {
                assert_eq!(pairs(packages), want, "{}", file.display());
                rust += 1;
            }
            (ExecFindings::Nothing, None, None) => plain += 1,
            (found, go, rust) => panic!(
                "{}: read {found:?}, go says {go:?}, objcopy says {rust:?}",
                file.display()
            ),
        }
    }
    // skopeo, docker-registry, esbuild, lefthook and its stripped copy; the demo; hello and
    // esbuild without its build info section.
    assert_eq!((go, rust, plain), (5, 1, 2));
}

#[test]
fn java_archives_match_unzip() {
    let Some(layers) = layers() else { return };
    let mut all = Vec::new();
    for layer in &layers {
        files(layer, &mut all);
    }
    let mut archives = 0;
    for file in all.iter().filter(|f| is_java_archive(&f.to_string_lossy())) {
        let bytes = std::fs::read(file).expect("read");
        let report = read_archive(&file.to_string_lossy(), &bytes, &ArchiveLimits::default())
            .unwrap_or_else(|e| panic!("{e}"));
        assert!(report.problems.is_empty(), "{:?}", report.problems);
        let want = jar_oracle(file);
        assert!(!want.is_empty(), "{} has a pom.properties", file.display());
        assert_eq!(
            pairs(report.packages.into_iter().map(|p| p.package)),
            want,
            "{}",
            file.display()
        );
        archives += 1;
    }
    // 10 log4j2 jars, jackson-databind, commons-lang3, and the war.
    assert_eq!(archives, 13);
}
