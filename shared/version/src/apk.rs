//! Alpine versions, `digit{.digit}...{letter}{_suffix{number}}...{-rN}`, ordered as
//! apk-tools 2 (`apk version -t`, the tool of Alpine 3.x) orders them.
//!
//! A version is a sequence of typed tokens. Two versions compare token by token while the
//! token types agree; where they first disagree, a pre-release suffix (`_alpha`, `_beta`,
//! `_pre`, `_rc`) sorts before anything, and otherwise the version whose token type comes
//! later in the grammar (or that has ended) sorts first. A number after a dot that has
//! leading zeros compares below every number without them, more zeros lower (`1.01 < 1.1`,
//! `1.00 < 1.0`), then by the rest of its digits.
//!
//! Strings `apk version -c` rejects are errors. apk-tools also accepts a few degenerate forms
//! whose ordering it leaves to accidents of its parser (no leading digit, a `.` or `-r` with
//! no number after it, a bare `_`); we reject those too rather than guess.

use std::cmp::Ordering;
use std::str::FromStr;

use crate::macros::{cmp_digits, version_traits};
use crate::{Scheme, VersionError};

/// The type of a token, in grammar order; the order of the variants matters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Kind {
    /// A number after a dot, which may have leading zeros.
    DigitOrZero,
    Digit,
    Letter,
    Suffix,
    SuffixNumber,
    Revision,
    End,
}

/// The value of a token, compared only with the value of a token of the same type.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Value {
    /// A run of leading zeros after a dot, less one: more zeros sort lower, all below any
    /// number without leading zeros.
    Zeros(usize),
    /// A run of digits, by value.
    Digits(String),
    /// A letter's code, or a suffix's rank (negative for pre-release suffixes).
    Rank(i32),
}

impl Value {
    fn cmp(&self, other: &Value) -> Ordering {
        match (self, other) {
            (Value::Zeros(a), Value::Zeros(b)) => b.cmp(a),
            (Value::Zeros(_), _) => Ordering::Less,
            (_, Value::Zeros(_)) => Ordering::Greater,
            (Value::Digits(a), Value::Digits(b)) => cmp_digits(a, b),
            (Value::Rank(a), Value::Rank(b)) => a.cmp(b),
            // Tokens of one type always carry the same kind of value.
            (Value::Digits(_), Value::Rank(_)) => Ordering::Greater,
            (Value::Rank(_), Value::Digits(_)) => Ordering::Less,
        }
    }
}

/// Pre-release suffixes rank -4..-1, the others 0.., so "is pre-release" is "is negative".
/// apk matches a suffix by prefix, in this order (`_pre1` is `pre`, `_p1` is `p`).
const PRE_SUFFIXES: [&str; 4] = ["alpha", "beta", "pre", "rc"];
const POST_SUFFIXES: [&str; 5] = ["cvs", "svn", "git", "hg", "p"];

/// A parsed Alpine package version.
#[derive(Clone)]
pub struct ApkVersion {
    raw: String,
    tokens: Vec<(Kind, Value)>,
}

version_traits!(ApkVersion);

impl FromStr for ApkVersion {
    type Err = VersionError;

    fn from_str(raw: &str) -> Result<Self, Self::Err> {
        tokenize(raw).map(|tokens| ApkVersion {
            raw: raw.to_owned(),
            tokens,
        })
    }
}

/// Splits a version into tokens, following apk-tools' tokenizer.
fn tokenize(raw: &str) -> Result<Vec<(Kind, Value)>, VersionError> {
    let bad = |reason: String| VersionError::invalid(Scheme::Apk, raw, reason);
    let b = raw.as_bytes();
    let digits_at = |i: usize| b[i..].iter().take_while(|c| c.is_ascii_digit()).count();
    if !b.first().is_some_and(u8::is_ascii_digit) {
        return Err(bad("does not start with a digit".into()));
    }
    let mut tokens = Vec::new();
    let mut kind = Kind::Digit;
    let mut i = 0;
    loop {
        if i >= b.len() {
            return Err(bad(format!(
                "nothing after the separator at byte {}",
                i - 1
            )));
        }
        // Read the value of a token of type `kind`; `forced` is the next type if fixed.
        let mut forced = None;
        let value = match kind {
            Kind::DigitOrZero if b[i] == b'0' => {
                // All but the last of the leading zeros make this token; the last zero
                // starts the number that follows (so `.0` is zeros(0) then 0).
                let run = b[i..].iter().take_while(|&&c| c == b'0').count();
                i += run - 1;
                forced = Some(Kind::Digit);
                Value::Zeros(run - 1)
            }
            Kind::DigitOrZero | Kind::Digit | Kind::SuffixNumber | Kind::Revision => {
                let n = digits_at(i);
                if n == 0 && kind != Kind::Digit {
                    return Err(bad(format!("expected a number at byte {i}")));
                }
                i += n;
                Value::Digits(raw[i - n..i].to_owned())
            }
            Kind::Letter => {
                i += 1;
                Value::Rank(i32::from(b[i - 1]))
            }
            Kind::Suffix => {
                let rest = &raw[i..];
                let (rank, name) = PRE_SUFFIXES
                    .iter()
                    .zip(-4..)
                    .chain(POST_SUFFIXES.iter().zip(0..))
                    .find(|(name, _)| rest.starts_with(**name))
                    .map(|(name, rank)| (rank, *name))
                    .ok_or_else(|| bad(format!("unknown suffix at byte {i}")))?;
                i += name.len();
                Value::Rank(rank)
            }
            // Never set as the type to read: the loop returns at the end of the string.
            Kind::End => return Ok(tokens),
        };
        tokens.push((kind, value));
        if i >= b.len() {
            return Ok(tokens);
        }
        kind = match forced {
            Some(k) => k,
            None => next_kind(kind, b, &mut i).ok_or_else(|| {
                let ch = raw[i..].chars().next().unwrap_or_default();
                bad(format!("unexpected `{ch}` at byte {i}"))
            })?,
        };
    }
}

/// Decides the type of the next token from the character at `i` and the previous type,
/// consuming separators; `None` if that token may not follow.
fn next_kind(prev: Kind, b: &[u8], i: &mut usize) -> Option<Kind> {
    let c = b[*i];
    let next = if matches!(prev, Kind::Digit | Kind::DigitOrZero) && c.is_ascii_lowercase() {
        Kind::Letter
    } else if prev == Kind::Letter && c.is_ascii_digit() {
        Kind::Digit
    } else if prev == Kind::Suffix && c.is_ascii_digit() {
        Kind::SuffixNumber
    } else {
        let k = match c {
            b'.' => Kind::DigitOrZero,
            b'_' => Kind::Suffix,
            b'-' if b.get(*i + 1) == Some(&b'r') => {
                *i += 1;
                Kind::Revision
            }
            _ => return None,
        };
        *i += 1;
        k
    };
    // Types only move forward, except a new dotted number after digits, a new suffix after
    // a suffix's number, and digits after a letter.
    let allowed_back = matches!(
        (next, prev),
        (Kind::DigitOrZero, Kind::Digit)
            | (Kind::Suffix, Kind::SuffixNumber)
            | (Kind::Digit, Kind::Letter)
    );
    (next >= prev || allowed_back).then_some(next)
}

impl Ord for ApkVersion {
    fn cmp(&self, other: &Self) -> Ordering {
        let end = (Kind::End, Value::Rank(0));
        let mut a = self.tokens.iter();
        let mut b = other.tokens.iter();
        loop {
            let (ka, va) = a.next().unwrap_or(&end);
            let (kb, vb) = b.next().unwrap_or(&end);
            if ka != kb {
                // The first place the shapes differ: a pre-release suffix loses, otherwise
                // the side further along in the grammar (or ended) is the smaller.
                if *ka == Kind::Suffix && matches!(va, Value::Rank(r) if *r < 0) {
                    return Ordering::Less;
                }
                if *kb == Kind::Suffix && matches!(vb, Value::Rank(r) if *r < 0) {
                    return Ordering::Greater;
                }
                return kb.cmp(ka);
            }
            if *ka == Kind::End {
                return Ordering::Equal;
            }
            let ord = va.cmp(vb);
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
            "", "a1", "1_foo", "1-x1", "1.0A", "1~", "1.0-r1.2", "1.", "1_", "1-r", "1ab", "1.a",
        ] {
            assert!(bad.parse::<ApkVersion>().is_err(), "{bad:?} accepted");
        }
    }
}
