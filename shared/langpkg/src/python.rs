//! Python core metadata: `METADATA`, `PKG-INFO` and single-file `.egg-info`.
//!
//! All three are RFC 822 style headers (`Name: PyYAML`, `Version: 6.0.1`) followed by a blank
//! line and the long description; only the headers are read. Names are normalised as PEP 503
//! says (what the PyPA advisories and purls use); the version is kept as written.

use layerwatch_inventory::{Ecosystem, Package};

use crate::{Reason, package, text};

/// The PEP 503 form of a distribution name: lowercase, each run of `-`, `_` and `.` one `-`.
pub fn normalize_pypi_name(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut in_run = false;
    for c in name.trim().chars() {
        if matches!(c, '-' | '_' | '.') {
            if !in_run {
                out.push('-');
            }
            in_run = true;
        } else {
            out.extend(c.to_lowercase());
            in_run = false;
        }
    }
    out
}

/// Reads the `Name`, `Version` and licence headers of a core metadata file.
pub(crate) fn parse_metadata(bytes: &[u8]) -> Result<Vec<Package>, Reason> {
    let text = text(bytes);
    let mut name = None;
    let mut version = None;
    let mut license = None;
    let mut license_expression = None;
    for line in text.lines() {
        let line = line.strip_suffix('\r').unwrap_or(line);
        if line.is_empty() {
            break; // end of the headers: the description follows
        }
        if line.starts_with([' ', '\t']) {
            continue; // continuation of a multi-line header (License, Description)
        }
        let Some((field, value)) = line.split_once(':') else {
            continue;
        };
        let value = value.trim();
        match field.trim().to_ascii_lowercase().as_str() {
            "name" if name.is_none() => name = Some(value),
            "version" if version.is_none() => version = Some(value),
            "license-expression" => license_expression = Some(value),
            "license" if license.is_none() => license = Some(value),
            _ => {}
        }
    }
    let name = name
        .filter(|n| !n.is_empty())
        .ok_or_else(|| "no Name header".to_string())?;
    let version = version
        .filter(|v| !v.is_empty())
        .ok_or_else(|| format!("package {name:?} has no Version header"))?;
    let mut package = package(Ecosystem::Pypi, normalize_pypi_name(name), version);
    // A free-text licence may be the whole licence file; keep only short identifiers.
    package.license = license_expression
        .or(license)
        .filter(|l| !l.is_empty() && l.len() <= 128 && !l.eq_ignore_ascii_case("UNKNOWN"))
        .map(str::to_string);
    Ok(vec![package])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pep_503() {
        assert_eq!(normalize_pypi_name("PyYAML"), "pyyaml");
        assert_eq!(normalize_pypi_name("zope.interface"), "zope-interface");
        assert_eq!(normalize_pypi_name("Foo__Bar-._baz"), "foo-bar-baz");
    }

    #[test]
    fn headers_only() {
        let meta = "Metadata-Version: 2.1\r\nName: Jinja2\r\nVersion: 2.10\r\n\
                    License: BSD\r\n\r\nName: not-this\r\nVersion: 9\r\n";
        let got = parse_metadata(meta.as_bytes()).expect("valid");
        assert_eq!(got.len(), 1);
        assert_eq!(got[0].name, "jinja2");
        assert_eq!(got[0].version, "2.10");
        assert_eq!(got[0].license.as_deref(), Some("BSD"));
    }

    #[test]
    fn missing_fields_are_errors() {
        assert!(parse_metadata(b"Metadata-Version: 2.1\nVersion: 1\n").is_err());
        assert!(parse_metadata(b"Name: x\n\nVersion: 1\n").is_err());
        assert!(parse_metadata(b"").is_err());
    }
}
