//! OS identity files: `os-release` (shell-style `KEY=value` lines), `etc/alpine-release` and
//! `etc/debian_version` (a version on the first line).

use layerwatch_inventory::OsRelease;

use crate::Reason;

/// Parses an `os-release` file. Like systemd, lines that are not assignments are ignored, so
/// this never fails; unknown keys are dropped.
pub(crate) fn parse_os_release(bytes: &[u8]) -> OsRelease {
    let text = String::from_utf8_lossy(bytes);
    let mut release = OsRelease::default();
    for line in text.lines() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let Some((key, raw)) = line.split_once('=') else {
            continue;
        };
        let value = unquote(raw.trim());
        let slot = match key.trim() {
            "ID" => &mut release.id,
            "VERSION_ID" => &mut release.version_id,
            "VERSION_CODENAME" => &mut release.version_codename,
            "PRETTY_NAME" => &mut release.pretty_name,
            "ID_LIKE" => {
                release.id_like = value.split_whitespace().map(str::to_string).collect();
                continue;
            }
            _ => continue,
        };
        *slot = Some(value).filter(|v| !v.is_empty());
    }
    release
}

/// Removes shell quoting from an os-release value: `"..."` with backslash escapes for
/// `"`, `\`, `$` and `` ` ``, or `'...'` taken literally. An unclosed quote keeps the rest.
fn unquote(raw: &str) -> String {
    if let Some(rest) = raw.strip_prefix('\'') {
        return rest
            .split_once('\'')
            .map_or(rest, |(inner, _)| inner)
            .to_string();
    }
    let Some(rest) = raw.strip_prefix('"') else {
        return raw.to_string();
    };
    let mut out = String::with_capacity(rest.len());
    let mut chars = rest.chars();
    while let Some(c) = chars.next() {
        match c {
            '"' => break,
            '\\' => match chars.next() {
                Some(next @ ('"' | '\\' | '$' | '`')) => out.push(next),
                Some(other) => {
                    out.push('\\');
                    out.push(other);
                }
                None => out.push('\\'),
            },
            _ => out.push(c),
        }
    }
    out
}

/// The first line of a one-line version file, trimmed; an empty file is malformed.
pub(crate) fn first_line(bytes: &[u8]) -> Result<String, Reason> {
    let text = String::from_utf8_lossy(bytes);
    let line = text.lines().next().unwrap_or("").trim();
    if line.is_empty() {
        return Err("the first line is empty".to_string());
    }
    Ok(line.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoted_values_comments_and_id_like() {
        let text = "# comment\nNAME=\"Ubuntu\"\nID=ubuntu\nID_LIKE=\"rhel centos  fedora\"\n\
                    VERSION_ID='18.04'\nPRETTY_NAME=\"A \\\"quoted\\\" \\\\ name\"\n\
                    VERSION_CODENAME=\nnot an assignment\n";
        let got = parse_os_release(text.as_bytes());
        assert_eq!(got.id.as_deref(), Some("ubuntu"));
        assert_eq!(got.id_like, ["rhel", "centos", "fedora"]);
        assert_eq!(got.version_id.as_deref(), Some("18.04"));
        assert_eq!(got.pretty_name.as_deref(), Some("A \"quoted\" \\ name"));
        assert_eq!(got.version_codename, None);
    }

    #[test]
    fn first_line_trims_and_rejects_empty() {
        assert_eq!(first_line(b" 3.20.3 \nmore\n").as_deref(), Ok("3.20.3"));
        assert_eq!(first_line(b"buster/sid").as_deref(), Ok("buster/sid"));
        assert!(first_line(b"").is_err());
        assert!(first_line(b"\n12.7\n").is_err());
    }
}
