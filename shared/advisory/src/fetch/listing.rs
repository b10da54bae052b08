//! Walking HTML directory listings (nginx and Apache autoindex, `python3 -m http.server`):
//! every link to a direct child of the listed folder is a file, or a folder when it ends in
//! `/`. Links elsewhere (parent, sort orders, other hosts) are ignored.

use std::collections::VecDeque;

use url::Url;

use super::download::get_text;
use crate::store::BrokenFile;

/// How deep below the root listings are followed (`pypi/pypa-vulns/<pkg>/` is 3).
const MAX_DEPTH: usize = 8;
/// A bound on files, so a listing that links to itself in odd ways cannot run forever.
const MAX_FILES: usize = 500_000;

/// The files below `root` (a folder URL ending in `/`) that `keep` accepts, as (URL, path
/// below the root), and the sub-listings that failed. `Err` when the root itself cannot be
/// listed.
pub(super) async fn walk(
    client: &reqwest::Client,
    root: &Url,
    keep: fn(&str) -> bool,
) -> Result<(Vec<(Url, String)>, Vec<BrokenFile>), String> {
    let mut files = Vec::new();
    let mut failed = Vec::new();
    let mut queue = VecDeque::from([(root.clone(), String::new(), 0usize)]);
    while let Some((url, rel, depth)) = queue.pop_front() {
        let page = match get_text(client, &url).await {
            Ok(page) => page,
            Err(reason) if rel.is_empty() => return Err(reason),
            Err(reason) => {
                failed.push(BrokenFile {
                    path: rel,
                    error: reason,
                });
                continue;
            }
        };
        let children = children(&url, &page);
        if rel.is_empty() && children.is_empty() {
            return Err("the answer is not a directory listing with links".into());
        }
        for (child, name) in children {
            let child_rel = format!("{rel}{name}");
            if name.ends_with('/') {
                if depth < MAX_DEPTH && keep(&child_rel) {
                    queue.push_back((child, child_rel, depth + 1));
                }
            } else if keep(&child_rel) && files.len() < MAX_FILES {
                files.push((child, child_rel));
            }
        }
    }
    Ok((files, failed))
}

/// The direct children linked from a listing page at `base`: (URL, decoded name with a
/// trailing `/` for folders).
pub(super) fn children(base: &Url, page: &str) -> Vec<(Url, String)> {
    let mut out: Vec<(Url, String)> = Vec::new();
    for href in hrefs(page) {
        let Ok(mut url) = base.join(&href.replace("&amp;", "&")) else {
            continue;
        };
        url.set_fragment(None);
        if url.query().is_some() {
            continue;
        }
        let Some(rest) = url.as_str().strip_prefix(base.as_str()) else {
            continue;
        };
        let is_dir = rest.ends_with('/');
        let bare = rest.trim_end_matches('/');
        if bare.is_empty() || bare.contains('/') {
            continue;
        }
        let Ok(name) = percent_encoding::percent_decode_str(bare).decode_utf8() else {
            continue;
        };
        // A name that could leave the download folder, or a hidden file, is not followed.
        if name.starts_with('.') || name.contains(['/', '\\', '\0']) {
            continue;
        }
        let name = if is_dir {
            format!("{name}/")
        } else {
            name.into_owned()
        };
        if !out.iter().any(|(_, n)| *n == name) {
            out.push((url, name));
        }
    }
    out
}

/// The values of `href` attributes, in page order.
fn hrefs(page: &str) -> Vec<String> {
    let lower = page.to_ascii_lowercase();
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(at) = lower[from..].find("href=") {
        let start = from + at + "href=".len();
        let rest = &page[start..];
        let (value, used) = match rest.chars().next() {
            Some(q @ ('"' | '\'')) => match rest[1..].find(q) {
                Some(end) => (&rest[1..=end], end + 2),
                None => break,
            },
            _ => {
                let end = rest
                    .find(|c: char| c.is_whitespace() || c == '>')
                    .unwrap_or(rest.len());
                (&rest[..end], end)
            }
        };
        out.push(value.to_owned());
        from = start + used.max(1);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn python_and_nginx_listings_give_direct_children() {
        let base = Url::parse("http://127.0.0.1:8000/feeds/go/").expect("url");
        // As `python3 -m http.server` writes it (names percent-encoded).
        let python = r#"<ul><li><a href="vulndb-osv/">vulndb-osv/</a></li>
            <li><a href="LICENSE">LICENSE</a></li><li><a href="a%20b.json">a b.json</a></li></ul>"#;
        let names: Vec<String> = children(&base, python).into_iter().map(|c| c.1).collect();
        assert_eq!(names, ["vulndb-osv/", "LICENSE", "a b.json"]);
        // As nginx autoindex writes it: a parent link, absolute links, sort links.
        let nginx = r#"<a href="../">../</a><a href="/feeds/go/v3.10/">v3.10/</a>
            <a href='?C=M;O=A'>Last modified</a><a href=main.json>main.json</a>
            <a href="http://other.example/x.json">x</a><a href="../../etc/passwd">p</a>
            <a href="sub/deeper/file.json">d</a><a href=".hidden.json">h</a>"#;
        let names: Vec<String> = children(&base, nginx).into_iter().map(|c| c.1).collect();
        assert_eq!(names, ["v3.10/", "main.json"]);
    }
}
