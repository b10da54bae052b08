//! apk: Alpine's installed database `lib/apk/db/installed`.
//!
//! One paragraph per installed package, one-letter field names: `P` name, `V` version,
//! `A` architecture, `o` origin (the aports source package), `L` licence. Everything in the
//! file is installed; apk keeps no record of removed packages there.

use layerwatch_inventory::{Ecosystem, Package};

use crate::Reason;
use crate::paragraph::paragraphs;

/// Parses the installed database.
pub(crate) fn parse(bytes: &[u8]) -> Result<Vec<Package>, Reason> {
    let text = String::from_utf8_lossy(bytes);
    let mut packages = Vec::new();
    for paragraph in paragraphs(&text)? {
        let Some(name) = paragraph.get("P").filter(|n| !n.is_empty()) else {
            continue;
        };
        let version = paragraph
            .get("V")
            .filter(|v| !v.is_empty())
            .ok_or_else(|| format!("package {name:?} (line {}) has no V:", paragraph.line))?;
        let non_empty = |field| paragraph.get(field).filter(|v| !v.is_empty());
        // Without an origin the package is its own source (apk does the same).
        let origin = non_empty("o").unwrap_or(name);
        packages.push(Package {
            ecosystem: Ecosystem::Apk,
            name: name.to_string(),
            version: version.to_string(),
            arch: non_empty("A").map(str::to_string),
            source_name: Some(origin.to_string()),
            source_version: Some(version.to_string()),
            license: non_empty("L").map(str::to_string),
        });
    }
    Ok(packages)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_and_default_origin() {
        let text = "C:Q1abc=\nP:libcrypto3\nV:3.3.2-r0\nA:x86_64\nL:Apache-2.0\no:openssl\n\
                    F:lib\nR:libcrypto.so.3\na:0:0:755\n\nP:musl\nV:1.2.5-r0\n";
        let got = parse(text.as_bytes()).expect("valid");
        assert_eq!(got.len(), 2);
        assert_eq!(got[0].name, "libcrypto3");
        assert_eq!(got[0].source_name.as_deref(), Some("openssl"));
        assert_eq!(got[0].license.as_deref(), Some("Apache-2.0"));
        assert_eq!(got[1].source_name.as_deref(), Some("musl"));
        assert_eq!(got[1].source_version.as_deref(), Some("1.2.5-r0"));
        assert_eq!(got[1].arch, None);
    }

    #[test]
    fn name_without_version_is_malformed() {
        assert!(parse(b"P:musl\nA:x86_64\n").is_err());
    }
}
