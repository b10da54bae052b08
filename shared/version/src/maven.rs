//! Maven versions, ordered as Maven 3.8's `ComparableVersion` orders them.
//!
//! A version is split at `.` and `-` and at every change between digits and letters into a
//! tree of items: numbers, qualifiers, and a nested list after each `-` (and after a letter
//! run followed by a digit, which starts a list of its own when it follows a `.`, so
//! `1.0.0.x1 < 1.0.0-x2`). Known qualifiers order `alpha < beta < milestone < rc = cr <
//! snapshot < "" = ga = final = release < sp`, unknown ones after `sp` alphabetically;
//! `a1`, `b1`, `m1` stand for `alpha-1`, `beta-1`, `milestone-1`. Trailing "null" items
//! (`0`, the release qualifier, empty lists) are dropped, so `1.0 == 1 == 1-ga`. Any string
//! but the empty one is a version; comparison is case-insensitive.

use std::cmp::Ordering;
use std::str::FromStr;

use crate::macros::{cmp_digits, version_traits};
use crate::{Scheme, VersionError};

/// One item of the version tree.
#[derive(Debug, Clone)]
enum Item {
    Int(String),
    Str(String),
    List(Vec<Item>),
}

const QUALIFIERS: [&str; 7] = ["alpha", "beta", "milestone", "rc", "snapshot", "", "sp"];
/// The rank of the release qualifier `""` in [`QUALIFIERS`].
const RELEASE: usize = 5;

/// Maven's `comparableQualifier`: the rank as a decimal string, or `7-<name>` for unknown
/// qualifiers, compared as strings.
fn comparable(q: &str) -> String {
    match QUALIFIERS.iter().position(|k| *k == q) {
        Some(i) => i.to_string(),
        None => format!("{}-{q}", QUALIFIERS.len()),
    }
}

fn string_item(value: &str, followed_by_digit: bool) -> Item {
    let value = match (followed_by_digit, value) {
        (true, "a") => "alpha",
        (true, "b") => "beta",
        (true, "m") => "milestone",
        (_, "ga" | "final" | "release") => "",
        (_, "cr") => "rc",
        (_, v) => v,
    };
    Item::Str(value.to_owned())
}

fn int_item(digits: &str) -> Item {
    let t = digits.trim_start_matches('0');
    Item::Int(if t.is_empty() { "0" } else { t }.to_owned())
}

impl Item {
    fn is_null(&self) -> bool {
        match self {
            Item::Int(n) => n == "0",
            Item::Str(s) => comparable(s) == RELEASE.to_string(),
            Item::List(l) => l.is_empty(),
        }
    }

    /// Maven's `Item.compareTo`, where `None` is the missing item past a list's end.
    fn compare(&self, other: Option<&Item>) -> Ordering {
        match (self, other) {
            (Item::Int(n), None) => {
                if n == "0" {
                    Ordering::Equal
                } else {
                    Ordering::Greater
                }
            }
            (Item::Int(a), Some(Item::Int(b))) => cmp_digits(a, b),
            (Item::Int(_), Some(_)) => Ordering::Greater,
            (Item::Str(s), None) => comparable(s).cmp(&RELEASE.to_string()),
            (Item::Str(a), Some(Item::Str(b))) => comparable(a).cmp(&comparable(b)),
            (Item::Str(_), Some(_)) => Ordering::Less,
            (Item::List(l), None) => l
                .iter()
                .map(|i| i.compare(None))
                .find(|o| o.is_ne())
                .unwrap_or(Ordering::Equal),
            (Item::List(_), Some(Item::Int(_))) => Ordering::Less,
            (Item::List(_), Some(Item::Str(_))) => Ordering::Greater,
            (Item::List(a), Some(Item::List(b))) => {
                for i in 0..a.len().max(b.len()) {
                    let o = match (a.get(i), b.get(i)) {
                        (Some(l), r) => l.compare(r),
                        (None, Some(r)) => r.compare(None).reverse(),
                        (None, None) => Ordering::Equal,
                    };
                    if o.is_ne() {
                        return o;
                    }
                }
                Ordering::Equal
            }
        }
    }
}

/// Lists in creation order; `Node::List(i)` refers to list `i`. Maven adds a sub-list to its
/// parent when the sub-list is created and fills it afterwards, so an arena is the natural
/// shape here.
enum Node {
    Item(Item),
    List(usize),
}

fn parse(version: &str) -> Item {
    let v = version.to_lowercase();
    let b = v.as_bytes();
    let mut lists: Vec<Vec<Node>> = vec![Vec::new()];
    let mut cur = 0;
    let new_list = |lists: &mut Vec<Vec<Node>>, cur: &mut usize| {
        lists.push(Vec::new());
        let id = lists.len() - 1;
        lists[*cur].push(Node::List(id));
        *cur = id;
    };
    let item = |digit: bool, s: &str| {
        if digit {
            int_item(s)
        } else {
            string_item(s, false)
        }
    };
    let mut is_digit = false;
    let mut start = 0;
    for (i, &c) in b.iter().enumerate() {
        match c {
            b'.' | b'-' => {
                let it = if i == start {
                    Item::Int("0".into())
                } else {
                    item(is_digit, &v[start..i])
                };
                lists[cur].push(Node::Item(it));
                start = i + 1;
                if c == b'-' {
                    new_list(&mut lists, &mut cur);
                }
            }
            c if c.is_ascii_digit() => {
                if !is_digit && i > start {
                    // `.X1` is treated as `-X1`: a qualifier followed by digits opens a
                    // sub-list of its own unless it starts one (so `1.0.0.x1 < 1.0.0-x2`).
                    if !lists[cur].is_empty() {
                        new_list(&mut lists, &mut cur);
                    }
                    lists[cur].push(Node::Item(string_item(&v[start..i], true)));
                    start = i;
                    new_list(&mut lists, &mut cur);
                }
                is_digit = true;
            }
            _ => {
                if is_digit && i > start {
                    lists[cur].push(Node::Item(int_item(&v[start..i])));
                    start = i;
                    new_list(&mut lists, &mut cur);
                }
                is_digit = false;
            }
        }
    }
    if v.len() > start {
        if !is_digit && !lists[cur].is_empty() {
            new_list(&mut lists, &mut cur);
        }
        lists[cur].push(Node::Item(item(is_digit, &v[start..])));
    }
    // Build the tree bottom-up: later lists are nested in earlier ones, and each list drops
    // its trailing null items (scanning back past non-null sub-lists, as Maven does).
    let mut built: Vec<Option<Vec<Item>>> = (0..lists.len()).map(|_| None).collect();
    for id in (0..lists.len()).rev() {
        let mut items: Vec<Item> = std::mem::take(&mut lists[id])
            .into_iter()
            .map(|n| match n {
                Node::Item(it) => it,
                Node::List(child) => Item::List(built[child].take().unwrap_or_default()),
            })
            .collect();
        let mut i = items.len();
        while i > 0 {
            i -= 1;
            if items[i].is_null() {
                items.remove(i);
            } else if !matches!(items[i], Item::List(_)) {
                break;
            }
        }
        built[id] = Some(items);
    }
    Item::List(built[0].take().unwrap_or_default())
}

/// A parsed Maven version.
#[derive(Clone)]
pub struct MavenVersion {
    raw: String,
    items: Item,
}

version_traits!(MavenVersion);

impl FromStr for MavenVersion {
    type Err = VersionError;

    /// Fails only for an empty string: Maven gives every other string an order.
    fn from_str(raw: &str) -> Result<Self, Self::Err> {
        if raw.trim().is_empty() {
            return Err(VersionError::invalid(
                Scheme::Maven,
                raw,
                "version is empty",
            ));
        }
        Ok(MavenVersion {
            raw: raw.to_owned(),
            items: parse(raw),
        })
    }
}

impl Ord for MavenVersion {
    fn cmp(&self, other: &Self) -> Ordering {
        self.items.compare(Some(&other.items))
    }
}
