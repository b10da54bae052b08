//! Blank-line separated paragraphs of `Name: value` lines, as in dpkg's status file (RFC 822
//! style, with continuation lines) and apk's installed database (`P:name`).
//!
//! Only the first line of a field's value is kept: the fields the parsers need (`Package`,
//! `Version`, `Status`, `P`, `V`, ...) are single-line, and skipping continuation lines
//! (descriptions, conffiles) avoids copying most of a large status file.

use crate::Reason;

/// One paragraph: its fields in file order and the line it starts on (1-based).
#[derive(Debug)]
pub(crate) struct Paragraph<'a> {
    /// Line number of the first field, for error messages.
    pub(crate) line: usize,
    fields: Vec<(&'a str, &'a str)>,
}

impl<'a> Paragraph<'a> {
    /// The first value of the field named exactly `name`.
    pub(crate) fn get(&self, name: &str) -> Option<&'a str> {
        self.fields
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| *v)
    }

    /// The first value of the field named `name`, ignoring ASCII case (deb822 field names are
    /// case-insensitive).
    pub(crate) fn get_ignore_case(&self, name: &str) -> Option<&'a str> {
        self.fields
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| *v)
    }
}

/// Splits `text` into paragraphs. A line that is neither a field, a continuation nor blank
/// makes the whole text malformed, as it does for dpkg and apk.
pub(crate) fn paragraphs(text: &str) -> Result<Vec<Paragraph<'_>>, Reason> {
    let mut out = Vec::new();
    let mut current: Option<Paragraph<'_>> = None;
    for (index, raw) in text.split('\n').enumerate() {
        let line = raw.strip_suffix('\r').unwrap_or(raw);
        if line.trim().is_empty() {
            out.extend(current.take());
            continue;
        }
        if line.starts_with([' ', '\t']) {
            // A continuation line belongs to the previous field; its text is not needed.
            if current.is_none() {
                return Err(format!(
                    "line {}: continuation line outside a paragraph",
                    index + 1
                ));
            }
            continue;
        }
        let Some((name, value)) = line.split_once(':') else {
            return Err(format!("line {}: expected `Name: value`", index + 1));
        };
        if name.is_empty() || name.contains(char::is_whitespace) {
            return Err(format!("line {}: bad field name {name:?}", index + 1));
        }
        let paragraph = current.get_or_insert_with(|| Paragraph {
            line: index + 1,
            fields: Vec::new(),
        });
        paragraph.fields.push((name, value.trim()));
    }
    out.extend(current);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_paragraphs_and_skips_continuations() {
        let text =
            "Package: a\nDescription: x\n more\n .\nVersion: 1\n\n\nPackage: b\r\nversion: 2\n";
        let ps = paragraphs(text).expect("well-formed");
        assert_eq!(ps.len(), 2);
        assert_eq!(ps[0].get("Version"), Some("1"));
        assert_eq!(ps[0].get("Description"), Some("x"));
        assert_eq!(ps[1].line, 8);
        assert_eq!(ps[1].get("Version"), None);
        assert_eq!(ps[1].get_ignore_case("Version"), Some("2"));
    }

    #[test]
    fn rejects_lines_without_colon() {
        assert!(paragraphs("Package: a\ngarbage\n").is_err());
        assert!(paragraphs(" leading continuation\n").is_err());
        assert!(paragraphs("").expect("empty is fine").is_empty());
    }
}
