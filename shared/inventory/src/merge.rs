//! Merging layer inventories into the inventory of an image.
//!
//! The layers are replayed bottom first, as a container runtime would unpack them, but only for
//! the few paths the inventories kept:
//! 1. a layer's opaque directories and whiteouts hide what earlier layers put there;
//! 2. a non-directory entry at a path (a symlink, a kept file, a recorded shadow) replaces
//!    whatever earlier layers had at or below that path (a directory replaced by a file);
//! 3. paths are placed through the symlinks already in the image, so a database written to
//!    `lib/apk/db/installed` while `lib/apk -> ../usr/lib/apk` lands at `usr/lib/apk/db/installed`.
//!
//! Language packages are kept per metadata file (two copies of one npm module in two
//! `node_modules` folders are two packages), and one whose file an OS package's database lists
//! as its own is marked [`InstalledPackage::os_owned`] (see [`owned`]).
//!
//! Each surviving file keeps its history (the layers that wrote it since it was last deleted), and
//! a package is attributed to the earliest layer of the unbroken run of versions of its database
//! that list the same name and version: the layer that brought it.

use std::collections::{BTreeMap, HashSet};

use layerwatch_oci::Digest;
use serde::{Deserialize, Serialize};

use crate::content::CacheFile;
use crate::item::{Item, ItemContent};
use crate::layer::{LayerInventory, OwnedFiles, SpecialFile};
use crate::os::Os;
use crate::package::Package;
use crate::path::{normalize, parent, resolve_link};
use crate::resolve::resolve_os;
use crate::warning::Warning;

/// A package present in the final image, attributed to the layer that brought it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InstalledPackage {
    /// The package.
    pub package: Package,
    /// Digest of the layer where this name and version first appeared.
    pub layer: Digest,
    /// The database path it was read from, as seen in the final image.
    pub path: String,
    /// For a language package: an OS package owns the file it was read from (a Debian
    /// `python3-yaml` ships `PyYAML-*.egg-info`), so the OS package's advisories cover it.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub os_owned: bool,
}

/// A setuid or setgid file of the final image and the layer that wrote it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LayeredSpecialFile {
    /// The file.
    pub file: SpecialFile,
    /// The layer that wrote it.
    pub layer: Digest,
}

/// A package manager cache file of the final image and the layer that wrote it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LayeredCacheFile {
    /// The file.
    pub file: CacheFile,
    /// The layer that wrote it.
    pub layer: Digest,
}

/// The merged view of an image.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ImageInventory {
    /// Resolved OS, if any identity file survived.
    pub os: Option<Os>,
    /// Packages in the final filesystem, sorted by ecosystem, name, version.
    pub packages: Vec<InstalledPackage>,
    /// setuid/setgid files in the final filesystem, sorted by path.
    pub special_files: Vec<LayeredSpecialFile>,
    /// All layer warnings, plus the merge's own.
    pub warnings: Vec<Warning>,
    /// Package manager cache files still present in the final filesystem, sorted by path.
    #[serde(default)]
    pub caches: Vec<LayeredCacheFile>,
}

/// How many symlinks one path resolution may follow, as Linux allows (`MAXSYMLINKS`).
const MAX_LINK_HOPS: usize = 40;

/// The replayed filesystem: only kept files, symlinks and special files.
#[derive(Default)]
struct View<'a> {
    /// Canonical path -> the layers that wrote it since it was last removed, oldest first.
    files: BTreeMap<String, Vec<(usize, &'a Item)>>,
    /// Canonical path -> link target as stored.
    links: BTreeMap<String, String>,
    /// Canonical path -> special file and its layer.
    specials: BTreeMap<String, (SpecialFile, usize)>,
    /// Canonical path of an OS database file -> the language metadata files it owns.
    owned: BTreeMap<String, &'a OwnedFiles>,
    /// Canonical path -> package manager cache file and its layer.
    caches: BTreeMap<String, (CacheFile, usize)>,
    warnings: Vec<Warning>,
}

impl<'a> View<'a> {
    /// Removes `path` itself (when `including_self`) and everything below it.
    fn remove_tree(&mut self, path: &str, including_self: bool) {
        remove_under(&mut self.files, path, including_self);
        remove_under(&mut self.links, path, including_self);
        remove_under(&mut self.specials, path, including_self);
        remove_under(&mut self.owned, path, including_self);
        remove_under(&mut self.caches, path, including_self);
    }

    /// Resolves every component of `path` through the links, the last one too when `follow_last`.
    fn resolve(&mut self, path: &str, follow_last: bool) -> String {
        let mut pending: Vec<String> = path
            .split('/')
            .filter(|c| !c.is_empty())
            .map(str::to_string)
            .collect();
        pending.reverse();
        let mut done = String::new();
        let mut hops = 0;
        while let Some(component) = pending.pop() {
            let candidate = if done.is_empty() {
                component.clone()
            } else {
                format!("{done}/{component}")
            };
            let is_last = pending.is_empty();
            match self.links.get(&candidate) {
                Some(target) if !is_last || follow_last => {
                    hops += 1;
                    if hops > MAX_LINK_HOPS {
                        self.warnings.push(
                            Warning::new(
                                "symlink-loop",
                                "too many symlinks while resolving a path",
                            )
                            .at_path(path),
                        );
                        return normalize(path);
                    }
                    let resolved = resolve_link(parent(&candidate), target);
                    let mut parts: Vec<String> = resolved
                        .split('/')
                        .filter(|c| !c.is_empty())
                        .map(str::to_string)
                        .collect();
                    parts.reverse();
                    pending.extend(parts);
                    done.clear();
                }
                _ => done = candidate,
            }
        }
        done
    }

    /// Where an entry named `path` in a layer lands: its directory resolved, its name kept.
    fn place(&mut self, path: &str) -> String {
        let dir = self.resolve(parent(path), true);
        let name = path.rsplit('/').next().unwrap_or(path);
        if dir.is_empty() {
            name.to_string()
        } else {
            format!("{dir}/{name}")
        }
    }

    fn apply(&mut self, index: usize, layer: &'a LayerInventory) {
        for dir in &layer.opaque_dirs {
            let dir = self.resolve(dir, true);
            self.remove_tree(&dir, false);
        }
        for gone in &layer.whiteouts {
            let gone = self.place(gone);
            self.remove_tree(&gone, true);
        }
        for shadow in &layer.shadows {
            let shadow = self.place(shadow);
            self.remove_tree(&shadow, true);
        }
        for link in &layer.symlinks {
            let at = self.place(&link.path);
            self.remove_tree(&at, true);
            self.links.insert(at, link.target.clone());
        }
        for item in &layer.items {
            let at = self.place(&item.path);
            self.links.remove(&at);
            // A file replacing a directory hides everything that was below it.
            remove_under(&mut self.files, &at, false);
            // A rewritten database owns what its new version lists (added below), not more.
            self.owned.remove(&at);
            self.files.entry(at).or_default().push((index, item));
        }
        for owned in &layer.owned_files {
            let at = self.place(&owned.source);
            self.owned.insert(at, owned);
        }
        for special in &layer.special_files {
            let at = self.place(&special.path);
            self.specials.insert(at, (special.clone(), index));
        }
        for cache in &layer.caches {
            let at = self.place(&cache.path);
            self.caches.insert(at, (cache.clone(), index));
        }
    }
}

/// Removes the key `path` (when `including_self`) and every key below `path/`. Keys below a
/// directory are one contiguous run of the ordered map (`/` sorts just before `0`), so this
/// costs the entries removed, not the size of the map: layers may carry many whiteouts.
fn remove_under<V>(map: &mut BTreeMap<String, V>, path: &str, including_self: bool) {
    if path.is_empty() {
        map.clear();
        return;
    }
    if including_self {
        map.remove(path);
    }
    let start = format!("{path}/");
    let below: Vec<String> = map
        .range(start.clone()..)
        .take_while(|(k, _)| k.starts_with(&start))
        .map(|(k, _)| k.clone())
        .collect();
    for key in below {
        map.remove(&key);
    }
}

/// Replays `layers` (bottom first) and returns what the final image holds.
pub fn merge_layers(layers: &[LayerInventory]) -> ImageInventory {
    let mut view = View::default();
    for (index, layer) in layers.iter().enumerate() {
        view.apply(index, layer);
    }

    let os = resolve_os(&mut |p| {
        let at = view.resolve(p, true);
        view.files
            .get(&at)
            .and_then(|h| h.last())
            .map(|(_, item)| &item.content)
    });

    let owned_paths = owned::paths(&mut view);
    let mut packages = Vec::new();
    let mut seen = HashSet::new();
    for (path, history) in &view.files {
        let Some((_, current)) = history.last() else {
            continue;
        };
        let ItemContent::Packages {
            packages: listed, ..
        } = &current.content
        else {
            continue;
        };
        for package in listed {
            // The same package may be listed by two databases (e.g. rpm's BDB and sqlite copies).
            // Language packages are instances at a path: the same module twice is two copies.
            let at = (!package.ecosystem.is_os()).then_some(path);
            if !seen.insert((
                package.ecosystem,
                &package.name,
                &package.version,
                &package.arch,
                at,
            )) {
                continue;
            }
            let layer = bringing_layer(history, package);
            packages.push(InstalledPackage {
                package: package.clone(),
                layer: layers[layer].digest.clone(),
                path: path.clone(),
                os_owned: at.is_some_and(|p| owned_paths.contains(p)),
            });
        }
    }
    packages.sort_by(|a, b| a.package.cmp(&b.package));

    let special_files = view
        .specials
        .values()
        .map(|(file, index)| LayeredSpecialFile {
            file: file.clone(),
            layer: layers[*index].digest.clone(),
        })
        .collect();

    let caches = view
        .caches
        .values()
        .map(|(file, index)| LayeredCacheFile {
            file: file.clone(),
            layer: layers[*index].digest.clone(),
        })
        .collect();

    let mut warnings = Vec::new();
    for layer in layers {
        for warning in &layer.warnings {
            let mut warning = warning.clone();
            warning.layer.get_or_insert_with(|| layer.digest.clone());
            warnings.push(warning);
        }
    }
    warnings.append(&mut view.warnings);

    ImageInventory {
        os,
        packages,
        special_files,
        warnings,
        caches,
    }
}

mod owned;
#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_lang;

/// The earliest layer of the unbroken run, ending at the current version of the database, in
/// which every version lists `package` with the same name and version.
fn bringing_layer(history: &[(usize, &Item)], package: &Package) -> usize {
    let lists = |item: &Item| match &item.content {
        ItemContent::Packages { packages, .. } => packages.iter().any(|p| {
            p.ecosystem == package.ecosystem
                && p.name == package.name
                && p.version == package.version
        }),
        _ => false,
    };
    let mut first = history.last().map(|(i, _)| *i).unwrap_or(0);
    for (index, item) in history.iter().rev() {
        if !lists(item) {
            break;
        }
        first = *index;
    }
    first
}
