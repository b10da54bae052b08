//! npm version ranges (`node-semver`'s `Range`), as the Node.js security WG feed writes
//! them in `vulnerable_versions` and `patched_versions`.
//!
//! Supported: `<`, `<=`, `>`, `>=`, `=` comparators, space-separated (AND) sets joined by
//! `||` (OR), `x`/`X`/`*` wildcards and partial versions (`1.2`, `1.x`), caret `^`, tilde
//! `~` (and `~>`), hyphen ranges `1.2 - 2.3`, and node-semver's pre-release rule: a
//! pre-release version only matches a set that has a comparator with a pre-release on the
//! same `major.minor.patch` (`1.2.3-beta` matches `>=1.2.3-alpha` but not `>=1.0.0`).
//! Each form is first rewritten into primitive comparators, the way node-semver does.

use std::cmp::Ordering;
use std::str::FromStr;

mod rewrite;

use crate::semver::{Core, Ident};
use crate::{Scheme, SemverVersion, VersionError};
use rewrite::{comparator, hyphen};

/// A primitive comparison operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Op {
    Lt,
    Le,
    Gt,
    Ge,
    Eq,
}

/// One primitive comparator; `None` is node-semver's `ANY`, which matches every version.
#[derive(Debug, Clone)]
struct Comparator(Option<(Op, Core)>);

impl Comparator {
    fn test(&self, v: &Core) -> bool {
        let Some((op, bound)) = &self.0 else {
            return true;
        };
        let o = v.cmp(bound);
        match op {
            Op::Lt => o == Ordering::Less,
            Op::Le => o != Ordering::Greater,
            Op::Gt => o == Ordering::Greater,
            Op::Ge => o != Ordering::Less,
            Op::Eq => o == Ordering::Equal,
        }
    }
}

/// A parsed npm range: sets of comparators, any of which may match.
#[derive(Debug, Clone)]
pub struct NpmRange {
    sets: Vec<Vec<Comparator>>,
}

impl NpmRange {
    /// Whether `version` satisfies the range, pre-release rule included.
    pub fn contains(&self, version: &SemverVersion) -> bool {
        self.sets.iter().any(|set| test_set(set, &version.core))
    }
}

fn test_set(set: &[Comparator], v: &Core) -> bool {
    if !set.iter().all(|c| c.test(v)) {
        return false;
    }
    if v.pre.is_empty() {
        return true;
    }
    // A pre-release only matches if some comparator names a pre-release of the same tuple.
    set.iter().any(|c| {
        c.0.as_ref().is_some_and(|(_, b)| {
            !b.pre.is_empty() && b.major == v.major && b.minor == v.minor && b.patch == v.patch
        })
    })
}

/// Whether `version` is in the npm `range`.
pub fn npm_range_contains(range: &str, version: &str) -> Result<bool, VersionError> {
    let range: NpmRange = range.parse()?;
    let version: SemverVersion = version.parse()?;
    Ok(range.contains(&version))
}

impl FromStr for NpmRange {
    type Err = VersionError;

    fn from_str(raw: &str) -> Result<Self, Self::Err> {
        let bad = |reason: String| {
            VersionError::invalid(Scheme::Semver, raw, format!("invalid npm range: {reason}"))
        };
        let sets = raw
            .split("||")
            .map(|set| parse_set(set.trim()).map_err(bad))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(NpmRange { sets })
    }
}

/// A partial version from a range: `None` for a missing or wildcard part.
#[derive(Debug, Clone)]
struct Partial {
    major: Option<String>,
    minor: Option<String>,
    patch: Option<String>,
    pre: Vec<Ident>,
}

impl Partial {
    fn core(major: &str, minor: &str, patch: &str, pre: Vec<Ident>) -> Core {
        Core {
            major: major.to_owned(),
            minor: minor.to_owned(),
            patch: patch.to_owned(),
            pre,
            build: String::new(),
        }
    }
}

fn parse_partial(s: &str) -> Result<Partial, String> {
    let s = s.trim_start_matches(|c: char| c == 'v' || c == '=' || c.is_whitespace());
    let full = Core::parse(s, false);
    if let Ok(core) = full {
        return Ok(Partial {
            major: Some(core.major),
            minor: Some(core.minor),
            patch: Some(core.patch),
            pre: core.pre,
        });
    }
    // A partial or wildcard version: at most three parts, each a number or x/X/*; node's
    // grammar allows a pre-release or build only after a third part.
    let (body, tail) = match s.find(['-', '+']) {
        Some(i) => (&s[..i], &s[i..]),
        None => (s, ""),
    };
    let parts: Vec<&str> = body.split('.').collect();
    if parts.len() > 3 || (parts.len() < 3 && !tail.is_empty()) {
        return Err(format!("`{s}` is not a version or partial version"));
    }
    let mut out = [None, None, None];
    for (slot, p) in out.iter_mut().zip(&parts) {
        if matches!(*p, "x" | "X" | "*") {
            continue;
        }
        let ok = !p.is_empty()
            && p.bytes().all(|b| b.is_ascii_digit())
            && (*p == "0" || !p.starts_with('0'));
        if !ok {
            return Err(format!("`{p}` in `{s}` is neither a number nor a wildcard"));
        }
        *slot = Some((*p).to_owned());
    }
    // A wildcard makes everything after it a wildcard as well.
    let [major, minor, patch] = out;
    let minor = major.as_ref().and(minor);
    let patch = minor.as_ref().and(patch);
    if patch.is_some() {
        // Three numbers but Core::parse failed: the pre-release or build is malformed.
        return Err(format!("`{s}` has a malformed pre-release or build"));
    }
    Ok(Partial {
        major,
        minor,
        patch,
        pre: Vec::new(),
    })
}

/// node-semver keeps a fully specified version as written (it only rewrites partial ones),
/// and its final comparator grammar then allows a single `v` before it but not `=`.
fn parse_kept(s: &str) -> Result<Partial, String> {
    let p = parse_partial(s)?;
    let t = s.trim_start();
    let t = t.strip_prefix('v').unwrap_or(t);
    if p.patch.is_some() && t.starts_with(['v', '=']) {
        return Err(format!("`{s}` has a stray `=` or `v`"));
    }
    Ok(p)
}

fn parse_set(set: &str) -> Result<Vec<Comparator>, String> {
    let words: Vec<&str> = set.split_whitespace().collect();
    if words.len() == 3 && words[1] == "-" {
        return hyphen(&parse_kept(words[0])?, &parse_kept(words[2])?);
    }
    // An operator may stand apart from its version (`>= 1.2.3`, `~ 1.2`).
    let mut comparators = Vec::new();
    let mut pending = String::new();
    for w in words {
        pending.push_str(w);
        if matches!(
            pending.as_str(),
            "<" | "<=" | ">" | ">=" | "=" | "~" | "~>" | "^"
        ) {
            continue;
        }
        comparators.extend(comparator(&pending)?);
        pending.clear();
    }
    if !pending.is_empty() {
        return Err(format!("operator `{pending}` has no version"));
    }
    if comparators.is_empty() {
        comparators.push(Comparator(None));
    }
    Ok(comparators)
}
