//! Which language metadata files of the final image an OS package owns.
//!
//! The layer reader keeps, per OS database file, the language metadata paths it lists
//! ([`crate::OwnedFiles`]); the merge keeps the lists whose database file survives. Here their
//! paths are placed through the image's symlinks (dpkg lists `/usr/lib/python3/...` while a
//! package may have been found through `lib -> usr/lib`, or the other way round), giving the
//! canonical paths the kept language files have.

use std::collections::HashSet;

use super::View;

/// The canonical paths of every language metadata file an OS package of the image owns.
pub(super) fn paths(view: &mut View<'_>) -> HashSet<String> {
    let lists: Vec<_> = view.owned.values().copied().collect();
    let mut out = HashSet::new();
    for list in lists {
        for path in &list.paths {
            out.insert(view.place(path));
        }
    }
    out
}
