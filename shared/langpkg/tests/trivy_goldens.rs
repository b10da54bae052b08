//! Trivy's lockfile goldens as a second oracle for the lockfile readers.
//!
//! Each `fixture-repo/<name>/` input was scanned by Trivy (`--list-all-pkgs` for all but
//! `gomod`) and its report kept as `integration-golden/<name>.json.golden`. Where Trivy lists
//! every package of the file, our list must equal Trivy's; where Trivy prunes with a manifest
//! we do not read (yarn: only what the project's `package.json` reaches; Cargo.lock: without
//! the `[dev-dependencies]` of `Cargo.toml`; go.mod: only vulnerable modules are in the
//! golden), Trivy's list must be contained in ours. `gomod/submod2` is left out: its
//! `go 1.15` file lists only direct requirements and Trivy takes the rest from `go.sum`, which
//! we do not read.

use std::collections::BTreeSet;
use std::path::PathBuf;

use layerwatch_langpkg::{LangKind, classify, normalize_pypi_name, parse};
use serde_json::Value;

fn trivy() -> PathBuf {
    let shared = std::env::var_os("LAYERWATCH_SHARED")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared")));
    let dir = shared.join("data/oracles/trivy");
    assert!(
        dir.is_dir(),
        "shared data folder {} is missing: set LAYERWATCH_SHARED",
        dir.display()
    );
    dir
}

type Pairs = BTreeSet<(String, String)>;

/// Name as compared: PEP 503 for Python (Trivy keeps some names as written).
fn key(python: bool, name: &str, version: &str) -> (String, String) {
    let name = if python {
        normalize_pypi_name(name)
    } else {
        name.to_string()
    };
    (name, version.to_string())
}

/// Our packages of `fixture-repo/<repo>/<file>`, read through `classify` like the layer reader.
fn ours(repo: &str, file: &str) -> (LangKind, Pairs) {
    let path = format!("fixture-repo/{repo}/{file}");
    let kind = classify(&path).unwrap_or_else(|| panic!("{path} is not classified"));
    let bytes = std::fs::read(trivy().join(&path)).expect("fixture readable");
    let packages = parse(kind, &path, &bytes).unwrap_or_else(|e| panic!("{e}"));
    let python = matches!(
        kind,
        LangKind::PoetryLock | LangKind::PipfileLock | LangKind::UvLock | LangKind::PyLock
    );
    let pairs = packages
        .iter()
        .map(|p| key(python, &p.name, &p.version))
        .collect();
    (kind, pairs)
}

/// Trivy's packages (and the vulnerable ones) for `target` in `<golden>.json.golden`.
fn golden(golden: &str, target: &str, python: bool) -> (Pairs, Pairs) {
    let path = trivy().join(format!("integration-golden/{golden}.json.golden"));
    let report: Value =
        serde_json::from_slice(&std::fs::read(&path).expect("golden readable")).expect("json");
    let results = report["Results"].as_array().expect("Results");
    let result = results
        .iter()
        .find(|r| r["Target"] == target)
        .unwrap_or_else(|| panic!("{golden} has no result for {target}"));
    let collect = |field: &str, name: &str, version: &str| -> Pairs {
        result[field]
            .as_array()
            .map(|list| {
                list.iter()
                    .map(|p| {
                        key(
                            python,
                            p[name].as_str().expect("name"),
                            p[version].as_str().expect("version"),
                        )
                    })
                    .collect()
            })
            .unwrap_or_default()
    };
    (
        collect("Packages", "Name", "Version"),
        collect("Vulnerabilities", "PkgName", "InstalledVersion"),
    )
}

#[test]
fn full_lists_equal_trivys() {
    for (repo, file, golden_name, python) in [
        ("npm", "package-lock.json", "npm", false),
        ("pnpm", "pnpm-lock.yaml", "pnpm", false),
        ("poetry", "poetry.lock", "poetry", true),
        ("pipenv", "Pipfile.lock", "pipenv", true),
        ("uv", "uv.lock", "uv", true),
        ("pylock", "pylock.toml", "pylock", true),
    ] {
        let (_, ours) = ours(repo, file);
        let (theirs, vulnerable) = golden(golden_name, file, python);
        assert!(
            !theirs.is_empty(),
            "{golden_name}: golden lists no packages"
        );
        assert_eq!(ours, theirs, "{repo}/{file}");
        assert!(vulnerable.is_subset(&ours), "{repo}/{file}: {vulnerable:?}");
    }
}

#[test]
fn pruned_lists_are_contained_in_ours() {
    let (_, yarn) = ours("yarn", "yarn.lock");
    let (theirs, vulnerable) = golden("yarn", "yarn.lock", false);
    // Trivy adds the project itself from package.json, which is not in yarn.lock.
    let theirs: Pairs = theirs
        .into_iter()
        .filter(|(n, _)| n != "integration")
        .collect();
    assert!(
        !theirs.is_empty() && theirs.is_subset(&yarn),
        "{theirs:?} vs {yarn:?}"
    );
    assert!(vulnerable.is_subset(&yarn));

    let (_, cargo) = ours("cargo", "Cargo.lock");
    let (theirs, _) = golden("cargo.lock", "Cargo.lock", false);
    assert!(
        theirs.len() == 7 && theirs.is_subset(&cargo),
        "{theirs:?} vs {cargo:?}"
    );
    // What Trivy dropped is exactly the dev-dependency `winapi` and its two dependencies.
    let dropped: Vec<_> = cargo.difference(&theirs).map(|(n, _)| n.as_str()).collect();
    assert!(
        dropped.iter().all(|n| n.starts_with("winapi")),
        "{dropped:?}"
    );

    for target in ["go.mod", "submod/go.mod"] {
        let (_, gomod) = ours("gomod", target);
        let (_, vulnerable) = golden("gomod", target, false);
        assert!(
            !vulnerable.is_empty(),
            "{target}: golden has no vulnerable modules"
        );
        assert!(
            vulnerable.is_subset(&gomod),
            "{target}: {vulnerable:?} vs {gomod:?}"
        );
    }
    let (_, root) = ours("gomod", "go.mod");
    // go.mod of the fixture: 3 direct and 15 indirect requirements, no replace.
    assert_eq!(root.len(), 18);
}
