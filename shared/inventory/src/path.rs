//! Path normalisation for paths inside a layer.
//!
//! Tar entries name files as `./etc/passwd`, `etc/passwd` or `/etc/passwd`; whiteouts and symlink
//! targets use the same forms. Everything is compared in one form: relative to the root, no
//! leading `/` or `./`, no `.` components, `..` resolved and clamped at the root (a layer cannot
//! name anything above its root), no trailing `/`. The root itself is the empty string.

/// Normalises a path found in a layer. `..` never climbs above the root.
pub fn normalize(path: &str) -> String {
    let mut parts: Vec<&str> = Vec::new();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            p => parts.push(p),
        }
    }
    parts.join("/")
}

/// The parent directory of a normalised path (`""` for top-level names and the root).
pub fn parent(path: &str) -> &str {
    path.rsplit_once('/').map(|(p, _)| p).unwrap_or("")
}

/// True when `path` is `dir` or lies below it (both normalised; `""` is the root).
pub fn is_within(path: &str, dir: &str) -> bool {
    dir.is_empty()
        || path == dir
        || (path.len() > dir.len() && path.starts_with(dir) && path.as_bytes()[dir.len()] == b'/')
}

/// Joins a normalised directory and a relative or absolute link target, then normalises.
pub fn resolve_link(link_dir: &str, target: &str) -> String {
    if target.starts_with('/') {
        normalize(target)
    } else {
        normalize(&format!("{link_dir}/{target}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalises_tar_forms() {
        assert_eq!(normalize("./etc/passwd"), "etc/passwd");
        assert_eq!(normalize("/etc//passwd/"), "etc/passwd");
        assert_eq!(normalize("a/./b/../c"), "a/c");
        assert_eq!(normalize("../../etc/shadow"), "etc/shadow");
        assert_eq!(normalize("./"), "");
    }

    #[test]
    fn within_and_parent() {
        assert!(is_within("var/lib/dpkg/status", "var/lib"));
        assert!(!is_within("var/libx", "var/lib"));
        assert!(is_within("anything", ""));
        assert_eq!(parent("var/lib"), "var");
        assert_eq!(parent("var"), "");
    }

    #[test]
    fn resolves_links() {
        assert_eq!(resolve_link("lib", "../usr/lib/apk"), "usr/lib/apk");
        assert_eq!(
            resolve_link("etc", "/usr/lib/os-release"),
            "usr/lib/os-release"
        );
        assert_eq!(resolve_link("etc", "../../../../x"), "x");
    }
}
