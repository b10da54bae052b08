//! PHP's `version_compare`, which Composer applies to normalised versions.

use std::cmp::Ordering;

use super::digits;
use crate::macros::cmp_digits;

/// PHP's `php_canonicalize_version` followed by the split at dots: `-`, `_`, `+` and other
/// non-alphanumerics become `.`, and a `.` goes between a digit and a non-digit.
pub(super) fn canonical_parts(v: &str) -> Vec<String> {
    let dig = |x: char| x.is_ascii_digit();
    let ndig = |x: char| !x.is_ascii_digit() && x != '.';
    let mut out = String::new();
    let mut prev: Option<char> = None;
    for c in v.chars() {
        let Some(p) = prev else {
            out.push(c);
            prev = Some(c);
            continue;
        };
        let special = matches!(c, '-' | '_' | '+');
        let boundary = (ndig(p) && dig(c)) || (dig(p) && ndig(c));
        // The order of the tests is PHP's: a boundary character is kept (even a symbol).
        let (dot, keep) = if special {
            (true, false)
        } else if boundary {
            (true, true)
        } else {
            (!c.is_ascii_alphanumeric(), c.is_ascii_alphanumeric())
        };
        if dot && !out.ends_with('.') {
            out.push('.');
        }
        if keep {
            out.push(c);
        }
        prev = Some(c);
    }
    out.split('.').map(str::to_owned).collect()
}

/// PHP's `compare_special_version_forms` rank, by prefix; unknown words rank lowest.
fn rank(form: &str) -> i32 {
    const FORMS: [(&str, i32); 10] = [
        ("dev", 0),
        ("alpha", 1),
        ("a", 1),
        ("beta", 2),
        ("b", 2),
        ("RC", 3),
        ("rc", 3),
        ("#", 4),
        ("pl", 5),
        ("p", 5),
    ];
    FORMS
        .iter()
        .find(|(f, _)| form.starts_with(f))
        .map_or(-1, |(_, r)| *r)
}

fn starts_digit(s: &str) -> bool {
    s.starts_with(|c: char| c.is_ascii_digit())
}

/// PHP's `php_version_compare` over canonical parts.
pub(super) fn version_compare(a: &[String], b: &[String]) -> Ordering {
    for (x, y) in a.iter().zip(b) {
        let o = match (starts_digit(x), starts_digit(y)) {
            (true, true) => cmp_digits(digits(x).0, digits(y).0),
            (false, false) => rank(x).cmp(&rank(y)),
            (true, false) => rank("#").cmp(&rank(y)),
            (false, true) => rank(x).cmp(&rank("#")),
        };
        if o.is_ne() {
            return o;
        }
    }
    let number = ["#".to_owned()];
    match a.len().cmp(&b.len()) {
        Ordering::Equal => Ordering::Equal,
        Ordering::Greater => {
            let rest = &a[b.len()..];
            if starts_digit(&rest[0]) {
                Ordering::Greater
            } else {
                version_compare(rest, &number)
            }
        }
        Ordering::Less => {
            let rest = &b[a.len()..];
            if starts_digit(&rest[0]) {
                Ordering::Less
            } else {
                version_compare(&number, rest)
            }
        }
    }
}
