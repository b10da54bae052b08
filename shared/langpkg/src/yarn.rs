//! `yarn.lock`, classic (v1, its own format) and berry (v2+, YAML).
//!
//! Both list one entry per resolved package: an unindented header naming the requested specs
//! (`"lodash@^4.17.4", lodash@^4.17.11:`), then indented fields. Classic writes
//! `version "4.17.21"`, berry `version: 4.17.21` and `resolution: "lodash@npm:4.17.21"`. Both
//! are read line by line with the same rules, so a berry file needs no YAML parse: berry
//! entries whose resolution is not from the npm registry (the workspace itself, `patch:`,
//! `link:`, `portal:`, `file:`) are left out, as is its `__metadata` entry.

use layerwatch_inventory::{Ecosystem, Package};

use crate::{Reason, package, text};

/// The package name of one spec: `@scope/name@^1` -> `@scope/name`; an alias
/// `alias@npm:real@^1` -> `real`.
fn name_of_spec(spec: &str) -> Option<&str> {
    let spec = spec.trim().trim_matches('"');
    let at = spec.get(1..)?.find('@')? + 1;
    let (name, rest) = (&spec[..at], &spec[at + 1..]);
    if let Some(aliased) = rest.strip_prefix("npm:")
        && aliased.get(1..).is_some_and(|a| a.contains('@'))
    {
        return name_of_spec(aliased);
    }
    (!name.is_empty()).then_some(name)
}

/// One entry while it is read.
#[derive(Default)]
struct Entry<'a> {
    name: Option<&'a str>,
    version: Option<&'a str>,
    resolution: Option<&'a str>,
    line: usize,
}

impl<'a> Entry<'a> {
    fn finish(self, out: &mut Vec<Package>) -> Result<(), Reason> {
        let Some(mut name) = self.name else {
            return Ok(());
        };
        if let Some(resolution) = self.resolution {
            // berry: the resolution names the real package and where it came from.
            let Some(at) = resolution.get(1..).and_then(|r| r.find('@')).map(|i| i + 1) else {
                return Err(format!(
                    "entry at line {}: resolution {resolution:?}",
                    self.line
                ));
            };
            if !resolution[at + 1..].starts_with("npm:") {
                return Ok(());
            }
            name = &resolution[..at];
        }
        let version = self
            .version
            .filter(|v| !v.is_empty())
            .ok_or_else(|| format!("entry {name:?} at line {} has no version", self.line))?;
        out.push(package(Ecosystem::Npm, name, version));
        Ok(())
    }
}

/// Reads a `yarn.lock` of either generation.
pub(crate) fn parse(bytes: &[u8]) -> Result<Vec<Package>, Reason> {
    let text = text(bytes);
    let mut out = Vec::new();
    let mut current: Option<Entry<'_>> = None;
    for (index, line) in text.lines().enumerate() {
        let line = line.strip_suffix('\r').unwrap_or(line);
        if line.trim().is_empty() || line.trim_start().starts_with('#') {
            continue;
        }
        if !line.starts_with(' ') {
            if let Some(entry) = current.take() {
                entry.finish(&mut out)?;
            }
            let header = line
                .strip_suffix(':')
                .ok_or_else(|| format!("line {}: expected `SPECS:`", index + 1))?;
            let first = header.split(',').next().unwrap_or(header);
            if first.trim().trim_matches('"') == "__metadata" {
                continue;
            }
            let name = name_of_spec(first)
                .ok_or_else(|| format!("line {}: no package name in {first:?}", index + 1))?;
            current = Some(Entry {
                name: Some(name),
                line: index + 1,
                ..Entry::default()
            });
            continue;
        }
        let Some(entry) = current.as_mut() else {
            continue;
        };
        // Fields of the entry are indented by exactly two spaces; deeper lines are the
        // entry's dependency maps.
        let Some(field) = line.strip_prefix("  ").filter(|f| !f.starts_with(' ')) else {
            continue;
        };
        let (key, value) = match field.split_once(':') {
            Some((k, v)) if !k.contains([' ', '"']) => (k, v),
            _ => field.split_once(' ').unwrap_or((field, "")),
        };
        let value = value.trim().trim_matches('"');
        match key {
            "version" => entry.version = Some(value),
            "resolution" => entry.resolution = Some(value),
            _ => {}
        }
    }
    if let Some(entry) = current.take() {
        entry.finish(&mut out)?;
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(text: &str) -> Vec<(String, String)> {
        parse(text.as_bytes())
            .expect("valid")
            .into_iter()
            .map(|p| (p.name, p.version))
            .collect()
    }

    #[test]
    fn classic() {
        let lock = "# yarn lockfile v1\n\n\n\"@babel/code-frame@^7.0.0\", \"@babel/code-frame@^7.10.4\":\n  \
                    version \"7.12.11\"\n  resolved \"https://x\"\n  dependencies:\n    \
                    \"@babel/highlight\" \"^7.10.4\"\n\nlodash@^4.17.4:\n  version \"4.17.4\"\n\n\
                    alias@npm:real@^1:\n  version \"1.0.0\"\n";
        assert_eq!(
            pairs(lock),
            [
                ("@babel/code-frame".into(), "7.12.11".into()),
                ("lodash".into(), "4.17.4".into()),
                ("real".into(), "1.0.0".into())
            ]
        );
    }

    #[test]
    fn berry() {
        let lock = "__metadata:\n  version: 6\n  cacheKey: 8\n\n\
                    \"app@workspace:.\":\n  version: 0.0.0-use.local\n  resolution: \"app@workspace:.\"\n\n\
                    \"lodash@npm:^4.17.4\":\n  version: 4.17.21\n  resolution: \"lodash@npm:4.17.21\"\n  \
                    dependencies:\n    foo: ^1\n\n\
                    \"resolve@patch:resolve@npm%3A^1.1.7#~builtin<compat/resolve>\":\n  version: 1.22.1\n  \
                    resolution: \"resolve@patch:resolve@npm%3A1.22.1#~builtin<compat/resolve>::version=1.22.1\"\n\n\
                    \"@types/node@npm:*\":\n  version: 18.0.0\n  resolution: \"@types/node@npm:18.0.0\"\n";
        assert_eq!(
            pairs(lock),
            [
                ("lodash".into(), "4.17.21".into()),
                ("@types/node".into(), "18.0.0".into())
            ]
        );
    }

    #[test]
    fn junk_is_an_error_not_a_panic() {
        assert!(parse(b"not a lockfile\n").is_err());
        assert!(parse(b"x@1:\n  resolved \"u\"\n").is_err());
        assert!(parse("\"@\":\n".as_bytes()).is_err());
    }
}
