//! dpkg: `var/lib/dpkg/status` and distroless `var/lib/dpkg/status.d/*` files.
//!
//! Both hold deb822 paragraphs, one per package. In `status` only installed packages count
//! (`Status: install ok installed` and its hold/trigger variants); a removed package whose
//! configuration files remain (`deinstall ok config-files`) is not installed. Distroless writes
//! one control paragraph per package into `status.d` without a `Status` field: those count as
//! installed.

use layerwatch_inventory::{Ecosystem, Package};

use crate::Reason;
use crate::paragraph::{Paragraph, paragraphs};

/// Parses a status file (`status_d == false`) or one distroless `status.d` file.
pub(crate) fn parse(bytes: &[u8], status_d: bool) -> Result<Vec<Package>, Reason> {
    let text = String::from_utf8_lossy(bytes);
    let mut packages = Vec::new();
    for paragraph in paragraphs(&text)? {
        let Some(name) = paragraph.get_ignore_case("Package") else {
            continue;
        };
        let installed = match paragraph.get_ignore_case("Status") {
            Some(status) => is_installed(status),
            None => status_d,
        };
        if !installed {
            continue;
        }
        packages.push(package(&paragraph, name)?);
    }
    Ok(packages)
}

/// True when a `Status:` value (`want flag current`) says the package's files are on disk.
///
/// dpkg lists `hold` packages as installed (`hi`), and a package whose triggers are pending is
/// unpacked and configured apart from the trigger (`it`, `iW`); a half-configured or merely
/// unpacked package is not counted, nor anything the admin asked to remove.
fn is_installed(status: &str) -> bool {
    let words: Vec<&str> = status.split_whitespace().collect();
    matches!(
        words.as_slice(),
        [
            "install" | "hold",
            _,
            "installed" | "triggers-pending" | "triggers-awaiting"
        ]
    )
}

fn package(paragraph: &Paragraph<'_>, name: &str) -> Result<Package, Reason> {
    let version = paragraph
        .get_ignore_case("Version")
        .filter(|v| !v.is_empty())
        .ok_or_else(|| format!("package {name:?} (line {}) has no Version", paragraph.line))?;
    // `Source: name` or `Source: name (version)`; the version defaults to the binary's.
    let (source_name, source_version) = match paragraph.get_ignore_case("Source") {
        Some(source) if !source.is_empty() => match source.split_once('(') {
            Some((src, rest)) => {
                let src_version = rest
                    .trim_end()
                    .strip_suffix(')')
                    .ok_or_else(|| format!("package {name:?}: bad Source field {source:?}"))?;
                (src.trim(), src_version.trim())
            }
            None => (source, version),
        },
        _ => (name, version),
    };
    Ok(Package {
        ecosystem: Ecosystem::Deb,
        name: name.to_string(),
        version: version.to_string(),
        arch: paragraph
            .get_ignore_case("Architecture")
            .filter(|a| !a.is_empty())
            .map(str::to_string),
        source_name: Some(source_name.to_string()),
        source_version: Some(source_version.to_string()),
        license: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_words() {
        assert!(is_installed("install ok installed"));
        assert!(is_installed("hold ok installed"));
        assert!(is_installed("install ok triggers-pending"));
        assert!(!is_installed("deinstall ok config-files"));
        assert!(!is_installed("install ok half-installed"));
        assert!(!is_installed("purge ok not-installed"));
        assert!(!is_installed("install ok"));
    }

    #[test]
    fn source_with_and_without_version() {
        let text = "Package: libc6\nStatus: install ok installed\nVersion: 2.27-3ubuntu1\n\
                    Source: glibc\n\nPackage: bsdutils\nStatus: install ok installed\n\
                    Version: 1:2.31.1-0.4ubuntu3\nSource: util-linux (2.31.1-0.4ubuntu3)\n\n\
                    Package: adduser\nStatus: install ok installed\nVersion: 3.116\n";
        let got = parse(text.as_bytes(), false).expect("valid");
        let src: Vec<_> = got
            .iter()
            .map(|p| (p.source_name.as_deref(), p.source_version.as_deref()))
            .collect();
        assert_eq!(
            src,
            [
                (Some("glibc"), Some("2.27-3ubuntu1")),
                (Some("util-linux"), Some("2.31.1-0.4ubuntu3")),
                (Some("adduser"), Some("3.116")),
            ]
        );
        assert_eq!(got[1].version, "1:2.31.1-0.4ubuntu3");
    }

    #[test]
    fn missing_status_counts_only_in_status_d() {
        let text = b"Package: base-files\nVersion: 12.4+deb12u5\nArchitecture: amd64\n";
        assert!(parse(text, false).expect("valid").is_empty());
        let got = parse(text, true).expect("valid");
        assert_eq!(got.len(), 1);
        assert_eq!(got[0].arch.as_deref(), Some("amd64"));
    }

    #[test]
    fn installed_without_version_is_malformed() {
        let err = parse(b"Package: x\nStatus: install ok installed\n", false);
        assert!(err.expect_err("no version").contains("\"x\""));
    }
}
