//! Finding feed files in a directory tree, by folder names first and contents second.
//!
//! Left out on purpose: Node.js security WG `core/` advisories (they concern the Node runtime,
//! which no package database lists) and its `index.json` (every npm advisory again in one
//! file), licence and notice files, and anything that is not JSON, YAML or a Debian `list`.

use std::fs;
use std::io::Read;
use std::path::Path;

use super::{FeedFile, FeedKind};

/// How much of a file to read when its folder does not say what it is.
const SNIFF_BYTES: u64 = 8 * 1024;

/// Every feed file below `dir`, sorted by relative path. Unreadable folders are skipped (the
/// store reports unreadable files when it reads them).
pub fn discover(dir: &Path) -> Vec<FeedFile> {
    let mut files = Vec::new();
    walk(dir, dir, &mut files);
    files.sort_by(|a, b| a.rel_path.cmp(&b.rel_path));
    files
}

fn walk(root: &Path, dir: &Path, out: &mut Vec<FeedFile>) {
    let Ok(entries) = fs::read_dir(dir) else {
        tracing::debug!(dir = %dir.display(), "cannot list feed folder");
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let Ok(file_type) = entry.file_type() else {
            continue;
        };
        if file_type.is_dir() {
            walk(root, &path, out);
        } else if (file_type.is_file()
            // A symlink to a file counts; symlinked folders are not followed (no cycles).
            || (file_type.is_symlink() && fs::metadata(&path).is_ok_and(|m| m.is_file())))
            && let Some(file) = classify(root, &path)
        {
            out.push(file);
        }
    }
}

/// Decides whether a file is a feed and of which kind.
fn classify(root: &Path, path: &Path) -> Option<FeedFile> {
    let rel = path.strip_prefix(root).ok()?;
    let parts: Vec<String> = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    let name = parts.last()?.as_str();
    let dirs = &parts[..parts.len() - 1];
    let in_dir = |d: &str| dirs.iter().any(|x| x == d);
    let ext = name.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase());
    let is_json = ext.as_deref() == Some("json");
    let is_yaml = matches!(ext.as_deref(), Some("yaml" | "yml"));

    let kind = if name == "list" && (in_dir("DSA") || in_dir("DLA") || sniff_debian(path)) {
        FeedKind::DebianList
    } else if is_json && in_dir("nodejs-security-wg") {
        if in_dir("core") || name == "index.json" {
            return None;
        }
        FeedKind::NodejsWg
    } else if is_json && in_dir("secdb-json") {
        FeedKind::AlpineSecdbJson
    } else if is_yaml && in_dir("alpine-secdb-yaml") {
        FeedKind::AlpineSecdbYaml
    } else if is_json || is_yaml {
        sniff_structured(path, is_json)
    } else {
        return None;
    };
    let source = if dirs.len() >= 2 {
        format!("{}/{}", dirs[0], dirs[1])
    } else {
        kind.as_str().to_owned()
    };
    Some(FeedFile {
        path: path.to_path_buf(),
        rel_path: parts.join("/"),
        kind,
        source,
    })
}

/// The first bytes of a file as text (lossy: only used to look for markers).
fn head(path: &Path) -> String {
    let mut buf = Vec::new();
    if let Ok(f) = fs::File::open(path) {
        // A short read only weakens the guess; the parser reports real errors.
        let _ = f.take(SNIFF_BYTES).read_to_end(&mut buf);
    }
    String::from_utf8_lossy(&buf).into_owned()
}

fn sniff_debian(path: &Path) -> bool {
    let head = head(path);
    head.starts_with('[') && (head.contains("] DSA-") || head.contains("] DLA-"))
}

/// JSON or YAML outside the known folders: Alpine secdb by its keys, Node WG by
/// `module_name`, everything else is taken as OSV (a file that is not will fail to parse
/// and be reported, which is what a stray file in a feed folder deserves).
fn sniff_structured(path: &Path, is_json: bool) -> FeedKind {
    let head = head(path);
    let alpine = head.contains("distroversion") && head.contains("packages");
    match (is_json, alpine) {
        (true, true) => FeedKind::AlpineSecdbJson,
        (false, true) => FeedKind::AlpineSecdbYaml,
        (true, false) if head.contains("\"module_name\"") => FeedKind::NodejsWg,
        (true, false) => FeedKind::OsvJson,
        (false, false) => FeedKind::OsvYaml,
    }
}
