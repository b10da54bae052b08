//! Rewriting of npm's range sugar (hyphen ranges, `^`, `~`, wildcards) into primitive
//! comparators, following node-semver's `replaceCaret`, `replaceTilde`, `replaceXRange`
//! and `hyphenReplace`.

use super::{Comparator, Op, Partial, parse_kept, parse_partial};
use crate::semver::{Core, Ident};

/// The `-0` pre-release that makes an exclusive upper bound exclude that version's
/// pre-releases too.
fn zero() -> Vec<Ident> {
    vec![Ident::Numeric("0".into())]
}

/// Adds one to a decimal string.
fn inc(n: &str) -> String {
    let mut digits: Vec<u8> = n.bytes().collect();
    for d in digits.iter_mut().rev() {
        if *d == b'9' {
            *d = b'0';
        } else {
            *d += 1;
            return String::from_utf8(digits).unwrap_or_default();
        }
    }
    format!("1{}", String::from_utf8(digits).unwrap_or_default())
}

fn cmp(op: Op, core: Core) -> Comparator {
    Comparator(Some((op, core)))
}

pub(super) fn hyphen(from: &Partial, to: &Partial) -> Result<Vec<Comparator>, String> {
    let mut out = Vec::new();
    match (&from.major, &from.minor, &from.patch) {
        (None, _, _) => {}
        (Some(m), None, _) => out.push(cmp(Op::Ge, Partial::core(m, "0", "0", Vec::new()))),
        (Some(m), Some(n), None) => out.push(cmp(Op::Ge, Partial::core(m, n, "0", Vec::new()))),
        (Some(m), Some(n), Some(p)) => {
            out.push(cmp(Op::Ge, Partial::core(m, n, p, from.pre.clone())))
        }
    }
    match (&to.major, &to.minor, &to.patch) {
        (None, _, _) => {}
        (Some(m), None, _) => out.push(cmp(Op::Lt, Partial::core(&inc(m), "0", "0", zero()))),
        (Some(m), Some(n), None) => out.push(cmp(Op::Lt, Partial::core(m, &inc(n), "0", zero()))),
        (Some(m), Some(n), Some(p)) => {
            out.push(cmp(Op::Le, Partial::core(m, n, p, to.pre.clone())))
        }
    }
    if out.is_empty() {
        out.push(Comparator(None));
    }
    Ok(out)
}

/// Rewrites one comparator word into primitive comparators.
pub(super) fn comparator(word: &str) -> Result<Vec<Comparator>, String> {
    if let Some(rest) = word.strip_prefix('^') {
        return Ok(caret(&parse_partial(rest)?));
    }
    if let Some(rest) = word.strip_prefix('~') {
        let rest = rest.strip_prefix('>').unwrap_or(rest);
        return Ok(tilde(&parse_partial(rest)?));
    }
    let (op, rest) = [
        ("<=", Op::Le),
        (">=", Op::Ge),
        ("<", Op::Lt),
        (">", Op::Gt),
        ("=", Op::Eq),
    ]
    .iter()
    .find_map(|(lit, op)| word.strip_prefix(lit).map(|r| (Some(*op), r)))
    .unwrap_or((None, word));
    Ok(xrange(op, &parse_kept(rest)?))
}

pub(super) fn caret(p: &Partial) -> Vec<Comparator> {
    let (Some(m), minor, patch) = (&p.major, &p.minor, &p.patch) else {
        return vec![Comparator(None)];
    };
    let lower = |n: &str, q: &str, pre: Vec<Ident>| cmp(Op::Ge, Partial::core(m, n, q, pre));
    match (minor, patch) {
        (None, _) => vec![
            lower("0", "0", Vec::new()),
            cmp(Op::Lt, Partial::core(&inc(m), "0", "0", zero())),
        ],
        (Some(n), None) => {
            let upper = if m == "0" {
                Partial::core(m, &inc(n), "0", zero())
            } else {
                Partial::core(&inc(m), "0", "0", zero())
            };
            vec![lower(n, "0", Vec::new()), cmp(Op::Lt, upper)]
        }
        (Some(n), Some(q)) => {
            let upper = if m != "0" {
                Partial::core(&inc(m), "0", "0", zero())
            } else if n != "0" {
                Partial::core(m, &inc(n), "0", zero())
            } else {
                Partial::core(m, n, &inc(q), zero())
            };
            vec![lower(n, q, p.pre.clone()), cmp(Op::Lt, upper)]
        }
    }
}

pub(super) fn tilde(p: &Partial) -> Vec<Comparator> {
    let (Some(m), minor, patch) = (&p.major, &p.minor, &p.patch) else {
        return vec![Comparator(None)];
    };
    match (minor, patch) {
        (None, _) => vec![
            cmp(Op::Ge, Partial::core(m, "0", "0", Vec::new())),
            cmp(Op::Lt, Partial::core(&inc(m), "0", "0", zero())),
        ],
        (Some(n), patch) => vec![
            cmp(
                Op::Ge,
                Partial::core(m, n, patch.as_deref().unwrap_or("0"), p.pre.clone()),
            ),
            cmp(Op::Lt, Partial::core(m, &inc(n), "0", zero())),
        ],
    }
}

pub(super) fn xrange(op: Option<Op>, p: &Partial) -> Vec<Comparator> {
    let (major, minor, patch) = (&p.major, &p.minor, &p.patch);
    let Some(m) = major else {
        // `<*` and `>*` match nothing; every other wildcard matches everything.
        return match op {
            Some(Op::Lt | Op::Gt) => vec![cmp(Op::Lt, Partial::core("0", "0", "0", zero()))],
            _ => vec![Comparator(None)],
        };
    };
    let (Some(n), Some(q)) = (minor, patch) else {
        let n = minor.as_deref();
        // Bounds of the wildcard's span [start, next).
        let start = Partial::core(m, n.unwrap_or("0"), "0", Vec::new());
        let next = match n {
            None => Partial::core(&inc(m), "0", "0", Vec::new()),
            Some(n) => Partial::core(m, &inc(n), "0", Vec::new()),
        };
        let with_zero = |mut c: Core| {
            c.pre = zero();
            c
        };
        return match op {
            None | Some(Op::Eq) => vec![cmp(Op::Ge, start), cmp(Op::Lt, with_zero(next))],
            Some(Op::Gt) => vec![cmp(Op::Ge, next)],
            Some(Op::Ge) => vec![cmp(Op::Ge, start)],
            Some(Op::Lt) => vec![cmp(Op::Lt, with_zero(start))],
            Some(Op::Le) => vec![cmp(Op::Lt, with_zero(next))],
        };
    };
    vec![cmp(
        op.unwrap_or(Op::Eq),
        Partial::core(m, n, q, p.pre.clone()),
    )]
}
