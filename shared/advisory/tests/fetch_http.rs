//! `db update` from URLs, against `python3 -m http.server` serving temporary copies of real
//! feeds: a mirror builds the same store as the directory it mirrors; 404s, truncated files
//! and broken zips are named and skipped; an unreachable source fails and leaves the old
//! store; the upstream layout (secdb, tracker lists, OSV `all.zip`) maps to the local one.

// Test helpers outside #[test] functions unwrap too: a failure there is a test failure.
#![allow(clippy::unwrap_used)]

mod common;

use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use layerwatch_advisory::{FeedSource, Namespace, Store, StoreError, Upstream};
use layerwatch_inventory::Ecosystem;

/// A static file server on a free local port, stopped on drop.
struct Server {
    child: Child,
    url: String,
}

impl Server {
    fn start(dir: &Path) -> Server {
        let port = TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let child = Command::new("python3")
            .args([
                "-m",
                "http.server",
                &port.to_string(),
                "--bind",
                "127.0.0.1",
            ])
            .arg("--directory")
            .arg(dir)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("python3 is needed for the http tests");
        let started = Instant::now();
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                started.elapsed() < Duration::from_secs(20),
                "server did not start"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        Server {
            child,
            url: format!("http://127.0.0.1:{port}/"),
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

const FEEDS: [&str; 5] = [
    "alpine/secdb-json/v3.10/main.json",
    "debian/security-tracker/DSA/list",
    "go/vulndb-osv/GO-2022-0956.json",
    "pypi/pypa-vulns/flask/PYSEC-2018-66.yaml",
    "npm/nodejs-security-wg/npm/1.json",
];

/// Writes a zip of real feed files with Python's zipfile (not our code).
fn make_zip(zip: &Path, members: &[&str]) {
    std::fs::create_dir_all(zip.parent().unwrap()).unwrap();
    let status = Command::new("python3")
        .args([
            "-c",
            "import sys, zipfile, os\n\
             z = zipfile.ZipFile(sys.argv[1], 'w', zipfile.ZIP_DEFLATED)\n\
             for f in sys.argv[2:]: z.write(f, os.path.basename(f))\n\
             z.close()",
        ])
        .arg(zip)
        .args(members.iter().map(|m| common::advisories_dir().join(m)))
        .status()
        .unwrap();
    assert!(status.success());
}

#[test]
fn a_mirror_builds_the_same_store_as_its_directory() {
    let site = tempfile::tempdir().unwrap();
    for rel in FEEDS {
        common::copy_feed(site.path(), rel);
    }
    std::fs::write(site.path().join("README.md"), "not a feed").unwrap();
    let server = Server::start(site.path());
    let out = tempfile::tempdir().unwrap();

    let local = Store::update_from_dir(&out.path().join("local.db"), site.path()).unwrap();
    let source = FeedSource::parse(server.url.trim_end_matches('/'));
    assert_eq!(source, FeedSource::Mirror(server.url.clone()));
    let remote = Store::update_from(&out.path().join("remote.db"), &source).unwrap();
    assert!(remote.broken.is_empty(), "{:?}", remote.broken);
    assert_eq!(remote.files_ingested, FEEDS.len());
    // Same paths, same bytes: the same revision.
    assert_eq!(remote.revision, local.revision);
}

#[test]
fn broken_downloads_are_named_and_skipped_and_a_dead_source_keeps_the_old_store() {
    let site = tempfile::tempdir().unwrap();
    for rel in FEEDS {
        common::copy_feed(site.path(), rel);
    }
    let go = site.path().join("go/vulndb-osv");
    // Listed by the server but answered with 404.
    std::os::unix::fs::symlink("/nonexistent/feed.json", go.join("GO-2099-9999.json")).unwrap();
    let real = std::fs::read(go.join("GO-2022-0956.json")).unwrap();
    std::fs::write(go.join("GO-2099-0001.json"), &real[..real.len() / 2]).unwrap();
    make_zip(
        &site.path().join("osv/Go/all.zip"),
        &[
            "go/vulndb-osv/GO-2022-0956.json",
            "go/vulndb-osv/GO-2021-0110.json",
        ],
    );
    make_zip(
        &site.path().join("osv/PyPI/all.zip"),
        &["pypi/pypa-vulns/flask/PYSEC-2018-66.yaml"],
    );
    let whole = std::fs::read(site.path().join("osv/PyPI/all.zip")).unwrap();
    std::fs::write(
        site.path().join("osv/PyPI/all.zip"),
        &whole[..whole.len() / 2],
    )
    .unwrap();

    let out = tempfile::tempdir().unwrap();
    let db = out.path().join("advisories.db");
    let server = Server::start(site.path());
    let summary = Store::update_from(&db, &FeedSource::parse(&server.url)).unwrap();
    let broken: Vec<&str> = summary.broken.iter().map(|b| b.path.as_str()).collect();
    assert_eq!(
        broken,
        [
            "go/vulndb-osv/GO-2099-0001.json",
            "go/vulndb-osv/GO-2099-9999.json",
            "osv/PyPI/all.zip"
        ],
        "{:?}",
        summary.broken
    );
    let missing = &summary.broken[1].error;
    assert!(missing.contains("404"), "{missing}");
    assert!(missing.contains(&format!("{}go/vulndb-osv/GO-2099-9999.json", server.url)));
    assert!(summary.broken[0].error.contains("GO-2099-0001.json"));
    assert!(
        summary.broken[2].error.contains("zip"),
        "{}",
        summary.broken[2].error
    );

    let store = Store::open(&db).unwrap();
    let sources: Vec<&str> = store.sources().iter().map(|s| s.name.as_str()).collect();
    assert!(sources.contains(&"osv/Go"), "{sources:?}");
    assert!(!sources.contains(&"osv/PyPI"), "{sources:?}");
    let yaml = store
        .lookup(&Namespace::Language(Ecosystem::Golang), "gopkg.in/yaml.v2")
        .unwrap();
    // GO-2022-0956 from the directory and again from the unpacked zip.
    let from: Vec<(&str, &str)> = yaml
        .iter()
        .map(|a| (a.id.as_str(), a.source.as_str()))
        .collect();
    assert_eq!(
        from,
        [
            ("GO-2022-0956", "go/vulndb-osv"),
            ("GO-2022-0956", "osv/Go")
        ]
    );
    let revision = store.revision().to_owned();
    drop(store);

    // The server goes away: the update fails, naming the URL, and the old store stays.
    let url = server.url.clone();
    drop(server);
    let err = Store::update_from(&db, &FeedSource::parse(&url)).unwrap_err();
    assert!(matches!(err, StoreError::Fetch(_)), "{err}");
    let chain = format!("{err}: {}", std::error::Error::source(&err).unwrap());
    assert!(chain.contains(&url), "{chain}");
    assert_eq!(Store::open(&db).unwrap().revision(), revision);
    let names: Vec<_> = std::fs::read_dir(out.path()).unwrap().flatten().collect();
    assert_eq!(names.len(), 1, "no temporary files left: {names:?}");
}

#[test]
fn the_upstream_layout_maps_onto_the_local_one() {
    let site = tempfile::tempdir().unwrap();
    let copy = |from: &str, to: &str| {
        let to = site.path().join(to);
        std::fs::create_dir_all(to.parent().unwrap()).unwrap();
        std::fs::copy(common::advisories_dir().join(from), to).unwrap();
    };
    copy("alpine/secdb-json/v3.10/main.json", "secdb/v3.10/main.json");
    copy(
        "alpine/secdb-json/v3.10/community.json",
        "secdb/v3.10/community.json",
    );
    copy("alpine/secdb-json/edge/main.json", "secdb/edge/main.json");
    std::fs::write(site.path().join("secdb/index.txt"), "not a release").unwrap();
    copy("debian/security-tracker/DSA/list", "tracker/data/DSA/list");
    make_zip(
        &site.path().join("osv/Go/all.zip"),
        &["go/vulndb-osv/GO-2022-0956.json"],
    );
    let server = Server::start(site.path());
    let upstream = Upstream {
        alpine_secdb: format!("{}secdb/", server.url),
        debian_tracker_data: format!("{}tracker/data/", server.url),
        osv: format!("{}osv/", server.url),
        osv_ecosystems: vec!["Go".into()],
    };
    assert_ne!(upstream, Upstream::default());
    let out = tempfile::tempdir().unwrap();
    let db = out.path().join("advisories.db");
    let summary = Store::update_from(&db, &FeedSource::Upstream(upstream)).unwrap();
    // The tracker copy has no DLA list: reported, the rest is built.
    let broken: Vec<&str> = summary.broken.iter().map(|b| b.path.as_str()).collect();
    assert_eq!(broken, ["debian/security-tracker/DLA/list"]);
    let sources: Vec<(&str, usize)> = summary
        .sources
        .iter()
        .map(|s| (s.name.as_str(), s.files))
        .collect();
    assert_eq!(
        sources,
        [
            ("alpine/secdb-json", 3),
            ("debian/security-tracker", 1),
            ("osv/Go", 1)
        ]
    );
    let store = Store::open(&db).unwrap();
    let openssl = store
        .lookup(&Namespace::os("alpine", "3.10"), "openssl")
        .unwrap();
    assert!(openssl.iter().any(|a| a.id == "CVE-2019-1549"));
    let dsa = store
        .lookup(&Namespace::os("debian", "buster"), "openssl")
        .unwrap();
    assert!(dsa.iter().any(|a| a.id == "DSA-4539-1"));
}
