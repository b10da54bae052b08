//! Go: the `require` and `replace` directives of a `go.mod`.
//!
//! `require` lines (single or in a block) give module paths and versions, including
//! `// indirect` ones (since Go 1.17 the file lists the whole build list). A `replace` with a
//! version swaps the module for the replacement; one pointing at a local directory removes it
//! from what an advisory could name. The main module has no version and is not listed.

use layerwatch_inventory::{Ecosystem, Package};

use crate::{Reason, package, text};

/// A `replace` directive: `old [version] => new [version]`.
struct Replace<'a> {
    old: &'a str,
    old_version: Option<&'a str>,
    new: &'a str,
    new_version: Option<&'a str>,
}

fn strip_comment(line: &str) -> &str {
    line.split_once("//").map_or(line, |(code, _)| code).trim()
}

/// Module paths may be quoted.
fn unquote(word: &str) -> &str {
    word.trim_matches(|c| c == '"' || c == '`')
}

fn replace_of(spec: &str, line: usize) -> Result<Replace<'_>, Reason> {
    let (old, new) = spec
        .split_once("=>")
        .ok_or_else(|| format!("line {line}: replace without `=>`"))?;
    let old: Vec<&str> = old.split_whitespace().map(unquote).collect();
    let new: Vec<&str> = new.split_whitespace().map(unquote).collect();
    match (old.as_slice(), new.as_slice()) {
        ([o, ov @ ..], [n, nv @ ..]) if ov.len() <= 1 && nv.len() <= 1 => Ok(Replace {
            old: o,
            old_version: ov.first().copied(),
            new: n,
            new_version: nv.first().copied(),
        }),
        _ => Err(format!("line {line}: malformed replace {spec:?}")),
    }
}

/// Reads the modules a `go.mod` requires, after its replacements.
pub(crate) fn parse(bytes: &[u8]) -> Result<Vec<Package>, Reason> {
    let text = text(bytes);
    let mut requires: Vec<(&str, &str)> = Vec::new();
    let mut replaces = Vec::new();
    let mut block: Option<&str> = None;
    for (index, raw) in text.lines().enumerate() {
        let line = strip_comment(raw);
        if line.is_empty() {
            continue;
        }
        let (verb, spec) = match block {
            Some(_) if line == ")" => {
                block = None;
                continue;
            }
            Some(verb) => (verb, line),
            None => {
                let (verb, rest) = line.split_once(char::is_whitespace).unwrap_or((line, ""));
                let rest = rest.trim();
                if rest == "(" {
                    block = Some(verb);
                    continue;
                }
                (verb, rest)
            }
        };
        match verb {
            "require" => {
                let words: Vec<&str> = spec.split_whitespace().map(unquote).collect();
                let [path, version] = words[..] else {
                    return Err(format!("line {}: malformed require {spec:?}", index + 1));
                };
                requires.push((path, version));
            }
            "replace" => replaces.push(replace_of(spec, index + 1)?),
            _ => {}
        }
    }
    if block.is_some() {
        return Err("a directive block is not closed".into());
    }
    let mut out = Vec::new();
    for (path, version) in requires {
        let replace = replaces
            .iter()
            .rev()
            .find(|r| r.old == path && r.old_version.is_none_or(|v| v == version));
        match replace {
            Some(Replace {
                new,
                new_version: Some(new_version),
                ..
            }) => out.push(package(Ecosystem::Golang, *new, *new_version)),
            Some(_) => {} // a local directory: nothing a feed could name
            None => out.push(package(Ecosystem::Golang, path, version)),
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requires_and_replaces() {
        let gomod = "module example.com/app\n\ngo 1.21\n\nrequire github.com/a/b v1.0.0\n\
                     require (\n\tgolang.org/x/text v0.3.6 // indirect\n\t\"example.com/local\" v0.0.0\n\
                     \texample.com/old v1.2.0\n)\n\
                     replace example.com/local => ../local\n\
                     replace (\n\texample.com/old v1.2.0 => example.com/new v1.3.0\n)\n";
        let got: Vec<_> = parse(gomod.as_bytes())
            .expect("valid")
            .into_iter()
            .map(|p| (p.name, p.version))
            .collect();
        assert_eq!(
            got,
            [
                ("github.com/a/b".to_string(), "v1.0.0".to_string()),
                ("golang.org/x/text".to_string(), "v0.3.6".to_string()),
                ("example.com/new".to_string(), "v1.3.0".to_string())
            ]
        );
    }

    #[test]
    fn malformed() {
        assert!(parse(b"require (\n a v1\n").is_err());
        assert!(parse(b"require a\n").is_err());
        assert!(parse(b"replace a b\n").is_err());
    }
}
