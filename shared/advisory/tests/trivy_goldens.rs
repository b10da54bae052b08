//! Real feed entries against Trivy's golden findings (oracles/trivy/integration-golden), which
//! Trivy computed from its own fixture DB: the same package, installed version and CVE must
//! match here with the same fixed version.

// Test helpers outside #[test] functions unwrap too: a failure there is a test failure.
#![allow(clippy::unwrap_used)]

mod common;

use layerwatch_advisory::matcher::affected;
use layerwatch_advisory::{FixState, Namespace, Store};
use layerwatch_inventory::Ecosystem;
use layerwatch_version::Scheme;

/// Trivy's golden result for alpine 3.10.2 (oracles/trivy/integration-golden/alpine-310):
/// libcrypto1.1 1.1.1c-r0 (origin openssl) has CVE-2019-1549 fixed in 1.1.1d-r0 and
/// CVE-2019-1551 fixed in 1.1.1d-r2. Debian buster golden: libidn2 2.0.5-1 has
/// CVE-2019-18224 fixed in 2.0.5-1+deb10u1 (DSA-4613-1).
#[test]
fn real_entries_agree_with_trivy_goldens() {
    let feed = tempfile::tempdir().unwrap();
    common::copy_feed(feed.path(), "alpine/secdb-json/v3.10/main.json");
    common::copy_feed(feed.path(), "debian/security-tracker/DSA/list");
    common::copy_feed(feed.path(), "go/vulndb-osv/GO-2022-0956.json");
    let out = tempfile::tempdir().unwrap();
    let db = out.path().join("a.db");
    Store::update_from_dir(&db, feed.path()).unwrap();
    let store = Store::open(&db).unwrap();

    let openssl = store
        .lookup(&Namespace::os("alpine", "3.10"), "openssl")
        .unwrap();
    let fix_for = |id: &str, installed: &str| {
        let adv = openssl.iter().find(|a| a.id == id).unwrap();
        adv.affected
            .iter()
            .filter_map(|x| affected(x, Scheme::Apk, installed).unwrap())
            .map(|d| {
                assert_eq!(d.rule, "installed < fixed (apk)");
                d.fixed.unwrap()
            })
            .next()
    };
    assert_eq!(
        fix_for("CVE-2019-1549", "1.1.1c-r0").as_deref(),
        Some("1.1.1d-r0")
    );
    assert_eq!(
        fix_for("CVE-2019-1551", "1.1.1c-r0").as_deref(),
        Some("1.1.1d-r2")
    );
    assert_eq!(fix_for("CVE-2019-1549", "1.1.1d-r0"), None);

    let idn = store
        .lookup(&Namespace::os("debian", "buster"), "libidn2")
        .unwrap();
    let dsa = idn
        .iter()
        .find(|a| a.aliases.iter().any(|c| c == "CVE-2019-18224"))
        .unwrap();
    let d = affected(&dsa.affected[0], Scheme::Dpkg, "2.0.5-1")
        .unwrap()
        .unwrap();
    assert_eq!(d.fixed.as_deref(), Some("2.0.5-1+deb10u1"));
    assert_eq!(d.fix_state, FixState::Fixed);
    assert!(
        affected(&dsa.affected[0], Scheme::Dpkg, "2.0.5-1+deb10u1")
            .unwrap()
            .is_none()
    );

    // Go: yaml.v2 before v2.2.4 (the advisory's own fixed event), module versions with `v`.
    let go = store
        .lookup(&Namespace::Language(Ecosystem::Golang), "gopkg.in/yaml.v2")
        .unwrap();
    let x = &go[0].affected[0];
    assert!(affected(x, Scheme::Go, "v2.2.3").unwrap().is_some());
    assert!(affected(x, Scheme::Go, "v2.2.4").unwrap().is_none());
    assert!(
        affected(x, Scheme::Go, "v2.0.0-20170812160011-eb3733d160e7")
            .unwrap()
            .is_some()
    );
}

/// Every OS finding in Trivy's golden reports that our feeds can decide (Trivy's fixture DB
/// also holds Debian's CVE list, which we do not have: bash there is left out). The golden
/// names binary packages; the source package is the one each distribution builds them from.
#[test]
fn trivy_golden_os_findings_are_reproduced() {
    let feed = tempfile::tempdir().unwrap();
    for rel in [
        "alpine/secdb-json/v3.9/main.json",
        "alpine/secdb-json/v3.10/main.json",
        "alpine/secdb-json/v3.16/main.json",
        "debian/security-tracker/DSA/list",
        "debian/security-tracker/DLA/list",
    ] {
        common::copy_feed(feed.path(), rel);
    }
    let out = tempfile::tempdir().unwrap();
    let db = out.path().join("a.db");
    Store::update_from_dir(&db, feed.path()).unwrap();
    let store = Store::open(&db).unwrap();
    // (golden, namespace, source package, installed, CVE, Trivy's fixed version)
    let cases = [
        (
            "alpine-39",
            Namespace::os("alpine", "3.9"),
            "openssl",
            "1.1.1b-r1",
            "CVE-2019-1549",
            "1.1.1d-r0",
        ),
        (
            "alpine-39",
            Namespace::os("alpine", "3.9"),
            "openssl",
            "1.1.1b-r1",
            "CVE-2019-1551",
            "1.1.1d-r2",
        ),
        (
            "alpine-39",
            Namespace::os("alpine", "3.9"),
            "musl",
            "1.1.20-r4",
            "CVE-2019-14697",
            "1.1.20-r5",
        ),
        (
            "alpine-310",
            Namespace::os("alpine", "3.10"),
            "openssl",
            "1.1.1c-r0",
            "CVE-2019-1549",
            "1.1.1d-r0",
        ),
        (
            "alpine-310",
            Namespace::os("alpine", "3.10"),
            "openssl",
            "1.1.1c-r0",
            "CVE-2019-1551",
            "1.1.1d-r2",
        ),
        (
            "alpine-distroless",
            Namespace::os("alpine", "3.16"),
            "git",
            "2.35.1-r2",
            "CVE-2022-24765",
            "2.35.2-r0",
        ),
        (
            "debian-buster",
            Namespace::os("debian", "buster"),
            "libidn2",
            "2.0.5-1",
            "CVE-2019-18224",
            "2.0.5-1+deb10u1",
        ),
        (
            "debian-stretch",
            Namespace::os("debian", "stretch"),
            "e2fsprogs",
            "1.43.4-2",
            "CVE-2019-5094",
            "1.43.4-2+deb9u1",
        ),
    ];
    for (golden, ns, package, installed, cve, expected) in cases {
        let scheme = layerwatch_advisory::scheme_for(&ns).unwrap();
        let fixes: Vec<String> = store
            .lookup(&ns, package)
            .unwrap()
            .iter()
            .filter(|a| a.id == cve || a.aliases.iter().any(|x| x == cve))
            .flat_map(|a| &a.affected)
            .filter_map(|x| affected(x, scheme, installed).unwrap())
            .filter_map(|d| d.fixed)
            .collect();
        assert!(
            fixes.iter().any(|f| f == expected),
            "{golden}: {package} {installed} {cve}: expected fix {expected}, got {fixes:?}"
        );
    }
}

/// The lockfile findings of Trivy's goldens (computed from GHSA) against our language feeds
/// (Go vulndb, PyPA, GHSA, Node WG), matched through the advisories' aliases. Where the feeds
/// disagree on the fix (Go vulndb fixes opa CVE-2022-23628 in 0.37.2, GHSA in 0.37.0) only
/// the match itself is compared.
#[test]
fn trivy_golden_lockfile_findings_are_reproduced() {
    let feed = tempfile::tempdir().unwrap();
    for rel in [
        "go/vulndb-osv/GO-2021-0113.json",
        "go/vulndb-osv/GO-2022-0316.json",
        "pypi/pypa-vulns/werkzeug/PYSEC-2019-140.yaml",
        "pypi/pypa-vulns/werkzeug/PYSEC-2020-157.yaml",
        "npm/ghsa/GHSA-jf85-cpcp-j695.json",
        "npm/nodejs-security-wg/npm/496.json",
    ] {
        common::copy_feed(feed.path(), rel);
    }
    let out = tempfile::tempdir().unwrap();
    let db = out.path().join("a.db");
    Store::update_from_dir(&db, feed.path()).unwrap();
    let store = Store::open(&db).unwrap();
    let go = Namespace::Language(Ecosystem::Golang);
    let pypi = Namespace::Language(Ecosystem::Pypi);
    let npm = Namespace::Language(Ecosystem::Npm);
    let cases = [
        (
            &go,
            "golang.org/x/text",
            "v0.3.6",
            "CVE-2021-38561",
            Some("0.3.7"),
        ),
        (
            &go,
            "github.com/open-policy-agent/opa",
            "v0.35.0",
            "CVE-2022-23628",
            None,
        ),
        (&pypi, "Werkzeug", "0.11", "CVE-2019-14806", Some("0.15.3")),
        (&pypi, "Werkzeug", "0.11", "CVE-2020-28724", Some("0.11.6")),
        (&pypi, "werkzeug", "0.14", "CVE-2019-14806", Some("0.15.3")),
        (&npm, "lodash", "4.17.4", "CVE-2019-10744", Some("4.17.12")),
        (&npm, "jquery", "3.3.9", "CVE-2019-11358", Some(">=3.4.0")),
        (&npm, "jquery", "3.2.1", "CVE-2019-11358", Some(">=3.4.0")),
    ];
    for (ns, package, installed, cve, expected) in cases {
        let scheme = layerwatch_advisory::scheme_for(ns).unwrap();
        let details: Vec<_> = store
            .lookup(ns, package)
            .unwrap()
            .iter()
            .filter(|a| a.id == cve || a.aliases.iter().any(|x| x == cve))
            .flat_map(|a| &a.affected)
            .filter_map(|x| affected(x, scheme, installed).unwrap())
            .collect();
        assert!(
            !details.is_empty(),
            "{package} {installed} {cve}: not matched"
        );
        if let Some(expected) = expected {
            assert!(
                details.iter().any(|d| d.fixed.as_deref() == Some(expected)),
                "{package} {installed} {cve}: expected fix {expected}, got {details:?}"
            );
        }
    }
}
