//! What each format says about the report: purls, one SARIF result per finding, every finding
//! in the table, and an explicit "no findings" for an empty report.

mod common;

use std::collections::BTreeSet;

use layerwatch_report::{CheckResult, Format, Report, Timestamp, render_at, render_many};
use serde_json::Value;

fn text(report: &Report, format: Format) -> String {
    let mut out = Vec::new();
    render_at(
        report,
        format,
        &Timestamp::from_unix(1_717_243_200),
        &mut out,
    )
    .expect("rendering to memory works");
    String::from_utf8(out).expect("UTF-8 output")
}

fn json(report: &Report, format: Format) -> Value {
    serde_json::from_str(&text(report, format)).expect("JSON output")
}

fn strings<'a>(values: impl Iterator<Item = &'a Value>) -> Vec<String> {
    values
        .map(|v| v.as_str().expect("a string").to_string())
        .collect()
}

#[test]
fn cyclonedx_components_carry_the_report_purls() {
    for report in [common::debian_report(), common::alpine_report()] {
        let bom = json(&report, Format::CycloneDx);
        let components = bom["components"].as_array().expect("components");
        let purls = strings(components.iter().map(|c| &c["purl"]));
        let expected: Vec<String> = report.packages.iter().map(|p| p.purl.clone()).collect();
        assert_eq!(purls, expected);
        // bom-refs are unique even for the package installed twice.
        let refs: BTreeSet<String> = strings(components.iter().map(|c| &c["bom-ref"]))
            .into_iter()
            .collect();
        assert_eq!(refs.len(), components.len());
        // Each vulnerability points at a component that exists, with the installed version.
        let vulns = bom["vulnerabilities"].as_array().expect("vulnerabilities");
        assert_eq!(vulns.len(), report.findings.len());
        for (v, f) in vulns.iter().zip(&report.findings) {
            assert_eq!(v["id"], f.id.as_str());
            let target = v["affects"][0]["ref"].as_str().expect("a ref");
            assert!(refs.contains(target), "{target} is not a component");
            assert_eq!(
                v["affects"][0]["versions"][0]["version"],
                f.installed_version.as_str()
            );
        }
        assert_eq!(bom["metadata"]["component"]["type"], "container");
        assert_eq!(bom["specVersion"], "1.6");
        // The vendored schema copy does not check these two (see testdata/schemas/README.md).
        assert_eq!(
            bom["$schema"],
            "http://cyclonedx.org/schema/bom-1.6.schema.json"
        );
        assert_eq!(bom["version"], 1);
    }
}

#[test]
fn cyclonedx_ratings_and_analysis_follow_the_finding() {
    let report = common::debian_report();
    let bom = json(&report, Format::CycloneDx);
    let glibc = &bom["vulnerabilities"][0];
    assert_eq!(glibc["id"], "CVE-2024-2961");
    let cvss = glibc["ratings"]
        .as_array()
        .expect("ratings")
        .iter()
        .find(|r| r["method"] == "CVSSv31")
        .expect("a CVSS 3.1 rating");
    assert_eq!(cvss["score"], 8.1);
    assert_eq!(cvss["severity"], "high");
    assert_eq!(
        cvss["vector"],
        "CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:H/I:H/A:H"
    );
    assert_eq!(glibc["analysis"]["response"][0], "update");
    // no-dsa: the distribution will not fix it in a security update.
    assert_eq!(
        bom["vulnerabilities"][1]["analysis"]["response"][0],
        "will_not_fix"
    );
    // The unknown severity is not turned into a rating.
    let unknown = &bom["vulnerabilities"][2];
    assert_eq!(unknown["id"], "CVE-2007-5686");
    assert!(unknown.get("ratings").is_none(), "{unknown}");
}

#[test]
fn spdx_lists_packages_with_purls_and_relationships() {
    let report = common::debian_report();
    let doc = json(&report, Format::Spdx);
    let packages = doc["packages"].as_array().expect("packages");
    assert_eq!(packages.len(), report.packages.len() + 1);
    let purls: Vec<String> = packages[1..]
        .iter()
        .map(|p| {
            let r = &p["externalRefs"][0];
            assert_eq!(r["referenceCategory"], "PACKAGE-MANAGER");
            assert_eq!(r["referenceType"], "purl");
            r["referenceLocator"].as_str().expect("locator").to_string()
        })
        .collect();
    let expected: Vec<String> = report.packages.iter().map(|p| p.purl.clone()).collect();
    assert_eq!(purls, expected);
    let rels = doc["relationships"].as_array().expect("relationships");
    assert_eq!(rels[0]["spdxElementId"], "SPDXRef-DOCUMENT");
    assert_eq!(rels[0]["relationshipType"], "DESCRIBES");
    let contains = rels
        .iter()
        .filter(|r| r["relationshipType"] == "CONTAINS" && r["spdxElementId"] == "SPDXRef-Image")
        .count();
    assert_eq!(contains, report.packages.len());
    let ids: BTreeSet<&str> = packages
        .iter()
        .filter_map(|p| p["SPDXID"].as_str())
        .collect();
    assert_eq!(ids.len(), packages.len(), "SPDXIDs are unique");
    // The 2.3 schema leaves SPDXIDs free; the spec (and the 2.3.1 schema) wants this alphabet.
    for id in &ids {
        let rest = id.strip_prefix("SPDXRef-").expect("SPDXRef- prefix");
        assert!(
            !rest.is_empty()
                && rest
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-'),
            "bad SPDXID {id}"
        );
    }
    let hex = report
        .artifact
        .manifest_digest
        .as_ref()
        .expect("digest")
        .hex();
    let namespace = doc["documentNamespace"].as_str().expect("namespace");
    assert!(namespace.contains(hex), "{namespace}");
}

#[test]
fn sarif_has_one_result_per_finding_and_rules_per_advisory() {
    let report = common::debian_report();
    let log = json(&report, Format::Sarif);
    let run = &log["runs"][0];
    assert_eq!(log["runs"].as_array().expect("runs").len(), 1);
    assert_eq!(run["tool"]["driver"]["name"], "layerwatch");
    let failed: Vec<_> = report
        .checks
        .iter()
        .filter(|c| c.result == CheckResult::Fail)
        .collect();
    let results = run["results"].as_array().expect("results");
    assert_eq!(results.len(), report.findings.len() + failed.len());
    let result_ids = strings(results.iter().map(|r| &r["ruleId"]));
    let mut expected: Vec<String> = report.findings.iter().map(|f| f.id.clone()).collect();
    expected.extend(failed.iter().map(|c| c.id.clone()));
    assert_eq!(result_ids, expected);
    // One rule per advisory id (lodash's advisory appears twice) and per failed check.
    let rule_ids: BTreeSet<String> = strings(
        run["tool"]["driver"]["rules"]
            .as_array()
            .expect("rules")
            .iter()
            .map(|r| &r["id"]),
    )
    .into_iter()
    .collect();
    let distinct: BTreeSet<String> = expected.into_iter().collect();
    assert_eq!(rule_ids, distinct);
    let babel = results
        .iter()
        .find(|r| r["ruleId"] == "GHSA-67hx-6x53-jw92")
        .expect("the babel result");
    assert_eq!(babel["level"], "error");
    assert_eq!(babel["properties"]["security-severity"], "9.3");
    let message = babel["message"]["text"].as_str().expect("message");
    for part in ["@babel/traverse", "7.22.5", "7.23.2"] {
        assert!(message.contains(part), "{message} lacks {part}");
    }
    let uri = babel["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        .as_str()
        .expect("uri");
    assert_eq!(uri, "srv/app/node_modules/@babel/traverse/package.json");
    // A path with a space is percent-encoded into a valid URI reference.
    let spaced = results
        .iter()
        .filter(|r| r["ruleId"] == "GHSA-35jh-r3h4-6jhm")
        .nth(1)
        .expect("the second lodash result");
    assert_eq!(
        spaced["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "opt/other%20app/node_modules/lodash/package.json"
    );
}

#[test]
fn table_shows_every_finding_check_and_warning() {
    let report = common::debian_report();
    let table = text(&report, Format::Table);
    for f in &report.findings {
        assert!(table.contains(&f.id), "{} missing:\n{table}", f.id);
    }
    assert!(table.contains("LW-CIS-4.1"), "{table}");
    assert!(
        !table.contains("LW-CIS-4.6"),
        "a passed check is not listed:\n{table}"
    );
    assert!(table.contains("malformed-db"), "{table}");
    assert!(
        table.contains("critical 1, high 3, medium 1, low 1, unknown 1"),
        "{table}"
    );
    assert!(
        table.contains("registry.example.com/shop/web:1.4.2 (linux/amd64)"),
        "{table}"
    );
    assert!(table.contains("debian 12 (bookworm)"), "{table}");
    assert!(!table.to_lowercase().contains("no findings"), "{table}");
}

#[test]
fn table_says_no_findings_with_packages_and_coverage() {
    let mut report = common::alpine_report();
    report.findings.clear();
    let table = text(&report, Format::Table);
    assert!(table.contains("No findings"), "{table}");
    assert!(table.contains("3 packages scanned"), "{table}");
    assert!(table.contains("os:alpine:3.10 (alpine-secdb)"), "{table}");
    let empty = text(&common::empty_report(), Format::Table);
    assert!(empty.contains("No findings"), "{empty}");
    assert!(empty.contains("0 packages scanned"), "{empty}");
    assert!(empty.contains("no advisory database"), "{empty}");
}

#[test]
fn json_round_trips_and_many_reports_make_an_array() {
    let report = common::debian_report();
    let back: Report = serde_json::from_str(&text(&report, Format::Json)).expect("a report");
    assert_eq!(back, report);
    let mut out = Vec::new();
    render_many(
        &[report.clone(), common::alpine_report()],
        Format::Json,
        &mut out,
    )
    .expect("json takes many");
    let many: Vec<Report> = serde_json::from_slice(&out).expect("an array of reports");
    assert_eq!(many.len(), 2);
    let err = render_many(&[report.clone(), report], Format::Spdx, &mut Vec::new())
        .expect_err("an SBOM holds one image");
    assert!(err.to_string().contains("2 reports"), "{err}");
}
