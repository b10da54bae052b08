//! The command-line grammar.

use std::path::PathBuf;

use clap::{Parser, Subcommand};

/// Layerwatch: container image vulnerability scanner.
#[derive(Debug, Parser)]
#[command(name = "layerwatch", version, about)]
pub struct Args {
    /// Log decisions to stderr (or set LAYERWATCH_LOG=debug).
    #[arg(long, global = true)]
    pub debug: bool,
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Scan an image or root filesystem.
    Scan(ScanArgs),
    /// Manage the advisory store.
    #[command(subcommand)]
    Db(DbCommand),
    /// Audit a Docker host's configuration files (CIS Docker Benchmark host and daemon items).
    HostAudit(HostAuditArgs),
}

/// `layerwatch host-audit`.
#[derive(Debug, clap::Args)]
pub struct HostAuditArgs {
    /// The host's root folder (a copy of one, or / for this host).
    #[arg(long, default_value = "/")]
    pub root: PathBuf,
    /// table or json (default: table on a terminal, json otherwise).
    #[arg(long, short = 'f')]
    pub format: Option<String>,
    /// Exit with this code when an item fails.
    #[arg(long, default_value_t = 0)]
    pub exit_code: u8,
    /// Leave out the item with this id (repeatable), e.g. LW-CIS-2.9.
    #[arg(long = "skip-check", value_name = "ID")]
    pub skip_check: Vec<String>,
}

/// `layerwatch scan`.
#[derive(Debug, clap::Args)]
pub struct ScanArgs {
    /// docker-archive:FILE, oci:DIR[:TAG], rootfs:PATH, sbom:FILE or HOST[:PORT]/REPO[:TAG|@DIGEST].
    pub target: String,
    /// table, json, cyclonedx, spdx or sarif (default: table on a terminal, json otherwise).
    #[arg(long, short = 'f')]
    pub format: Option<String>,
    /// Write the report to FILE instead of stdout.
    #[arg(long, short = 'o')]
    pub output: Option<PathBuf>,
    /// Only the image for os/arch[/variant] (default: every platform of an index).
    #[arg(long)]
    pub platform: Option<String>,
    /// The advisory store (default: $LAYERWATCH_DB or ~/.cache/layerwatch/advisories.db).
    #[arg(long, env = "LAYERWATCH_DB")]
    pub db: Option<PathBuf>,
    /// Only findings of these severities (comma separated: critical,high,...).
    #[arg(long, value_delimiter = ',')]
    pub severity: Vec<String>,
    /// Leave out findings that have no fixed version.
    #[arg(long)]
    pub ignore_unfixed: bool,
    /// Exit with this code when findings (or failed checks) remain after the filters.
    #[arg(long, default_value_t = 0)]
    pub exit_code: u8,
    /// Accepted risks: a file of advisory ids with a reason and an expiry date.
    #[arg(long)]
    pub ignore_file: Option<PathBuf>,
    /// Only list packages; do not match advisories (no store needed).
    #[arg(long)]
    pub no_match: bool,
    /// Reach this registry (HOST or HOST:PORT) over plain http; repeatable.
    #[arg(long, value_name = "HOST")]
    pub insecure_registry: Vec<String>,
    /// Configuration checks: `secrets` (the default, as Trivy: secrets in layer files and the
    /// config), `all` (also the CIS Docker Benchmark and Dockle image rules; `--checks` alone
    /// means all) or `none`.
    #[arg(
        long,
        value_name = "SCOPE",
        num_args = 0..=1,
        require_equals = true,
        default_value = "secrets",
        default_missing_value = "all"
    )]
    pub checks: String,
    /// Leave out the check with this id (repeatable), e.g. LW-CIS-4.6.
    #[arg(long = "skip-check", value_name = "ID")]
    pub skip_check: Vec<String>,
}

/// `layerwatch db ...`.
#[derive(Debug, Subcommand)]
pub enum DbCommand {
    /// Build or refresh the advisory store from feeds.
    Update {
        /// A directory laid out like the upstream feeds, or an http(s):// URL of a mirror laid
        /// out the same way (default: the feeds' public addresses: Alpine secdb, Debian
        /// security tracker, OSV exports).
        #[arg(long)]
        from: Option<String>,
        /// The advisory store to write.
        #[arg(long, env = "LAYERWATCH_DB")]
        db: Option<PathBuf>,
    },
    /// Show the store's revision and sources.
    Status {
        /// The advisory store.
        #[arg(long, env = "LAYERWATCH_DB")]
        db: Option<PathBuf>,
    },
}
