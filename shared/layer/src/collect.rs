//! What is kept of each tar entry, under the caps of [`Limits`].

use std::collections::HashMap;
use std::io::{self, Read};

use layerwatch_inventory::path::{normalize, parent};
use layerwatch_inventory::{
    Compression, Item, ItemContent, LayerInventory, SpecialFile, Symlink, Warning,
};
use layerwatch_oci::Digest;
use layerwatch_pkgdb::{FileKind, KNOWN_DIRS, classify, parse};
use tar::EntryType;

use crate::binaries;
use crate::content::ContentState;
use crate::limits::Limits;

/// The lists that have a cap, each warned about once.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum List {
    Items,
    KeptBytes,
    Symlinks,
    Whiteouts,
    OpaqueDirs,
    Shadows,
    SpecialFiles,
    Warnings,
    RecordedBytes,
}

impl List {
    const COUNT: usize = 9;

    fn describe(self) -> &'static str {
        match self {
            List::Items => "kept files",
            List::KeptBytes => "bytes of kept files",
            List::Symlinks => "symbolic links",
            List::Whiteouts => "whiteouts",
            List::OpaqueDirs => "opaque directories",
            List::Shadows => "shadowing entries",
            List::SpecialFiles => "setuid/setgid files",
            List::Warnings => "warnings",
            List::RecordedBytes => "bytes of recorded paths",
        }
    }
}

/// Builds a [`LayerInventory`] entry by entry.
pub(crate) struct Collector<'a> {
    pub(crate) inv: LayerInventory,
    limits: &'a Limits,
    kept_bytes: u64,
    recorded_bytes: usize,
    /// Normalised path of each kept file -> its index in `inv.items`, for hard links.
    kept: HashMap<String, usize>,
    capped: [bool; List::COUNT],
    warnings: usize,
    /// Budgets of the secret and cache rules.
    content: ContentState,
}

impl<'a> Collector<'a> {
    /// An empty inventory. Its digest is only known at the end (see [`Collector::finish`]).
    pub(crate) fn new(compression: Compression, limits: &'a Limits) -> Self {
        Collector {
            inv: LayerInventory::empty(Digest::sha256_of(b""), compression),
            limits,
            kept_bytes: 0,
            recorded_bytes: 0,
            kept: HashMap::new(),
            capped: [false; List::COUNT],
            warnings: 0,
            content: ContentState::default(),
        }
    }

    /// The inventory of the layer `digest`. Warnings collected so far hold only their reason;
    /// here they get the layer, which an unverified read knows only once the blob is read.
    pub(crate) fn finish(self, digest: Digest) -> LayerInventory {
        let mut inv = self.inv;
        for w in &mut inv.warnings {
            w.message = match &w.path {
                Some(path) => format!("`{path}` in layer {digest}: {}", w.message),
                None => format!("layer {digest}: {}", w.message),
            };
            w.layer = Some(digest.clone());
        }
        inv.digest = digest;
        inv
    }

    /// Records one tar entry whose normalised path is `path`. Errors are those of reading the
    /// entry's header fields or data.
    pub(crate) fn entry<R: Read>(
        &mut self,
        path: &str,
        entry: &mut tar::Entry<'_, R>,
    ) -> io::Result<()> {
        let kind = entry.header().entry_type();
        if kind.is_pax_global_extensions() {
            return Ok(());
        }
        self.inv.entries += 1;
        if path.is_empty() || kind.is_dir() {
            return Ok(());
        }
        if path.len() > self.limits.max_path_bytes {
            self.warn("path-too-long", path, "the path is too long to record");
            return Ok(());
        }
        let name = path.rsplit('/').next().unwrap_or(path);
        if let Some(deleted) = name.strip_prefix(".wh.") {
            self.whiteout(path, deleted);
            return Ok(());
        }
        if KNOWN_DIRS.contains(&path) && self.room(List::Shadows, path.len()) {
            self.inv.shadows.push(path.to_string());
        }
        match kind {
            EntryType::Symlink => self.symlink(path, entry),
            EntryType::Link => {
                self.special(path, entry);
                self.hard_link(path, entry);
            }
            EntryType::Regular | EntryType::Continuous | EntryType::GNUSparse => {
                self.special(path, entry);
                if let Some(file_kind) = classify(path) {
                    self.keep(path, file_kind, entry)?;
                } else if crate::lang::wants(path) {
                    crate::lang::entry(self, path, entry)?;
                } else if !self.content.entry(&mut self.inv, path, entry)? {
                    // Secret candidates and cache files are text and archives, never the
                    // executables and Java archives the binary hook reads.
                    self.binary(path, entry)?;
                }
            }
            _ => {}
        }
        Ok(())
    }

    fn whiteout(&mut self, path: &str, deleted: &str) {
        let dir = parent(path);
        if deleted == ".wh..opq" {
            if self.room(List::OpaqueDirs, dir.len()) {
                self.inv.opaque_dirs.push(dir.to_string());
            }
        } else if deleted.starts_with(".wh.") || matches!(deleted, "" | "." | "..") {
            // Other `.wh..wh.` names are aufs bookkeeping, and `.wh..` would delete a parent.
        } else {
            let target = normalize(&format!("{dir}/{deleted}"));
            if self.room(List::Whiteouts, target.len()) {
                self.inv.whiteouts.push(target);
            }
        }
    }

    fn symlink<R: Read>(&mut self, path: &str, entry: &tar::Entry<'_, R>) {
        let target = match entry.link_name_bytes() {
            Some(t) => String::from_utf8_lossy(&t).into_owned(),
            None => String::new(),
        };
        if target.len() > self.limits.max_path_bytes {
            self.warn(
                "path-too-long",
                path,
                "the link target is too long to record",
            );
        } else if self.room(List::Symlinks, path.len() + target.len()) {
            self.inv.symlinks.push(Symlink {
                path: path.to_string(),
                target,
            });
        }
    }

    fn special<R: Read>(&mut self, path: &str, entry: &tar::Entry<'_, R>) {
        let header = entry.header();
        // uid and gid are parsed only for the rare special file: parsing costs per entry.
        let Ok(mode) = header.mode() else {
            // One unreadable number should not cost the whole layer; say so and go on.
            self.warn("bad-header", path, "the mode field is not a number");
            return;
        };
        if mode & 0o6000 == 0 {
            return;
        }
        let (Ok(uid), Ok(gid)) = (header.uid(), header.gid()) else {
            self.warn("bad-header", path, "the uid or gid field is not a number");
            return;
        };
        if self.room(List::SpecialFiles, path.len()) {
            self.inv.special_files.push(SpecialFile {
                path: path.to_string(),
                mode,
                uid,
                gid,
            });
        }
    }

    fn hard_link<R: Read>(&mut self, path: &str, entry: &tar::Entry<'_, R>) {
        if classify(path).is_none() && !crate::lang::is_kept(path) {
            return;
        }
        let target = entry
            .link_name_bytes()
            .map(|t| normalize(&String::from_utf8_lossy(&t)))
            .unwrap_or_default();
        let content = match self.kept.get(&target) {
            Some(&index) => self.inv.items[index].content.clone(),
            None => {
                let reason = format!("hard link to `{target}`, which this layer did not keep");
                self.warn("hardlink-unresolved", path, &reason);
                ItemContent::Unreadable { reason }
            }
        };
        self.push_item(path, content);
    }

    fn keep<R: Read>(
        &mut self,
        path: &str,
        kind: FileKind,
        entry: &mut tar::Entry<'_, R>,
    ) -> io::Result<()> {
        let what = format!("{kind:?}");
        let Some(buffered) = self.buffer(path, kind.max_size(), &what, entry)? else {
            return Ok(());
        };
        let content = buffered.and_then(|bytes| {
            crate::lang::owned_by_os_db(self, path, kind, &bytes);
            parse(kind, &bytes).map_err(|e| {
                let reason = e.to_string();
                self.warn("malformed-db", path, &reason);
                ItemContent::Unreadable { reason }
            })
        });
        self.push_item(path, content.unwrap_or_else(|unreadable| unreadable));
        Ok(())
    }

    /// Hook: packages embedded in executables and Java archives (see [`crate::binaries`]).
    fn binary<R: Read>(&mut self, path: &str, entry: &mut tar::Entry<'_, R>) -> io::Result<()> {
        // An unreadable mode was already warned about by `special`; such a file is not run.
        let mode = entry.header().mode().unwrap_or(0);
        let (size, limits) = (entry.size(), self.limits);
        let found = binaries::scan(
            path,
            mode,
            size,
            entry,
            &limits.executables,
            &limits.archives,
        )?;
        let Some(found) = found else {
            return Ok(());
        };
        for (code, reason) in found.warnings {
            self.warn(code, path, &reason);
        }
        if let Some(content) = found.content {
            self.push_item(path, content);
        }
        Ok(())
    }

    /// Reads the data of a file worth keeping, within the caps: `None` when the cap on kept
    /// files is reached, `Some(Err(content))` when the file is too large or the layer's budget
    /// is used up (the content says why, a warning is added), else the bytes.
    pub(crate) fn buffer<R: Read>(
        &mut self,
        path: &str,
        max_size: u64,
        what: &str,
        entry: &mut tar::Entry<'_, R>,
    ) -> io::Result<Option<Result<Vec<u8>, ItemContent>>> {
        if self.inv.items.len() >= self.limits.max_items {
            self.cap_reached(List::Items);
            return Ok(None);
        }
        // PAX `size` and sparse maps are already applied by the tar reader.
        let size = entry.size();
        if size > max_size {
            let reason = format!("{size} bytes, over the {max_size} byte limit for a {what} file");
            self.warn("file-too-large", path, &reason);
            return Ok(Some(Err(ItemContent::Unreadable { reason })));
        }
        if self.kept_bytes + size > self.limits.max_kept_bytes {
            self.cap_reached(List::KeptBytes);
            return Ok(Some(Err(ItemContent::Unreadable {
                reason: "the layer's budget for kept bytes is used up".to_string(),
            })));
        }
        let mut bytes = Vec::with_capacity(usize::try_from(size).unwrap_or(0));
        entry.take(size).read_to_end(&mut bytes)?;
        self.kept_bytes += bytes.len() as u64;
        Ok(Some(Ok(bytes)))
    }

    pub(crate) fn push_item(&mut self, path: &str, content: ItemContent) {
        if self.inv.items.len() >= self.limits.max_items {
            self.cap_reached(List::Items);
            return;
        }
        self.kept.insert(path.to_string(), self.inv.items.len());
        self.inv.items.push(Item {
            path: path.to_string(),
            content,
        });
    }

    /// True when `bytes` more bytes of recorded paths fit the layer's budget (and counts them).
    pub(crate) fn record_bytes(&mut self, bytes: usize) -> bool {
        self.room(List::RecordedBytes, bytes)
    }

    /// True when `list` may grow by one entry of `bytes` bytes of paths (and counts them).
    fn room(&mut self, list: List, bytes: usize) -> bool {
        let (len, cap) = match list {
            List::Symlinks => (self.inv.symlinks.len(), self.limits.max_symlinks),
            List::Whiteouts => (self.inv.whiteouts.len(), self.limits.max_whiteouts),
            List::OpaqueDirs => (self.inv.opaque_dirs.len(), self.limits.max_opaque_dirs),
            List::Shadows => (self.inv.shadows.len(), self.limits.max_shadows),
            List::SpecialFiles => (self.inv.special_files.len(), self.limits.max_special_files),
            List::Items | List::KeptBytes | List::Warnings | List::RecordedBytes => (0, 1),
        };
        if len >= cap {
            self.cap_reached(list);
            return false;
        }
        if self.recorded_bytes + bytes > self.limits.max_recorded_bytes {
            self.cap_reached(List::RecordedBytes);
            return false;
        }
        self.recorded_bytes += bytes;
        true
    }

    /// Adds the one warning that says `list` stopped growing.
    fn cap_reached(&mut self, list: List) {
        if std::mem::replace(&mut self.capped[list as usize], true) {
            return;
        }
        let message = format!(
            "the cap on {} was reached; later ones are not recorded",
            list.describe()
        );
        self.inv.warnings.push(Warning::new("cap-reached", message));
    }

    /// Adds a warning about `path`, unless the warnings cap is reached.
    pub(crate) fn warn(&mut self, code: &str, path: &str, reason: &str) {
        if self.warnings >= self.limits.max_warnings {
            self.cap_reached(List::Warnings);
            return;
        }
        self.warnings += 1;
        self.inv
            .warnings
            .push(Warning::new(code, reason).at_path(path));
    }
}
