//! Which tar entries are language package metadata, by path alone.
//!
//! Runs on every entry of every layer, so it only slices the path (no allocation) and looks at
//! the file name and its two or three parent directories.

use crate::LangKind;

/// Splits a normalised path into its parent directory and its last component.
fn split(path: &str) -> (&str, &str) {
    path.rsplit_once('/').unwrap_or(("", path))
}

/// True when some component of `dir` is `node_modules`: lockfiles and manifests that packages
/// ship inside `node_modules` describe how they were developed, not what is installed.
fn under_node_modules(dir: &str) -> bool {
    dir.split('/').any(|c| c == "node_modules")
}

/// Which kind of language metadata `path` (normalised: no leading `/` or `./`) is, if any.
pub fn classify(path: &str) -> Option<LangKind> {
    let (dir, name) = split(path);
    let (grand, dir_name) = split(dir);
    match name {
        "METADATA" if dir_name.ends_with(".dist-info") => return Some(LangKind::PythonDistInfo),
        "PKG-INFO" => {
            let egg = dir_name.ends_with(".egg-info")
                || (dir_name == "EGG-INFO" && split(grand).1.ends_with(".egg"));
            return egg.then_some(LangKind::PythonEggInfo);
        }
        "package.json" => return npm_module_dir(dir).then_some(LangKind::NpmPackageJson),
        "package-lock.json" | "npm-shrinkwrap.json" => {
            return (!under_node_modules(dir)).then_some(LangKind::NpmLock);
        }
        "yarn.lock" => return (!under_node_modules(dir)).then_some(LangKind::YarnLock),
        "pnpm-lock.yaml" => return (!under_node_modules(dir)).then_some(LangKind::PnpmLock),
        "installed.json" => {
            return (dir_name == "composer" && split(grand).1 == "vendor")
                .then_some(LangKind::ComposerInstalled);
        }
        // Sources unpacked by cargo (`.cargo/registry/src/...`) carry their own lockfiles,
        // which say how the crate was developed, not what a binary here was built from.
        "Cargo.lock" => return (!dir.contains(".cargo/registry")).then_some(LangKind::CargoLock),
        "poetry.lock" => return Some(LangKind::PoetryLock),
        "Pipfile.lock" => return Some(LangKind::PipfileLock),
        "uv.lock" => return Some(LangKind::UvLock),
        // The module cache (`pkg/mod/...`) and vendored modules hold other modules' go.mod.
        "go.mod" => {
            let foreign = dir.contains("pkg/mod/") || dir.split('/').any(|c| c == "vendor");
            return (!foreign).then_some(LangKind::GoMod);
        }
        _ => {}
    }
    if name.ends_with(".egg-info") {
        return Some(LangKind::PythonEggInfoFile);
    }
    if name.ends_with(".gemspec") && dir_name == "specifications" {
        return Some(LangKind::Gemspec);
    }
    if name.ends_with(".deps.json") && name.len() > ".deps.json".len() {
        return Some(LangKind::DotnetDeps);
    }
    // PEP 751: `pylock.toml` or `pylock.<name>.toml`.
    if name.starts_with("pylock.") && name.ends_with(".toml") {
        return Some(LangKind::PyLock);
    }
    None
}

/// True when `dir` is a package directory right inside `node_modules`: `node_modules/NAME` or
/// `node_modules/@SCOPE/NAME`. Deeper `package.json` files (`lib/esm/package.json` marking a
/// module type, test fixtures) are not packages.
fn npm_module_dir(dir: &str) -> bool {
    let (parent, name) = split(dir);
    if name.is_empty() || name.starts_with('.') {
        return false;
    }
    let (grand, parent_name) = split(parent);
    if parent_name == "node_modules" {
        return !name.starts_with('@');
    }
    parent_name.starts_with('@') && parent_name.len() > 1 && split(grand).1 == "node_modules"
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn python_paths() {
        let site = "usr/lib/python3/dist-packages";
        assert_eq!(
            classify(&format!("{site}/PyYAML-6.0.1.dist-info/METADATA")),
            Some(LangKind::PythonDistInfo)
        );
        assert_eq!(
            classify(&format!("{site}/PyYAML-6.0.1.egg-info/PKG-INFO")),
            Some(LangKind::PythonEggInfo)
        );
        assert_eq!(
            classify(&format!("{site}/foo-1.0-py3.9.egg/EGG-INFO/PKG-INFO")),
            Some(LangKind::PythonEggInfo)
        );
        assert_eq!(
            classify(&format!("{site}/argparse-1.2.egg-info")),
            Some(LangKind::PythonEggInfoFile)
        );
        assert_eq!(classify(&format!("{site}/foo-1.0.dist-info/RECORD")), None);
        assert_eq!(classify("src/PKG-INFO"), None);
        assert_eq!(classify("METADATA"), None);
    }

    #[test]
    fn npm_paths() {
        for yes in [
            "app/node_modules/lodash/package.json",
            "node_modules/@babel/core/package.json",
            "usr/lib/node_modules/npm/node_modules/semver/package.json",
            "app/node_modules/a/node_modules/@s/b/package.json",
        ] {
            assert_eq!(classify(yes), Some(LangKind::NpmPackageJson), "{yes}");
        }
        for no in [
            "app/package.json",
            "app/node_modules/lodash/fp/package.json",
            "app/node_modules/@babel/package.json",
            "app/node_modules/.bin/package.json",
            "app/node_modules/@/x/package.json",
            "node_modules/package.json",
        ] {
            assert_eq!(classify(no), None, "{no}");
        }
        assert_eq!(classify("app/package-lock.json"), Some(LangKind::NpmLock));
        assert_eq!(classify("app/node_modules/x/package-lock.json"), None);
        assert_eq!(classify("app/node_modules/.package-lock.json"), None);
        assert_eq!(classify("yarn.lock"), Some(LangKind::YarnLock));
        assert_eq!(classify("srv/pnpm-lock.yaml"), Some(LangKind::PnpmLock));
    }

    #[test]
    fn other_ecosystems() {
        assert_eq!(
            classify("usr/share/rubygems-integration/all/specifications/rake-13.0.6.gemspec"),
            Some(LangKind::Gemspec)
        );
        assert_eq!(classify("gems/rake-13.0.6/rake.gemspec"), None);
        assert_eq!(
            classify("var/www/vendor/composer/installed.json"),
            Some(LangKind::ComposerInstalled)
        );
        assert_eq!(classify("var/www/composer/installed.json"), None);
        assert_eq!(classify("app/MyApp.deps.json"), Some(LangKind::DotnetDeps));
        assert_eq!(classify("app/.deps.json"), None);
        assert_eq!(classify("src/Cargo.lock"), Some(LangKind::CargoLock));
        assert_eq!(
            classify("root/.cargo/registry/src/index/regex-1.0/Cargo.lock"),
            None
        );
        assert_eq!(classify("app/pylock.toml"), Some(LangKind::PyLock));
        assert_eq!(classify("app/pylock.dev.toml"), Some(LangKind::PyLock));
        assert_eq!(classify("app/go.mod"), Some(LangKind::GoMod));
        assert_eq!(
            classify("root/go/pkg/mod/golang.org/x/text@v0.3.6/go.mod"),
            None
        );
        assert_eq!(classify("app/vendor/golang.org/x/text/go.mod"), None);
        assert_eq!(classify("app/go.sum"), None);
    }
}
