//! Builds a store from a feed directory and prints the update summary, the time to open the
//! store and the time for 10,000 lookups.
//!
//! `cargo run --release -p layerwatch-advisory --example store_bench -- FEED_DIR STORE_FILE`

use std::path::PathBuf;
use std::time::Instant;

use layerwatch_advisory::{Namespace, Store};
use layerwatch_inventory::Ecosystem;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args_os().skip(1);
    let (Some(feeds), Some(store)) = (args.next(), args.next()) else {
        return Err("usage: store_bench FEED_DIR STORE_FILE".into());
    };
    let (feeds, store) = (PathBuf::from(feeds), PathBuf::from(store));
    let summary = Store::update_from_dir(&store, &feeds)?;
    println!(
        "update: {} files, {} advisories, {} affected entries, {} broken, {:?}, {} bytes",
        summary.files_ingested,
        summary.advisories,
        summary.affected_entries,
        summary.broken.len(),
        summary.elapsed,
        std::fs::metadata(&store)?.len()
    );
    println!("revision {}", summary.revision);

    let started = Instant::now();
    let db = Store::open(&store)?;
    println!("open: {:?}", started.elapsed());

    let pairs = [
        (Namespace::os("alpine", "3.10"), "openssl"),
        (Namespace::os("alpine", "3.20"), "busybox"),
        (Namespace::os("alpine", "3.12"), "musl"),
        (Namespace::os("debian", "buster"), "openssl"),
        (Namespace::os("debian", "bullseye"), "curl"),
        (Namespace::os("ubuntu", "18.04"), "zlib"),
        (Namespace::Language(Ecosystem::Golang), "golang.org/x/net"),
        (Namespace::Language(Ecosystem::Pypi), "django"),
        (Namespace::Language(Ecosystem::Npm), "lodash"),
        (Namespace::Language(Ecosystem::Cargo), "no-such-crate"),
    ];
    let started = Instant::now();
    let mut returned = 0;
    for i in 0..10_000 {
        let (namespace, name) = &pairs[i % pairs.len()];
        returned += db.lookup(namespace, name)?.len();
    }
    println!(
        "10000 lookups: {:?} ({returned} advisories returned)",
        started.elapsed()
    );
    let started = Instant::now();
    for i in 0..10_000 {
        db.lookup(&Namespace::os("alpine", "3.10"), &format!("absent-{i}"))?;
    }
    println!("10000 lookups of absent packages: {:?}", started.elapsed());
    Ok(())
}
