//! The commands, one module each.

mod checks;
mod db;
mod host_audit;
mod scan;

use std::path::PathBuf;
use std::process::ExitCode;

use crate::cli::Command;

/// Runs one command; `Ok` carries the exit code (e.g. `--exit-code` when findings remain).
pub fn run(command: Command) -> anyhow::Result<ExitCode> {
    match command {
        Command::Scan(args) => scan::run(args),
        Command::Db(command) => db::run(command),
        Command::HostAudit(args) => host_audit::run(args),
    }
}

/// The advisory store path: the flag or `$LAYERWATCH_DB`, else the user cache directory.
pub fn default_db(flag: Option<PathBuf>) -> PathBuf {
    if let Some(path) = flag {
        return path;
    }
    let cache = std::env::var_os("XDG_CACHE_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache")))
        .unwrap_or_else(std::env::temp_dir);
    cache.join("layerwatch").join("advisories.db")
}
