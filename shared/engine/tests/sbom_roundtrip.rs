//! An SBOM written by Layerwatch and scanned again gives the same findings as the image, and a
//! Trivy-style purl (`distro=3.10.2` under the `alpine` namespace) reaches the same advisories.

mod support;

use std::collections::BTreeSet;
use std::path::PathBuf;
use std::sync::OnceLock;

use layerwatch_advisory::Store;
use layerwatch_engine::sbom::report_from_sbom;
use layerwatch_engine::{NoCache, ScanOptions, Target, match_report, scan};
use layerwatch_report::{Format, Report, ReportInput, render};
use support::shared;

/// The advisory store built once from the real feeds for this test binary.
fn store_path() -> &'static PathBuf {
    static STORE: OnceLock<(tempfile::TempDir, PathBuf)> = OnceLock::new();
    &STORE
        .get_or_init(|| {
            let dir = tempfile::tempdir().expect("tempdir");
            let path = dir.path().join("advisories.db");
            Store::update_from_dir(&path, &shared().join("data/advisories")).expect("store");
            (dir, path)
        })
        .1
}

fn image_report() -> Report {
    let archive = shared().join("data/images/docker-archive/alpine-310.tar.gz");
    let target: Target = format!("docker-archive:{}", archive.display())
        .parse()
        .expect("target");
    let images = scan(&target, &ScanOptions::default(), &NoCache).expect("scan");
    let mut report = Report::from_input(ReportInput {
        artifact: images[0].artifact.clone(),
        layers: images[0].layers.clone(),
        inventory: &images[0].inventory,
    });
    match_report(&mut report, &Store::open(store_path()).expect("open")).expect("match");
    report
}

fn pairs(report: &Report) -> BTreeSet<(String, String, String, Option<String>)> {
    report
        .findings
        .iter()
        .map(|f| {
            (
                f.id.clone(),
                f.package.name.clone(),
                f.installed_version.clone(),
                f.fixed_version.clone(),
            )
        })
        .collect()
}

fn rescan(report: &Report, format: Format) -> Report {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("sbom.json");
    let mut bytes = Vec::new();
    render(report, format, &mut bytes).expect("render");
    std::fs::write(&file, bytes).expect("write sbom");
    let mut again = report_from_sbom(&file).expect("read sbom");
    match_report(&mut again, &Store::open(store_path()).expect("open")).expect("match");
    again
}

#[test]
fn cyclonedx_and_spdx_round_trips_give_the_image_findings() {
    let image = image_report();
    assert!(
        !image.findings.is_empty(),
        "alpine 3.10.4 has known fixed CVEs"
    );
    for format in [Format::CycloneDx, Format::Spdx] {
        let again = rescan(&image, format);
        assert_eq!(
            again.os.as_ref().map(|o| &o.family),
            Some(&"alpine".to_string()),
            "{format}"
        );
        assert_eq!(pairs(&again), pairs(&image), "{format}");
        assert_eq!(again.packages.len(), image.packages.len(), "{format}");
    }
    // Our own CycloneDX keeps the layer each package came from.
    let again = rescan(&image, Format::CycloneDx);
    let layers: BTreeSet<_> = again.findings.iter().map(|f| f.layer.clone()).collect();
    assert_eq!(
        layers,
        image.findings.iter().map(|f| f.layer.clone()).collect()
    );
}

#[test]
fn foreign_sbom_with_trivy_style_purls() {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("trivy.cdx.json");
    // The shape Trivy writes for alpine:3.10: bare release in `distro`, no upstream qualifier.
    let bom = serde_json::json!({
        "bomFormat": "CycloneDX", "specVersion": "1.5", "version": 1,
        "metadata": {"component": {"type": "container", "name": "alpine:3.10"}},
        "components": [
            {"type": "library", "name": "musl", "version": "1.1.22-r3",
             "purl": "pkg:apk/alpine/musl@1.1.22-r3?arch=x86_64&distro=3.10.2"},
            {"type": "library", "name": "zlib", "version": "1.2.11-r1",
             "purl": "pkg:apk/alpine/zlib@1.2.11-r1?arch=x86_64&distro=3.10.2"}
        ]
    });
    std::fs::write(&file, bom.to_string()).expect("write");
    let mut report = report_from_sbom(&file).expect("read");
    match_report(&mut report, &Store::open(store_path()).expect("open")).expect("match");
    let ids: BTreeSet<&str> = report.findings.iter().map(|f| f.id.as_str()).collect();
    // secdb v3.10 main: musl fixes CVE-2020-28928 in 1.1.22-r4 (checked with the feed in the test).
    let secdb =
        std::fs::read_to_string(shared().join("data/advisories/alpine/secdb-json/v3.10/main.json"))
            .expect("secdb");
    assert!(secdb.contains("CVE-2020-28928"));
    assert!(ids.contains("CVE-2020-28928"), "{ids:?}");
    assert_eq!(report.coverage[0].target, "os:alpine:3.10");
}

#[test]
fn a_file_that_is_no_sbom_is_a_clear_error() {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("x.json");
    std::fs::write(&file, "{\"hello\": 1}").expect("write");
    let error = report_from_sbom(&file)
        .expect_err("not an sbom")
        .to_string();
    assert!(error.contains("neither a CycloneDX"), "{error}");
    std::fs::write(&file, "not json").expect("write");
    assert!(
        report_from_sbom(&file)
            .expect_err("not json")
            .to_string()
            .contains("not a JSON document")
    );
}
