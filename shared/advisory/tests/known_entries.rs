//! Known entries of each feed, with expected values read from the feed files by eye or taken
//! from other tools (Trivy's fixture DB, NVD scores).

// Test helpers outside #[test] functions unwrap too: a failure there is a test failure.
#![allow(clippy::unwrap_used)]

mod common;

use layerwatch_advisory::feeds::{self, FeedFile};
use layerwatch_advisory::{
    Advisory, Event, FixState, Namespace, Range, RangeKind, Severity, discover,
};
use layerwatch_inventory::Ecosystem;

fn parse_one(rel: &str) -> Vec<Advisory> {
    let root = common::advisories_dir();
    let file: FeedFile = discover(&root)
        .into_iter()
        .find(|f| f.rel_path == rel)
        .unwrap_or_else(|| panic!("{rel} not discovered"));
    feeds::read(&file).unwrap().advisories
}

fn events(a: &layerwatch_advisory::Affected) -> (RangeKind, Vec<Event>) {
    match &a.ranges[0] {
        Range::Events { kind, events } => (*kind, events.clone()),
        other => panic!("unexpected range {other:?}"),
    }
}

#[test]
fn alpine_310_openssl_fix_for_cve_2019_1549() {
    // Trivy's fixture DB (oracles/trivy/fixture-db/alpine.yaml): alpine 3.10 openssl
    // CVE-2019-1549 FixedVersion 1.1.1d-r0.
    let advisories = parse_one("alpine/secdb-json/v3.10/main.json");
    let cve = advisories.iter().find(|a| a.id == "CVE-2019-1549").unwrap();
    let openssl: Vec<_> = cve
        .affected
        .iter()
        .filter(|x| x.package == "openssl")
        .collect();
    assert_eq!(openssl.len(), 1);
    assert_eq!(openssl[0].namespace, Namespace::os("alpine", "3.10"));
    assert_eq!(openssl[0].fixed_versions(), vec!["1.1.1d-r0"]);
    assert_eq!(openssl[0].fix_state, FixState::Fixed);
}

#[test]
fn alpine_version_zero_means_not_affected() {
    // edge/community.json: flatbuffers lists CVE-2020-35864 under "0" only.
    let advisories = parse_one("alpine/secdb-json/edge/community.json");
    let hit = advisories
        .iter()
        .flat_map(|a| &a.affected)
        .any(|x| x.package == "flatbuffers");
    let text = std::fs::read_to_string(
        common::advisories_dir().join("alpine/secdb-json/edge/community.json"),
    )
    .unwrap();
    assert!(text.contains(r#""name": "flatbuffers","secfixes": {"0": ["CVE-2020-35864"]}"#));
    assert!(
        !hit,
        "a package listed only under version 0 must not be indexed"
    );
}

#[test]
fn alpine_yaml_release_and_aliases() {
    let advisories = parse_one("alpine/alpine-secdb-yaml/v3.10/main.yaml");
    let cve = advisories
        .iter()
        .find(|a| a.id == "CVE-2019-10206")
        .unwrap();
    assert_eq!(cve.affected[0].namespace, Namespace::os("alpine", "3.10"));
    assert_eq!(cve.affected[0].package, "ansible");
    assert_eq!(cve.affected[0].fixed_versions(), vec!["2.8.4-r0"]);
}

#[test]
fn dsa_4539_1_with_its_release_lines() {
    let advisories = parse_one("debian/security-tracker/DSA/list");
    let dsa = advisories.iter().find(|a| a.id == "DSA-4539-1").unwrap();
    assert_eq!(dsa.aliases, vec!["CVE-2019-1547", "CVE-2019-1563"]);
    assert_eq!(dsa.summary.as_deref(), Some("security update"));
    assert_eq!(dsa.published.as_deref(), Some("2019-10-01T00:00:00Z"));
    let lines: Vec<_> = dsa
        .affected
        .iter()
        .map(|x| (x.namespace.clone(), x.package.as_str(), x.fixed_versions()))
        .collect();
    assert_eq!(
        lines,
        vec![
            (
                Namespace::os("debian", "stretch"),
                "openssl",
                vec!["1.1.0l-1~deb9u1"]
            ),
            (
                Namespace::os("debian", "buster"),
                "openssl",
                vec!["1.1.1d-0+deb10u1"]
            ),
        ]
    );
}

#[test]
fn go_advisory_ranges() {
    let a = &parse_one("go/vulndb-osv/GO-2022-0956.json")[0];
    assert_eq!(a.aliases, vec!["CVE-2022-3064", "GHSA-6q6q-88xp-6f2r"]);
    assert_eq!(a.affected.len(), 1);
    let x = &a.affected[0];
    assert_eq!(x.namespace, Namespace::Language(Ecosystem::Golang));
    assert_eq!(x.package, "gopkg.in/yaml.v2");
    assert_eq!(
        events(x),
        (
            RangeKind::Semver,
            vec![Event::Introduced("0".into()), Event::Fixed("2.2.4".into())]
        )
    );
    assert_eq!(x.fix_state, FixState::Fixed);
}

#[test]
fn pypa_yaml_record() {
    let a = &parse_one("pypi/pypa-vulns/flask/PYSEC-2018-66.yaml")[0];
    assert_eq!(a.aliases, vec!["CVE-2018-1000656", "GHSA-562c-5r94-xh97"]);
    assert_eq!(a.modified.as_deref(), Some("2021-08-25T04:30:09.712538Z"));
    let x = &a.affected[0];
    assert_eq!(x.namespace, Namespace::Language(Ecosystem::Pypi));
    assert_eq!(x.fixed_versions(), vec!["0.12.3"]);
    // Quoted YAML versions stay strings: '0.10' is not the float 0.1.
    assert!(x.versions.contains(&"0.10".to_owned()));
    assert!(x.versions.contains(&"0.12.2".to_owned()));
    assert_eq!(x.versions.len(), 23);
    assert!(
        a.summary
            .as_deref()
            .unwrap()
            .starts_with("The Pallets Project flask")
    );
}

#[test]
fn ubuntu_usn_osv_namespaces() {
    let a = &parse_one("ubuntu/usn-osv/USN-5355-1.json")[0];
    // The file's `upstream` is ["UBUNTU-CVE-2018-25032"]: the CVE the notice fixes.
    assert_eq!(a.aliases, vec!["CVE-2018-25032"]);
    let bionic = a
        .affected
        .iter()
        .find(|x| x.namespace == Namespace::os("ubuntu", "18.04"))
        .unwrap();
    assert_eq!(bionic.package, "zlib");
    assert_eq!(bionic.fixed_versions(), vec!["1:1.2.11.dfsg-0ubuntu2.1"]);
    assert_eq!(bionic.versions, vec!["1:1.2.11.dfsg-0ubuntu2"]);
}

#[test]
fn ghsa_severity_and_cvss() {
    // NVD and GitHub rate CVE-2019-10744 (lodash defaultsDeep) 9.1 critical.
    let a = &parse_one("npm/ghsa/GHSA-jf85-cpcp-j695.json")[0];
    assert_eq!(a.cvss.len(), 1);
    assert_eq!(a.cvss[0].version, "3.1");
    assert_eq!(a.cvss[0].base_score, Some(9.1));
    let severity = a.severity.as_ref().unwrap();
    assert_eq!(
        (severity.source.as_str(), severity.level),
        ("ghsa", Severity::Critical)
    );
    let packages: Vec<_> = a.affected.iter().map(|x| x.package.as_str()).collect();
    assert_eq!(
        packages,
        vec!["lodash", "lodash-es", "lodash-amd", "lodash.defaultsdeep"]
    );
}

#[test]
fn nodejs_wg_npm_ranges() {
    let a = &parse_one("npm/nodejs-security-wg/npm/1.json")[0];
    assert_eq!(a.id, "NSWG-ECO-1");
    assert_eq!(a.aliases, vec!["CVE-2014-7205"]);
    // The WG's own cvss_score for this vector is 6.5.
    assert_eq!(a.cvss[0].base_score, Some(6.5));
    assert_eq!(
        a.affected[0].ranges,
        vec![Range::Npm {
            vulnerable: "<=1.5.1".into(),
            patched: Some(">=1.5.2".into())
        }]
    );
    assert_eq!(a.affected[0].namespace, Namespace::Language(Ecosystem::Npm));
    assert_eq!(a.modified.as_deref(), Some("2016-04-28T00:00:00Z"));
}

#[test]
fn rustsec_record_with_cvss_3_0() {
    let a = &parse_one("crates/rustsec-osv/RUSTSEC-2016-0001.json")[0];
    assert_eq!(
        a.affected[0].namespace,
        Namespace::Language(Ecosystem::Cargo)
    );
    assert_eq!(a.affected[0].package, "openssl");
    // NVD: CVE-2016-10931 CVSS 3.0 AV:N/AC:H/PR:N/UI:N/S:U/C:H/I:H/A:H = 8.1.
    assert_eq!(a.cvss[0].base_score, Some(8.1));
    assert_eq!(a.informational, None);
}

#[test]
fn os_release_namespaces_match_the_feed_namespaces() {
    // os-release values as the images write them; the namespaces are those the feeds use.
    let ns = |id, v, c| Namespace::for_os_release(id, v, c);
    assert_eq!(
        ns("alpine", "3.10.3", None),
        Some(Namespace::os("alpine", "3.10"))
    );
    assert_eq!(
        ns("alpine", "3.21.0_alpha20240807", None),
        Some(Namespace::os("alpine", "edge"))
    );
    assert_eq!(
        ns("debian", "10", Some("buster")),
        Some(Namespace::os("debian", "buster"))
    );
    assert_eq!(
        ns("debian", "9", None),
        Some(Namespace::os("debian", "stretch"))
    );
    assert_eq!(
        ns("ubuntu", "18.04", Some("bionic")),
        Some(Namespace::os("ubuntu", "18.04"))
    );
    assert_eq!(ns("alpine", "", None), None);
}
