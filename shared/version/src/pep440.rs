//! Python package versions, ordered and normalised as PEP 440 and `packaging.version`
//! define them.
//!
//! Accepted: an optional `v`, an epoch `N!`, a release `N(.N)*`, a pre-release
//! (`a`/`alpha`, `b`/`beta`, `rc`/`c`/`pre`/`preview`), a post-release (`.postN`, `-N`,
//! `rev`, `r`), a dev release (`.devN`) and a local label `+abc.1`, case-insensitively and
//! with the separators `-`, `_`, `.` where PEP 440 allows them. Anything else (the
//! "legacy" versions older tools accepted) is an error. Numbers compare by value, trailing
//! zeros of the release are ignored (`2022.12.07 == 2022.12.7.0`).

use std::cmp::Ordering;
use std::str::FromStr;

use crate::macros::{cmp_digits, version_traits};
use crate::{Scheme, VersionError};

/// A pre-release label after normalisation; the order of the variants is PEP 440's.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum PreLabel {
    Alpha,
    Beta,
    Rc,
}

impl PreLabel {
    fn as_str(self) -> &'static str {
        match self {
            PreLabel::Alpha => "a",
            PreLabel::Beta => "b",
            PreLabel::Rc => "rc",
        }
    }
}

/// One dot-separated part of a local version label.
#[derive(Debug, Clone, PartialEq, Eq)]
enum LocalPart {
    Number(String),
    Text(String),
}

impl LocalPart {
    /// Numbers sort after text, numbers by value, text bytewise.
    fn cmp(&self, other: &Self) -> Ordering {
        match (self, other) {
            (LocalPart::Number(a), LocalPart::Number(b)) => cmp_digits(a, b),
            (LocalPart::Text(a), LocalPart::Text(b)) => a.cmp(b),
            (LocalPart::Number(_), LocalPart::Text(_)) => Ordering::Greater,
            (LocalPart::Text(_), LocalPart::Number(_)) => Ordering::Less,
        }
    }
}

/// A parsed PEP 440 version. Numbers are kept as digit strings without leading zeros
/// (`"0"` for zero) so no value is too large.
#[derive(Clone)]
pub struct Pep440Version {
    raw: String,
    epoch: String,
    release: Vec<String>,
    pre: Option<(PreLabel, String)>,
    post: Option<String>,
    dev: Option<String>,
    local: Vec<LocalPart>,
}

version_traits!(Pep440Version);

impl Pep440Version {
    /// The normalised form, as `str(packaging.version.Version(s))` prints it.
    pub fn normalized(&self) -> String {
        let mut s = String::new();
        if self.epoch != "0" {
            s.push_str(&self.epoch);
            s.push('!');
        }
        s.push_str(&self.release.join("."));
        if let Some((label, n)) = &self.pre {
            s.push_str(label.as_str());
            s.push_str(n);
        }
        if let Some(n) = &self.post {
            s.push_str(".post");
            s.push_str(n);
        }
        if let Some(n) = &self.dev {
            s.push_str(".dev");
            s.push_str(n);
        }
        if !self.local.is_empty() {
            let parts: Vec<&str> = self
                .local
                .iter()
                .map(|p| match p {
                    LocalPart::Number(n) | LocalPart::Text(n) => n.as_str(),
                })
                .collect();
            s.push('+');
            s.push_str(&parts.join("."));
        }
        s
    }

    /// True for pre-releases and dev releases (`1.0a1`, `1.0.dev0`).
    pub fn is_prerelease(&self) -> bool {
        self.pre.is_some() || self.dev.is_some()
    }

    /// The version without its local label.
    pub fn public(&self) -> Pep440Version {
        let mut v = self.clone();
        v.local.clear();
        v.raw = v.normalized();
        v
    }
}

/// A cursor over the lowercased version string.
struct Cursor<'a> {
    s: &'a str,
    at: usize,
}

impl<'a> Cursor<'a> {
    fn rest(&self) -> &'a str {
        &self.s[self.at..]
    }

    fn eat(&mut self, lit: &str) -> bool {
        let ok = self.rest().starts_with(lit);
        if ok {
            self.at += lit.len();
        }
        ok
    }

    fn eat_sep(&mut self) -> bool {
        self.eat("-") || self.eat("_") || self.eat(".")
    }

    /// A run of digits, normalised (no leading zeros); `None` if there is none.
    fn number(&mut self) -> Option<String> {
        let n = self.rest().bytes().take_while(u8::is_ascii_digit).count();
        if n == 0 {
            return None;
        }
        let digits = &self.rest()[..n];
        self.at += n;
        let trimmed = digits.trim_start_matches('0');
        Some(if trimmed.is_empty() { "0" } else { trimmed }.to_owned())
    }

    /// `[-_.]? label [-_.]? number?` with the first matching label; the cursor is left
    /// untouched when no label matches.
    fn labelled<T: Copy>(&mut self, labels: &[(&str, T)]) -> Option<(T, String)> {
        let start = self.at;
        self.eat_sep();
        let Some(&(lit, value)) = labels.iter().find(|(lit, _)| self.rest().starts_with(lit))
        else {
            self.at = start;
            return None;
        };
        self.at += lit.len();
        // The separator before the number is greedy, as in packaging's regex: when no
        // number follows, it stays consumed (`1.0a-` is `1.0a0`), which never stops a
        // later part from matching since each starts with an optional separator.
        self.eat_sep();
        Some((value, self.number().unwrap_or_else(|| "0".to_owned())))
    }
}

const PRE_LABELS: &[(&str, PreLabel)] = &[
    ("alpha", PreLabel::Alpha),
    ("a", PreLabel::Alpha),
    ("beta", PreLabel::Beta),
    ("b", PreLabel::Beta),
    ("preview", PreLabel::Rc),
    ("pre", PreLabel::Rc),
    ("c", PreLabel::Rc),
    ("rc", PreLabel::Rc),
];
const POST_LABELS: &[(&str, ())] = &[("post", ()), ("rev", ()), ("r", ())];
const DEV_LABELS: &[(&str, ())] = &[("dev", ())];

impl FromStr for Pep440Version {
    type Err = VersionError;

    fn from_str(raw: &str) -> Result<Self, Self::Err> {
        let bad = |reason: &str| VersionError::invalid(Scheme::Pep440, raw, reason);
        let lower = raw.trim().to_ascii_lowercase();
        let mut c = Cursor { s: &lower, at: 0 };
        c.eat("v");
        let mut epoch = "0".to_owned();
        let start = c.at;
        if let Some(n) = c.number() {
            if c.eat("!") {
                epoch = n;
            } else {
                c.at = start;
            }
        }
        let mut release = vec![c.number().ok_or_else(|| bad("no release number"))?];
        while c.rest().starts_with('.') && c.rest()[1..].starts_with(|ch: char| ch.is_ascii_digit())
        {
            c.at += 1;
            release.push(c.number().ok_or_else(|| bad("no release number"))?);
        }
        let pre = c.labelled(PRE_LABELS);
        let post = {
            let start = c.at;
            if c.eat("-")
                && let Some(n) = c.number()
            {
                Some(n)
            } else {
                c.at = start;
                c.labelled(POST_LABELS).map(|((), n)| n)
            }
        };
        let dev = c.labelled(DEV_LABELS).map(|((), n)| n);
        let mut local = Vec::new();
        if c.eat("+") {
            for part in c.rest().split(['-', '_', '.']) {
                if part.is_empty() || !part.bytes().all(|b| b.is_ascii_alphanumeric()) {
                    return Err(bad("malformed local version label"));
                }
                local.push(if part.bytes().all(|b| b.is_ascii_digit()) {
                    let t = part.trim_start_matches('0');
                    LocalPart::Number(if t.is_empty() { "0" } else { t }.to_owned())
                } else {
                    LocalPart::Text(part.to_owned())
                });
            }
            c.at = c.s.len();
        }
        if !c.rest().is_empty() {
            return Err(bad(&format!("unexpected `{}`", c.rest())));
        }
        Ok(Pep440Version {
            raw: raw.to_owned(),
            epoch,
            release,
            pre,
            post,
            dev,
            local,
        })
    }
}

/// Where a version sits relative to its release's pre-releases: a dev release of the
/// release itself (`1.0.dev0`) comes before every pre-release, the final after them.
#[derive(PartialEq, Eq, PartialOrd, Ord)]
enum PreKey<'a> {
    DevOnly,
    Pre(PreLabel, &'a str),
    Final,
}

impl Pep440Version {
    fn pre_key(&self) -> PreKey<'_> {
        match &self.pre {
            Some((l, n)) => PreKey::Pre(*l, n),
            None if self.post.is_none() && self.dev.is_some() => PreKey::DevOnly,
            None => PreKey::Final,
        }
    }
}

fn cmp_release(a: &[String], b: &[String]) -> Ordering {
    let n = a.len().max(b.len());
    (0..n)
        .map(|i| {
            let x = a.get(i).map_or("0", String::as_str);
            let y = b.get(i).map_or("0", String::as_str);
            cmp_digits(x, y)
        })
        .find(|o| o.is_ne())
        .unwrap_or(Ordering::Equal)
}

impl Ord for Pep440Version {
    fn cmp(&self, other: &Self) -> Ordering {
        let num = |a: &str, b: &str| cmp_digits(a, b);
        num(&self.epoch, &other.epoch)
            .then_with(|| cmp_release(&self.release, &other.release))
            .then_with(|| match (self.pre_key(), other.pre_key()) {
                (PreKey::Pre(la, na), PreKey::Pre(lb, nb)) => la.cmp(&lb).then(num(na, nb)),
                (a, b) => a.cmp(&b),
            })
            .then_with(|| match (&self.post, &other.post) {
                (Some(a), Some(b)) => num(a, b),
                (a, b) => a.is_some().cmp(&b.is_some()),
            })
            .then_with(|| match (&self.dev, &other.dev) {
                (Some(a), Some(b)) => num(a, b),
                // No dev part sorts after any dev part.
                (a, b) => b.is_some().cmp(&a.is_some()),
            })
            .then_with(|| {
                let mut a = self.local.iter();
                let mut b = other.local.iter();
                loop {
                    match (a.next(), b.next()) {
                        (None, None) => return Ordering::Equal,
                        (None, Some(_)) => return Ordering::Less,
                        (Some(_), None) => return Ordering::Greater,
                        (Some(x), Some(y)) => match x.cmp(y) {
                            Ordering::Equal => {}
                            o => return o,
                        },
                    }
                }
            })
    }
}
