//! Package manager caches: files a `RUN apt-get update && apt-get install` or `pip install`
//! leaves in the image unless the same step removes them.
//!
//! | manager | files counted |
//! |---|---|
//! | `apt` | `var/lib/apt/lists/*` except `lock` and `partial/*` and `auxfiles/*`; `var/cache/apt/*.bin`; `var/cache/apt/archives/*.deb` |
//! | `apk` | `var/cache/apk/*` (also `etc/apk/cache/*`, the cache's usual link) |
//! | `pip` | `root/.cache/pip/*` |

/// The package manager whose cache holds the regular file at normalised `path`, if any.
pub fn manager(path: &str) -> Option<&'static str> {
    if let Some(rest) = path.strip_prefix("var/lib/apt/lists/") {
        let bookkeeping =
            rest == "lock" || rest.starts_with("partial/") || rest.starts_with("auxfiles/");
        return (!bookkeeping).then_some("apt");
    }
    if let Some(rest) = path.strip_prefix("var/cache/apt/") {
        let cached = (rest.ends_with(".bin") && !rest.contains('/'))
            || (rest.starts_with("archives/") && rest.ends_with(".deb"));
        return cached.then_some("apt");
    }
    if path.starts_with("var/cache/apk/") || path.starts_with("etc/apk/cache/") {
        return Some("apk");
    }
    if path.starts_with("root/.cache/pip/") {
        return Some("pip");
    }
    None
}

#[cfg(test)]
mod tests {
    use super::manager;

    #[test]
    fn cache_files_are_told_from_bookkeeping_files() {
        let cases = [
            (
                "var/lib/apt/lists/deb.debian.org_debian_dists_bookworm_main_binary-amd64_Packages.lz4",
                Some("apt"),
            ),
            ("var/lib/apt/lists/lock", None),
            ("var/lib/apt/lists/partial/x", None),
            ("var/cache/apt/pkgcache.bin", Some("apt")),
            ("var/cache/apt/archives/curl_8.5.0-2_amd64.deb", Some("apt")),
            ("var/cache/apt/archives/lock", None),
            ("var/cache/apk/APKINDEX.4c0b5b2e.tar.gz", Some("apk")),
            ("root/.cache/pip/http-v2/a/b/c", Some("pip")),
            ("root/.cache/other/x", None),
            ("var/lib/dpkg/status", None),
        ];
        for (path, want) in cases {
            assert_eq!(manager(path), want, "{path}");
        }
    }
}
