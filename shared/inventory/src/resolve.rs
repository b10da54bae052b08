//! Resolving an image's operating system from its identity files.
//!
//! `os-release` names the distribution; Alpine's `etc/alpine-release` gives the full release
//! (`3.20.3`) where `VERSION_ID` may be shorter, and Debian's `etc/debian_version` is the fallback
//! for old images without `os-release`.

use crate::item::ItemContent;
use crate::os::{Os, OsRelease};

/// Maps an os-release `ID` to the family name advisories use.
fn family_of(id: &str) -> String {
    match id {
        "amzn" => "amazon",
        "rhel" => "redhat",
        "ol" => "oracle",
        "sles" | "sled" | "opensuse-leap" | "opensuse-tumbleweed" | "opensuse" => "suse",
        "almalinux" => "alma",
        other => other,
    }
    .to_string()
}

/// Works out the OS from the identity files that `lookup` returns for a path in the final image.
pub fn resolve_os<'a>(lookup: &mut dyn FnMut(&str) -> Option<&'a ItemContent>) -> Option<Os> {
    let os_release: Option<OsRelease> = ["etc/os-release", "usr/lib/os-release"]
        .into_iter()
        .find_map(|p| match lookup(p) {
            Some(ItemContent::OsRelease(r)) => Some(r.clone()),
            _ => None,
        });
    let alpine = match lookup("etc/alpine-release") {
        Some(ItemContent::AlpineRelease { version }) => Some(version.clone()),
        _ => None,
    };
    let debian = match lookup("etc/debian_version") {
        Some(ItemContent::DebianVersion { version }) => Some(version.clone()),
        _ => None,
    };

    if let Some(release) = os_release
        && let Some(id) = release.id.as_deref()
    {
        let family = family_of(id);
        let version = match (family.as_str(), &alpine) {
            ("alpine", Some(full)) => Some(full.clone()),
            _ => release.version_id.clone(),
        };
        let version = version.or_else(|| {
            // Debian testing/sid has no VERSION_ID; debian_version says e.g. `trixie/sid`.
            (family == "debian").then(|| debian.clone()).flatten()
        });
        return Some(Os {
            family,
            version: version.unwrap_or_default(),
            codename: release.version_codename.clone(),
        });
    }
    if let Some(version) = alpine {
        return Some(Os {
            family: "alpine".into(),
            version,
            codename: None,
        });
    }
    debian.map(|version| Os {
        family: "debian".into(),
        version,
        codename: None,
    })
}
