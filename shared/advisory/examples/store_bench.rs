//! Builds a store from a feed directory and prints the update summary, the time to open the
//! store, the time for 10,000 lookups, and the time to match an image-like set of 10,000
//! distinct packages (lookup plus version matching, as a scan does).
//!
//! `cargo run --release -p layerwatch-advisory --example store_bench -- FEED_DIR STORE_FILE`
//!
//! The image-like set is taken from the feeds themselves (read with the public feed readers,
//! outside the timed part): every 10th (namespace, package) the feeds name, at the first fixed
//! version they list for it (so some entries match and some do not), padded with absent names
//! to 10,000, the way most packages of a real image have no advisory at all.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use layerwatch_advisory::matcher::affected;
use layerwatch_advisory::{Namespace, Store, feeds, scheme_for};
use layerwatch_inventory::Ecosystem;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args_os().skip(1);
    let (Some(feed_dir), Some(store)) = (args.next(), args.next()) else {
        return Err("usage: store_bench FEED_DIR STORE_FILE".into());
    };
    let (feed_dir, store) = (PathBuf::from(feed_dir), PathBuf::from(store));
    let summary = Store::update_from_dir(&store, &feed_dir)?;
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
        "10000 lookups (10 pairs repeated): {:?} ({returned} advisories returned)",
        started.elapsed()
    );
    let started = Instant::now();
    for i in 0..10_000 {
        db.lookup(&Namespace::os("alpine", "3.10"), &format!("absent-{i}"))?;
    }
    println!("10000 lookups of absent packages: {:?}", started.elapsed());

    let image = image_like(&feed_dir);
    let present = image.iter().filter(|p| p.2.is_some()).count();
    // Fresh store handle: nothing cached from the runs above.
    let db = Store::open(&store)?;
    let (elapsed, findings, advisories) = match_all(&db, &image)?;
    println!(
        "match image-like set of {} packages ({present} named by a feed): {elapsed:?} \
         ({advisories} advisories read, {findings} findings)",
        image.len()
    );
    let (elapsed, _, _) = match_all(&db, &image)?;
    println!("same set again on the same store handle: {elapsed:?}");
    for _ in 0..3 {
        let db = Store::open(&store)?;
        let started = Instant::now();
        for (ns, name, _) in &image {
            db.lookup_shared(ns, name)?;
        }
        println!("lookups alone for that set: {:?}", started.elapsed());
    }
    Ok(())
}

type ImagePackage = (Namespace, String, Option<String>);

/// Every 10th (namespace, package) of the feeds with its first fixed version, then absent
/// names up to 10,000.
fn image_like(feed_dir: &std::path::Path) -> Vec<ImagePackage> {
    let mut named: BTreeMap<(Namespace, String), Option<String>> = BTreeMap::new();
    for file in feeds::discover(feed_dir) {
        let Ok(parsed) = feeds::read(&file) else {
            continue;
        };
        for entry in parsed.advisories.iter().flat_map(|a| &a.affected) {
            let fixed = entry.fixed_versions().first().map(|v| (*v).to_owned());
            named
                .entry((entry.namespace.clone(), entry.package.clone()))
                .or_insert(fixed);
        }
    }
    let mut image: Vec<ImagePackage> = named
        .into_iter()
        .step_by(10)
        .take(10_000)
        .map(|((ns, name), fixed)| (ns, name, Some(fixed.unwrap_or_else(|| "1.0.0".into()))))
        .collect();
    let ecosystems = [Ecosystem::Npm, Ecosystem::Pypi, Ecosystem::Golang];
    let mut i = 0;
    while image.len() < 10_000 {
        let ns = match i % 4 {
            3 => Namespace::os("debian", "bookworm"),
            k => Namespace::Language(ecosystems[k]),
        };
        image.push((ns, format!("absent-package-{i}"), None));
        i += 1;
    }
    image
}

/// Looks up and matches every package; returns the time, findings and advisories read.
fn match_all(
    db: &Store,
    image: &[ImagePackage],
) -> Result<(Duration, usize, usize), Box<dyn std::error::Error>> {
    let started = Instant::now();
    let mut findings = 0;
    let mut advisories = 0;
    for (ns, name, version) in image {
        let Some(scheme) = scheme_for(ns) else {
            continue;
        };
        let found = db.lookup_shared(ns, name)?;
        advisories += found.len();
        let version = version.as_deref().unwrap_or("1.0.0");
        for advisory in found.iter() {
            for entry in advisory.affected.iter().filter(|e| &e.namespace == ns) {
                if let Ok(Some(_)) = affected(entry, scheme, version) {
                    findings += 1;
                }
            }
        }
    }
    Ok((started.elapsed(), findings, advisories))
}
