//! Package URLs for the packages of a report.
//!
//! OS package purls carry the distribution and the source package (`distro=alpine-3.20.3`,
//! `upstream=openssl`), so that an SBOM written by Layerwatch and scanned again is matched
//! against the same distribution's advisories through the same source package.

use layerwatch_inventory::{Ecosystem, Os, Package};
use packageurl::PackageUrl;

/// The purl namespace of an OS package: the distribution vendor.
fn os_namespace(ecosystem: Ecosystem, os: Option<&Os>) -> String {
    match (ecosystem, os) {
        (_, Some(os)) => os.family.clone(),
        (Ecosystem::Apk, None) => "alpine".into(),
        (Ecosystem::Deb, None) => "debian".into(),
        _ => "unknown".into(),
    }
}

/// Splits `[epoch:]version-release` into the epoch and the rest (rpm purls keep them apart).
fn split_epoch(version: &str) -> (Option<&str>, &str) {
    match version.split_once(':') {
        Some((epoch, rest)) if !epoch.is_empty() && epoch.bytes().all(|b| b.is_ascii_digit()) => {
            (Some(epoch), rest)
        }
        _ => (None, version),
    }
}

/// The package URL of `package` installed on `os`.
pub fn purl_for(package: &Package, os: Option<&Os>) -> String {
    let (namespace, name) = name_parts(package, os);
    let version = if package.ecosystem == Ecosystem::Rpm {
        split_epoch(&package.version).1
    } else {
        package.version.as_str()
    };
    let built = PackageUrl::new(package.ecosystem.as_str(), name.as_str()).map(|mut purl| {
        if let Some(ns) = &namespace {
            purl.with_namespace(ns.as_str()).ok();
        }
        purl.with_version(version).ok();
        if package.ecosystem.is_os() {
            if let Some(arch) = &package.arch {
                purl.add_qualifier("arch", arch.as_str()).ok();
            }
            if package.ecosystem == Ecosystem::Rpm
                && let Some(epoch) = split_epoch(&package.version).0
            {
                purl.add_qualifier("epoch", epoch).ok();
            }
            if let Some(os) = os {
                purl.add_qualifier("distro", format!("{}-{}", os.family, os.version))
                    .ok();
            }
            if let Some(source) = &package.source_name {
                let upstream = match &package.source_version {
                    Some(v) if *v != package.version => format!("{source}@{v}"),
                    _ => source.clone(),
                };
                purl.add_qualifier("upstream", upstream).ok();
            }
        }
        purl.to_string()
    });
    // Building only fails on an empty type or name, which parsers never produce; keep a readable
    // fallback rather than dropping the package.
    built.unwrap_or_else(|_| format!("pkg:{}/{}@{}", package.ecosystem, name, version))
}

/// Namespace and name as the purl type expects them.
fn name_parts(package: &Package, os: Option<&Os>) -> (Option<String>, String) {
    let name = package.name.clone();
    match package.ecosystem {
        Ecosystem::Apk | Ecosystem::Deb | Ecosystem::Rpm => {
            (Some(os_namespace(package.ecosystem, os)), name)
        }
        // `@scope/name`, `group:artifact`, `vendor/name`, `host/path/module`: the part before
        // the last separator is the namespace.
        Ecosystem::Npm | Ecosystem::Composer | Ecosystem::Golang => match name.rsplit_once('/') {
            Some((ns, n)) => (Some(ns.to_string()), n.to_string()),
            None => (None, name),
        },
        Ecosystem::Maven => match name.split_once(':') {
            Some((group, artifact)) => (Some(group.to_string()), artifact.to_string()),
            None => (None, name),
        },
        Ecosystem::Pypi => (None, name.to_lowercase().replace('_', "-")),
        Ecosystem::Cargo | Ecosystem::Gem | Ecosystem::Nuget => (None, name),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pkg(ecosystem: Ecosystem, name: &str, version: &str) -> Package {
        Package {
            ecosystem,
            name: name.into(),
            version: version.into(),
            arch: None,
            source_name: None,
            source_version: None,
            license: None,
        }
    }

    #[test]
    fn apk_purl_names_distro_and_origin() {
        let mut p = pkg(Ecosystem::Apk, "libcrypto1.1", "1.1.1d-r0");
        p.arch = Some("x86_64".into());
        p.source_name = Some("openssl".into());
        p.source_version = Some("1.1.1d-r0".into());
        let os = Os {
            family: "alpine".into(),
            version: "3.10.3".into(),
            codename: None,
        };
        assert_eq!(
            purl_for(&p, Some(&os)),
            "pkg:apk/alpine/libcrypto1.1@1.1.1d-r0?arch=x86_64&distro=alpine-3.10.3&upstream=openssl"
        );
    }

    #[test]
    fn rpm_epoch_is_a_qualifier_and_deb_keeps_it_in_version() {
        let os = Os {
            family: "amazon".into(),
            version: "2023".into(),
            codename: None,
        };
        let p = pkg(Ecosystem::Rpm, "bash", "1:5.2-1");
        assert_eq!(
            purl_for(&p, Some(&os)),
            "pkg:rpm/amazon/bash@5.2-1?distro=amazon-2023&epoch=1"
        );
        let debian = Os {
            family: "debian".into(),
            version: "12".into(),
            codename: None,
        };
        let d = pkg(Ecosystem::Deb, "login", "1:4.13+dfsg1-1");
        assert!(purl_for(&d, Some(&debian)).starts_with("pkg:deb/debian/login@1:4.13%2Bdfsg1-1"));
    }

    #[test]
    fn language_namespaces() {
        assert_eq!(
            purl_for(&pkg(Ecosystem::Npm, "@babel/core", "7.0.0"), None),
            "pkg:npm/%40babel/core@7.0.0"
        );
        assert_eq!(
            purl_for(&pkg(Ecosystem::Pypi, "PyYAML", "5.1"), None),
            "pkg:pypi/pyyaml@5.1"
        );
        assert_eq!(
            purl_for(
                &pkg(Ecosystem::Golang, "github.com/gin-gonic/gin", "v1.9.0"),
                None
            ),
            "pkg:golang/github.com/gin-gonic/gin@v1.9.0"
        );
    }
}
