//! Composer (PHP) versions: normalised as Composer's `VersionParser::normalize` does, then
//! ordered as PHP's `version_compare` orders the normalised strings (what
//! `Composer\Semver\Comparator` does).
//!
//! Normalisation: an optional `v`, up to four numbers padded with `.0` (`1.2` is
//! `1.2.0.0`), or a date-like version (`2023.01.15`, `20230115`); then a stability suffix
//! with its number (`-alpha1`, `b2` -> `beta2`, `RC`, `p`/`pl` -> `patch`) and `-dev`.
//! Numeric branches (`1.x-dev`) become `1.9999999.9999999.9999999-dev`. Named branches
//! (`dev-main`) have no order and are an error, as are strings Composer rejects.
//!
//! `version_compare` splits at `.` and between letters and digits, compares numbers by
//! value and words by rank (`dev < alpha = a < beta = b < RC = rc < number < pl = p`,
//! anything else lowest, matched by prefix); when one side has parts left, a number left
//! makes it newer and a word left is ranked against a number.

use std::cmp::Ordering;
use std::str::FromStr;

mod php;

use crate::macros::version_traits;
use crate::{Scheme, VersionError};

/// A parsed Composer version.
#[derive(Clone)]
pub struct ComposerVersion {
    raw: String,
    normalized: String,
    /// The normalised string canonicalised into `version_compare` parts.
    parts: Vec<String>,
}

version_traits!(ComposerVersion);

impl ComposerVersion {
    /// The version as Composer normalises it (`1.2.0.0-beta2`).
    pub fn normalized(&self) -> &str {
        &self.normalized
    }
}

impl FromStr for ComposerVersion {
    type Err = VersionError;

    fn from_str(raw: &str) -> Result<Self, Self::Err> {
        let normalized = normalize(raw).ok_or_else(|| {
            VersionError::invalid(Scheme::Composer, raw, "not a version Composer can order")
        })?;
        let parts = php::canonical_parts(&normalized);
        Ok(ComposerVersion {
            raw: raw.to_owned(),
            normalized,
            parts,
        })
    }
}

/// Splits `s` into its leading ASCII digits and the rest.
fn digits(s: &str) -> (&str, &str) {
    let n = s.bytes().take_while(u8::is_ascii_digit).count();
    s.split_at(n)
}

/// Matches Composer's modifier `[._-]?(?:(stability)((?:[.-]?\d+)*+)?)?([.-]?dev)?` on
/// the whole of `s`; returns the normalised suffix.
fn modifier(s: &str) -> Option<String> {
    const STABILITIES: [(&str, &str); 9] = [
        ("stable", "stable"),
        ("beta", "beta"),
        ("b", "beta"),
        ("rc", "RC"),
        ("alpha", "alpha"),
        ("a", "alpha"),
        ("patch", "patch"),
        ("pl", "patch"),
        ("p", "patch"),
    ];
    let s = s.strip_prefix(['.', '_', '-']).unwrap_or(s);
    let lower = s.to_ascii_lowercase();
    let mut rest = lower.as_str();
    let mut stability = None;
    if let Some((lit, name)) = STABILITIES.iter().find(|(lit, _)| rest.starts_with(lit)) {
        rest = &rest[lit.len()..];
        // The stability's number, `(?:[.-]?\d+)*`, kept without its leading separator.
        let mut number = String::new();
        loop {
            let tail = rest.strip_prefix(['.', '-']).unwrap_or(rest);
            let (d, after) = digits(tail);
            if d.is_empty() {
                break;
            }
            number.push_str(&rest[..rest.len() - tail.len()]);
            number.push_str(d);
            rest = after;
        }
        // Composer returns the bare version when the flag is literally `stable`.
        let exact_stable = s.starts_with("stable");
        stability = Some((
            *name,
            number.trim_start_matches(['.', '-']).to_owned(),
            exact_stable,
        ));
    }
    let dev = match rest {
        "" => false,
        "dev" | ".dev" | "-dev" => true,
        _ => return None,
    };
    let mut out = String::new();
    if let Some((name, number, exact_stable)) = stability {
        if exact_stable {
            return Some(out);
        }
        out = format!("-{name}{number}");
    }
    if dev {
        out.push_str("-dev");
    }
    Some(out)
}

fn normalize(raw: &str) -> Option<String> {
    let mut v = raw.trim();
    // A trailing stability flag (`@dev`) and build metadata (`+abc`) do not take part.
    if let Some((head, flag)) = v.rsplit_once('@')
        && ["stable", "rc", "beta", "alpha", "dev"].contains(&flag.to_ascii_lowercase().as_str())
    {
        v = head;
    }
    // An alias (`1.0.x-dev as 1.0.0`) stands for its first version.
    if let Some((head, _)) = v.split_once(" as ") {
        v = head.trim();
    }
    if v.get(..4).is_some_and(|p| p.eq_ignore_ascii_case("dev-")) {
        return None;
    }
    if let Some((head, _)) = v.split_once('+')
        && !head.is_empty()
    {
        v = head;
    }
    let body = v.strip_prefix(['v', 'V']).unwrap_or(v);
    classical(body)
        .or_else(|| date(body))
        .or_else(|| numeric_branch(v))
}

/// `\d{1,5}(\.\d+){0,3}` plus a modifier.
fn classical(s: &str) -> Option<String> {
    let (major, mut rest) = digits(s);
    if major.is_empty() || major.len() > 5 {
        return None;
    }
    let mut nums = vec![major];
    while nums.len() < 4 {
        let Some(t) = rest.strip_prefix('.') else {
            break;
        };
        let (d, after) = digits(t);
        if d.is_empty() {
            break;
        }
        nums.push(d);
        rest = after;
    }
    let suffix = modifier(rest)?;
    while nums.len() < 4 {
        nums.push("0");
    }
    Some(format!("{}{suffix}", nums.join(".")))
}

/// `\d{4}(?:[.:-]?\d{2}){1,6}(?:[.:-]?\d{1,3})?` plus a modifier; separators become `.`.
fn date(s: &str) -> Option<String> {
    let b = s.as_bytes();
    // Find the longest prefix of the date form whose remainder is a valid modifier.
    let (year, _) = digits(s);
    if year.len() < 4 {
        return None;
    }
    let mut best = None;
    for end in (6..=s.len()).rev() {
        if !s.is_char_boundary(end) {
            continue;
        }
        let head = &s[..end];
        if !head
            .bytes()
            .all(|c| c.is_ascii_digit() || b".:-".contains(&c))
            || !b[end - 1].is_ascii_digit()
        {
            continue;
        }
        if date_shape(head)
            && let Some(suffix) = modifier(&s[end..])
        {
            let dotted: String = head
                .chars()
                .map(|c| if c.is_ascii_digit() { c } else { '.' })
                .collect();
            best = Some(format!("{dotted}{suffix}"));
            break;
        }
    }
    best
}

/// Whether `s` (digits and `.:-`) has the date shape: 4 digits, 1-6 groups of 2, 0-1 of 1-3.
fn date_shape(s: &str) -> bool {
    fn groups(
        s: &str,
        sizes: &[usize],
        count: std::ops::RangeInclusive<usize>,
        then: &dyn Fn(&str) -> bool,
    ) -> bool {
        fn go(
            s: &str,
            sizes: &[usize],
            n: usize,
            count: &std::ops::RangeInclusive<usize>,
            then: &dyn Fn(&str) -> bool,
        ) -> bool {
            if count.contains(&n) && then(s) {
                return true;
            }
            if n >= *count.end() {
                return false;
            }
            let t = s.strip_prefix(['.', ':', '-']).unwrap_or(s);
            let (d, _) = digits(t);
            sizes
                .iter()
                .any(|&k| d.len() >= k && go(&t[k..], sizes, n + 1, count, then))
        }
        go(s, sizes, 0, &count, then)
    }
    let Some(rest) = s
        .get(4..)
        .filter(|_| s[..4].bytes().all(|b| b.is_ascii_digit()))
    else {
        return false;
    };
    groups(rest, &[2], 1..=6, &|r| {
        groups(r, &[1, 2, 3], 0..=1, &|e| e.is_empty())
    })
}

/// `v?N(.N|.x|.*)*{0,3}` followed by `[.-]?dev`.
fn numeric_branch(s: &str) -> Option<String> {
    let lower = s.to_ascii_lowercase();
    let name = lower.strip_suffix("dev")?;
    let name = name.strip_suffix(['.', '-']).unwrap_or(name).trim();
    let name = name.strip_prefix('v').unwrap_or(name);
    let parts: Vec<&str> = name.split('.').collect();
    let (major, tail) = digits(parts.first()?);
    if major.is_empty() || !tail.is_empty() || parts.len() > 4 {
        return None;
    }
    let mut out = Vec::new();
    for p in &parts {
        if *p == "x" || *p == "*" {
            out.push("9999999".to_owned());
        } else if !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()) {
            out.push((*p).to_owned());
        } else {
            return None;
        }
    }
    while out.len() < 4 {
        out.push("9999999".to_owned());
    }
    Some(format!("{}-dev", out.join(".")))
}

impl Ord for ComposerVersion {
    fn cmp(&self, other: &Self) -> Ordering {
        php::version_compare(&self.parts, &other.parts)
    }
}
