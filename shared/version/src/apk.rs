//! Alpine versions, `digit{.digit}...{letter}{_suffix{number}}...{~hash}{-rN}`, ordered as
//! apk-tools orders them (`apk version -t`).
//!
//! A version is a sequence of tokens of increasing kind. Two versions compare token by token
//! while the kinds agree; where they first disagree, a pre-release suffix (`_alpha`, `_beta`,
//! `_pre`, `_rc`) sorts before anything, and otherwise the version whose token kind comes
//! later in the grammar (or that has ended) sorts first. Strings apk-tools would find
//! invalid (`apk version -c`) are errors.

use std::cmp::Ordering;
use std::str::FromStr;

use crate::macros::{cmp_digits, version_traits};
use crate::{Scheme, VersionError};

/// The kind of a token, in grammar order; the order of the variants matters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Kind {
    InitialDigit,
    Digit,
    Letter,
    Suffix,
    SuffixNumber,
    CommitHash,
    Revision,
    End,
}

/// The known suffixes in their order; `None` marks where "no suffix" would sit, so that
/// everything before it is a pre-release.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Suffix {
    Alpha,
    Beta,
    Pre,
    Rc,
    None,
    Cvs,
    Svn,
    Git,
    Hg,
    P,
}

impl Suffix {
    fn from_name(s: &str) -> Option<Suffix> {
        Some(match s {
            "alpha" => Suffix::Alpha,
            "beta" => Suffix::Beta,
            "pre" => Suffix::Pre,
            "rc" => Suffix::Rc,
            "cvs" => Suffix::Cvs,
            "svn" => Suffix::Svn,
            "git" => Suffix::Git,
            "hg" => Suffix::Hg,
            "p" => Suffix::P,
            _ => return None,
        })
    }
}

#[derive(Debug, Clone)]
struct Token {
    kind: Kind,
    /// The token's text (digits, the letter, the hash).
    text: String,
    suffix: Suffix,
}

/// A parsed Alpine package version.
#[derive(Clone)]
pub struct ApkVersion {
    raw: String,
    tokens: Vec<Token>,
}

version_traits!(ApkVersion);

impl FromStr for ApkVersion {
    type Err = VersionError;

    fn from_str(raw: &str) -> Result<Self, Self::Err> {
        let bad = |reason: String| VersionError::invalid(Scheme::Apk, raw, reason);
        let b = raw.as_bytes();
        let mut tokens = Vec::new();
        let mut i = 0;
        let take = |pred: fn(&u8) -> bool, i: &mut usize| -> String {
            let n = b[*i..].iter().take_while(|c| pred(c)).count();
            let s = raw[*i..*i + n].to_owned();
            *i += n;
            s
        };
        let first = take(u8::is_ascii_digit, &mut i);
        if first.is_empty() {
            return Err(bad("does not start with a digit".into()));
        }
        tokens.push(Token {
            kind: Kind::InitialDigit,
            text: first,
            suffix: Suffix::None,
        });
        let mut last = Kind::InitialDigit;
        while i < b.len() {
            let c = b[i];
            let at = i;
            let (kind, text, suffix) = match c {
                b'a'..=b'z' if last <= Kind::Digit => {
                    i += 1;
                    (Kind::Letter, (c as char).to_string(), Suffix::None)
                }
                b'.' if last <= Kind::Digit => {
                    i += 1;
                    let digits = take(u8::is_ascii_digit, &mut i);
                    if digits.is_empty() {
                        return Err(bad(format!("no digits after `.` at byte {at}")));
                    }
                    (Kind::Digit, digits, Suffix::None)
                }
                b'0'..=b'9' if last == Kind::Suffix => (
                    Kind::SuffixNumber,
                    take(u8::is_ascii_digit, &mut i),
                    Suffix::None,
                ),
                b'_' if last <= Kind::SuffixNumber => {
                    i += 1;
                    let name = take(u8::is_ascii_lowercase, &mut i);
                    let suffix = Suffix::from_name(&name)
                        .ok_or_else(|| bad(format!("unknown suffix `_{name}`")))?;
                    (Kind::Suffix, name, suffix)
                }
                b'~' if last < Kind::CommitHash => {
                    i += 1;
                    let hash = take(u8::is_ascii_hexdigit, &mut i);
                    if hash.is_empty() {
                        return Err(bad(format!("no hex digits after `~` at byte {at}")));
                    }
                    (Kind::CommitHash, hash, Suffix::None)
                }
                b'-' if last < Kind::Revision && b.get(i + 1) == Some(&b'r') => {
                    i += 2;
                    let digits = take(u8::is_ascii_digit, &mut i);
                    if digits.is_empty() {
                        return Err(bad(format!("no digits after `-r` at byte {at}")));
                    }
                    (Kind::Revision, digits, Suffix::None)
                }
                _ => {
                    let ch = raw[at..].chars().next().unwrap_or_default();
                    return Err(bad(format!("unexpected `{ch}` at byte {at}")));
                }
            };
            tokens.push(Token { kind, text, suffix });
            last = kind;
        }
        Ok(ApkVersion {
            raw: raw.to_owned(),
            tokens,
        })
    }
}

/// Compares two tokens of the same kind.
fn token_cmp(a: &Token, b: &Token) -> Ordering {
    match a.kind {
        // A later number with a leading zero compares as a string, as in Gentoo's rules.
        Kind::Digit if a.text.starts_with('0') || b.text.starts_with('0') => a.text.cmp(&b.text),
        Kind::InitialDigit | Kind::Digit | Kind::SuffixNumber | Kind::Revision => {
            cmp_digits(&a.text, &b.text)
        }
        Kind::Suffix => a.suffix.cmp(&b.suffix),
        Kind::Letter | Kind::CommitHash | Kind::End => a.text.cmp(&b.text),
    }
}

impl Ord for ApkVersion {
    fn cmp(&self, other: &Self) -> Ordering {
        let end = Token {
            kind: Kind::End,
            text: String::new(),
            suffix: Suffix::None,
        };
        let mut a = self.tokens.iter().chain(std::iter::repeat(&end));
        let mut b = other.tokens.iter().chain(std::iter::repeat(&end));
        loop {
            let (ta, tb) = (a.next().unwrap_or(&end), b.next().unwrap_or(&end));
            if ta.kind != tb.kind {
                // The first place the shapes differ: a pre-release suffix loses, otherwise
                // the side further along in the grammar (or ended) is the smaller.
                if ta.kind == Kind::Suffix && ta.suffix < Suffix::None {
                    return Ordering::Less;
                }
                if tb.kind == Kind::Suffix && tb.suffix < Suffix::None {
                    return Ordering::Greater;
                }
                return tb.kind.cmp(&ta.kind);
            }
            if ta.kind == Kind::End {
                return Ordering::Equal;
            }
            let ord = token_cmp(ta, tb);
            if ord != Ordering::Equal {
                return ord;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cmp(a: &str, b: &str) -> Ordering {
        a.parse::<ApkVersion>()
            .unwrap()
            .cmp(&b.parse::<ApkVersion>().unwrap())
    }

    // Cases from apk-tools' test/version.data.
    #[test]
    fn apk_tools_examples() {
        assert_eq!(cmp("1.0_alpha", "1.0"), Ordering::Less);
        assert_eq!(cmp("1.0_p1", "1.0"), Ordering::Greater);
        assert_eq!(cmp("1.0-r1", "1.0"), Ordering::Greater);
        assert_eq!(cmp("1.0a", "1.0"), Ordering::Greater);
        assert_eq!(cmp("1.0_rc1", "1.0_beta2"), Ordering::Greater);
        assert_eq!(cmp("2.0.10", "2.0.9"), Ordering::Greater);
    }

    #[test]
    fn rejects_invalid() {
        for bad in [
            "",
            "a1",
            "1.",
            "1_foo",
            "1-r",
            "1-x1",
            "1.0A",
            "1.0-r1-r2",
            "1~",
        ] {
            assert!(bad.parse::<ApkVersion>().is_err(), "{bad:?} accepted");
        }
    }
}
