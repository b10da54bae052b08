//! `layerwatch db update|status`: build the advisory store from feeds and show what it holds.

use std::process::ExitCode;

use anyhow::Context;
use layerwatch_advisory::{FeedSource, Store, Upstream};

use super::default_db;
use crate::cli::DbCommand;

/// Runs a `db` subcommand.
pub fn run(command: DbCommand) -> anyhow::Result<ExitCode> {
    match command {
        DbCommand::Update { from, db } => {
            let db = default_db(db);
            if let Some(dir) = db.parent() {
                std::fs::create_dir_all(dir)
                    .with_context(|| format!("creating the store's folder {}", dir.display()))?;
            }
            let source = from.as_deref().map_or_else(
                || FeedSource::Upstream(Upstream::default()),
                FeedSource::parse,
            );
            eprintln!("reading advisory feeds from {source}");
            let summary = Store::update_from(&db, &source)
                .with_context(|| format!("updating {} from {source}", db.display()))?;
            println!("advisory store: {}", db.display());
            println!("revision:       {}", summary.revision);
            if summary.previous_revision.as_deref() == Some(summary.revision.as_str()) {
                println!("(unchanged: the feeds are the same as at the last update)");
            }
            println!(
                "ingested:       {} files, {} advisories, {} affected entries in {:.1?}",
                summary.files_ingested,
                summary.advisories,
                summary.affected_entries,
                summary.elapsed
            );
            for source in &summary.sources {
                println!(
                    "  {:<24} {:>6} files {:>7} advisories",
                    source.name, source.files, source.advisories
                );
            }
            for broken in &summary.broken {
                eprintln!("skipped broken file {}: {}", broken.path, broken.error);
            }
            Ok(ExitCode::SUCCESS)
        }
        DbCommand::Status { db } => {
            let db = default_db(db);
            let store = Store::open(&db).with_context(|| {
                format!(
                    "opening {} (run `layerwatch db update` first)",
                    db.display()
                )
            })?;
            println!("advisory store: {}", db.display());
            println!("revision:       {}", store.revision());
            if let Some(modified) = store.newest_modified() {
                println!("newest advisory: {modified}");
            }
            for source in store.sources() {
                println!(
                    "  {:<24} {:>6} files {:>7} advisories",
                    source.name, source.files, source.advisories
                );
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}
