//! The layer reader's hook for language packages and the OS-owned files among them.
//!
//! For every regular file the OS database classifier did not take, [`entry`] asks
//! [`layerwatch_langpkg::classify`] (a few string comparisons, no allocation); a recognised
//! file is buffered under the same caps as package databases and parsed into an
//! [`ItemContent::Packages`] item. dpkg's `var/lib/dpkg/info/*.list` files, and the `F:`/`R:`
//! lines of apk's installed database, say which files OS packages own; of those, only the
//! paths that are language metadata are kept ([`OwnedFiles`]), which is all the merge needs to
//! tell a Debian `python3-yaml` from a pip-installed PyYAML.

use std::io::{self, Read};

use layerwatch_inventory::path::normalize;
use layerwatch_inventory::{DbKind, ItemContent, OwnedFiles};
use layerwatch_langpkg::{LangKind, classify, parse};
use layerwatch_pkgdb::FileKind;

use crate::collect::Collector;

/// Largest dpkg `.list` read: the biggest packages (kernels, texlive) list some 100k paths.
const MAX_LIST_SIZE: u64 = 16 << 20;

/// The inventory's name for a kind of language metadata file.
fn db_kind(kind: LangKind) -> DbKind {
    match kind {
        LangKind::PythonDistInfo => DbKind::PythonDistInfo,
        LangKind::PythonEggInfo => DbKind::PythonEggInfo,
        LangKind::PythonEggInfoFile => DbKind::PythonEggInfoFile,
        LangKind::NpmPackageJson => DbKind::NpmPackageJson,
        LangKind::NpmLock => DbKind::NpmLock,
        LangKind::YarnLock => DbKind::YarnLock,
        LangKind::PnpmLock => DbKind::PnpmLock,
        LangKind::Gemspec => DbKind::Gemspec,
        LangKind::ComposerInstalled => DbKind::ComposerInstalled,
        LangKind::DotnetDeps => DbKind::DotnetDeps,
        LangKind::CargoLock => DbKind::CargoLock,
        LangKind::PoetryLock => DbKind::PoetryLock,
        LangKind::PipfileLock => DbKind::PipfileLock,
        LangKind::UvLock => DbKind::UvLock,
        LangKind::PyLock => DbKind::PyLock,
        LangKind::GoMod => DbKind::GoMod,
    }
}

/// True when `path` is language metadata that becomes an item (hard links to it are kept too).
pub(crate) fn is_kept(path: &str) -> bool {
    classify(path).is_some()
}

/// True when [`entry`] takes the regular file `path` (other hooks then leave it alone).
pub(crate) fn wants(path: &str) -> bool {
    is_kept(path) || is_dpkg_list(path)
}

/// A dpkg file list: `var/lib/dpkg/info/<package>[:<arch>].list`.
fn is_dpkg_list(path: &str) -> bool {
    path.strip_prefix("var/lib/dpkg/info/")
        .is_some_and(|name| name.ends_with(".list") && !name.contains('/'))
}

/// Records the regular file `path` if it is language metadata or a dpkg file list.
pub(crate) fn entry<R: Read>(
    collector: &mut Collector<'_>,
    path: &str,
    entry: &mut tar::Entry<'_, R>,
) -> io::Result<()> {
    if let Some(kind) = classify(path) {
        let Some(buffered) = collector.buffer(path, kind.max_size(), kind.as_str(), entry)? else {
            return Ok(());
        };
        let content = match buffered {
            Ok(bytes) => match parse(kind, path, &bytes) {
                Ok(packages) => ItemContent::Packages {
                    db: db_kind(kind),
                    packages,
                },
                Err(error) => {
                    let reason = error.to_string();
                    collector.warn("malformed-db", path, &reason);
                    ItemContent::Unreadable { reason }
                }
            },
            Err(unreadable) => unreadable,
        };
        collector.push_item(path, content);
    } else if is_dpkg_list(path) {
        let Some(Ok(bytes)) = collector.buffer(path, MAX_LIST_SIZE, "dpkg file list", entry)?
        else {
            return Ok(());
        };
        let text = String::from_utf8_lossy(&bytes);
        let owned = text
            .lines()
            .filter(|line| is_kept(line.trim_start_matches('/')));
        record(collector, path, owned);
    }
    Ok(())
}

/// Keeps the language metadata files that the OS database `path` of `kind` lists (apk's
/// `F:` directory and `R:` file lines). Called with the bytes the database parser reads.
pub(crate) fn owned_by_os_db(
    collector: &mut Collector<'_>,
    path: &str,
    kind: FileKind,
    bytes: &[u8],
) {
    if kind != FileKind::ApkInstalled {
        return;
    }
    let text = String::from_utf8_lossy(bytes);
    let mut dir = "";
    let mut owned = Vec::new();
    for line in text.lines() {
        if let Some(d) = line.strip_prefix("F:") {
            dir = d;
        } else if let Some(file) = line.strip_prefix("R:") {
            let full = format!("{dir}/{file}");
            if is_kept(&full) {
                owned.push(full);
            }
        }
    }
    record(collector, path, owned.iter().map(String::as_str));
}

/// Adds the owned paths of the database file `source`, if there are any and they fit.
fn record<'a>(collector: &mut Collector<'_>, source: &str, owned: impl Iterator<Item = &'a str>) {
    let paths: Vec<String> = owned.map(normalize).collect();
    if paths.is_empty() {
        return;
    }
    let bytes = source.len() + paths.iter().map(String::len).sum::<usize>();
    if collector.record_bytes(bytes) {
        collector.inv.owned_files.push(OwnedFiles {
            source: source.to_string(),
            paths,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dpkg_lists() {
        assert!(is_dpkg_list("var/lib/dpkg/info/python3-yaml.list"));
        assert!(is_dpkg_list("var/lib/dpkg/info/libc6:amd64.list"));
        assert!(!is_dpkg_list("var/lib/dpkg/info/python3-yaml.md5sums"));
        assert!(!is_dpkg_list("var/lib/dpkg/info/x/y.list"));
    }
}
