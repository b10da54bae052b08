//! End to end on the stand-ins: the ACR ImagePushed sample event, posted to the real handler
//! binary as the Functions host posts it, becomes a report blob, a results row and its CVE and
//! package index blobs in Azurite; queries answer by CVE and package; a duplicate event scans
//! nothing again.
//!
//! Expected findings come from the feed itself, not from our output: Alpine 3.20's secdb lists
//! openssl CVE-2024-9143 as fixed in 3.3.2-r1 and CVE-2024-6119 in 3.3.2-r0, and the image has
//! libcrypto3 3.3.2-r0 (its `apk` database, listed in images/expected by the image build).

mod support;

use std::collections::BTreeSet;

use layerwatch_oci::{Digest, Platform};
use layerwatch_pipeline::keys::{platform_slug, report_key, sbom_key};
use layerwatch_pipeline::{ImageLocation, ObjectStore};
use serde_json::{Value, json};

const DIGEST: &str = "sha256:9eeae264acebe2275be24bdf7f3c50a4efb62cef7ecdc9ffa24510fbc89633c1";

fn expected_packages() -> BTreeSet<(String, String)> {
    let images = std::env::var("LAYERWATCH_IMAGES")
        .unwrap_or_else(|_| "/var/cache/layerwatch/images".into());
    let tsv = std::fs::read_to_string(format!("{images}/expected/alpine-3.20.packages.tsv"))
        .expect("expected package list from infra/build-test-images.sh");
    tsv.lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let mut f = l.split('\t');
            (
                f.next().unwrap_or_default().to_string(),
                f.next().unwrap_or_default().to_string(),
            )
        })
        .collect()
}

#[test]
fn an_acr_push_event_ends_as_a_report_rows_and_indexes_and_a_duplicate_scans_nothing() {
    let host = support::start("push", &["alpine/secdb-json/v3.20/main.json"]);

    // The timer publishes the advisory snapshot assemble matches against.
    let (status, body) = host.invoke(
        "refresh-advisories",
        json!({ "timer": { "IsPastDue": false } }),
        json!({}),
    );
    assert_eq!(status, 200, "{body}");
    let revision = body["ReturnValue"]["revision"]
        .as_str()
        .expect("revision")
        .to_string();

    let event = support::event_file("acr-imagepushed.eventgrid.json");
    let answers = host.deliver_event_grid(&event);
    assert!(answers.iter().all(|(s, _)| *s == 200), "{answers:?}");
    let (layers, assembles) = host.drain();
    assert_eq!(
        (layers, assembles),
        (1, 1),
        "one layer to analyse, one assemble"
    );

    let image = ImageLocation {
        registry: "layerwatch.azurecr.io".into(),
        repository: "layerwatch/alpine".into(),
    };
    let digest: Digest = DIGEST.parse().expect("digest");
    let slug = platform_slug(&Platform::new("linux", "amd64", None));
    let key = report_key(&image, &digest, &slug);
    let report: Value =
        serde_json::from_slice(&host.storage.get(&key).expect("get").expect("report blob"))
            .expect("json");
    assert!(
        host.storage
            .get(&sbom_key(&image, &digest, &slug))
            .expect("get")
            .is_some(),
        "SBOM beside the report"
    );
    assert_eq!(report["artifact"]["manifest_digest"], DIGEST);
    assert_eq!(report["advisory_db"]["revision"], revision.as_str());
    let packages: BTreeSet<(String, String)> = report["packages"]
        .as_array()
        .expect("packages")
        .iter()
        .map(|p| {
            (
                p["name"].as_str().unwrap_or_default().to_string(),
                p["version"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect();
    assert_eq!(packages, expected_packages());
    let ids: BTreeSet<&str> = report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter_map(|f| f["id"].as_str())
        .collect();
    assert!(ids.contains("CVE-2024-9143"), "{ids:?}");
    assert!(
        !ids.contains("CVE-2024-6119"),
        "fixed in the installed version: {ids:?}"
    );

    // The index blobs sit where DESIGN.md says, listed by prefix.
    assert!(
        !host
            .storage
            .list("index/cve/CVE-2024-9143/")
            .expect("list")
            .is_empty()
    );
    assert!(!host.storage.list("results/").expect("list").is_empty());
    assert!(
        !host
            .storage
            .list("alerts/findings/")
            .expect("list")
            .is_empty(),
        "findings alert blob"
    );

    // Query by CVE and by package over the forwarded HTTP trigger.
    let (status, by_cve) = host.get("/api/query?cve=CVE-2024-9143");
    assert_eq!(status, 200, "{by_cve}");
    let rows = by_cve["rows"].as_array().expect("rows");
    assert_eq!(rows.len(), 1, "{by_cve}");
    assert_eq!(rows[0]["row"]["digest"], DIGEST);
    assert_eq!(rows[0]["row"]["report_key"], key.as_str());
    assert!(
        rows[0]["row"]["tags"]
            .as_array()
            .expect("tags")
            .contains(&json!("3.20"))
    );
    let (_, none) = host.get("/api/query?cve=CVE-2024-6119");
    assert_eq!(none["rows"].as_array().map(Vec::len), Some(0), "{none}");
    let (_, by_pkg) = host.get("/api/query?package=pkg:apk/alpine/libcrypto3&version=3.3.2-r0");
    assert_eq!(by_pkg["rows"].as_array().map(Vec::len), Some(1), "{by_pkg}");
    let (_, wrong) = host.get("/api/query?package=pkg:apk/alpine/libcrypto3&version=3.3.1-r0");
    assert_eq!(wrong["rows"].as_array().map(Vec::len), Some(0), "{wrong}");

    // Duplicate delivery (Event Grid is at-least-once), and the same push as a CloudEvent:
    // no message, no second report write.
    let etag_before = host
        .storage
        .container()
        .get(&key)
        .expect("get")
        .expect("report")
        .etag;
    let again = host.deliver_event_grid(&event);
    assert!(again.iter().all(|(s, _)| *s == 200), "{again:?}");
    let cloud = support::event_file("acr-imagepushed.cloudevents.json");
    assert!(
        host.deliver_event_grid(&cloud)
            .iter()
            .all(|(s, _)| *s == 200)
    );
    assert_eq!(
        host.drain(),
        (0, 0),
        "a duplicate event must not scan again"
    );
    assert_eq!(
        host.storage
            .container()
            .get(&key)
            .expect("get")
            .expect("report")
            .etag,
        etag_before
    );
}

#[test]
fn the_webhook_answers_both_validation_handshakes() {
    let host = support::start("hook", &[]);
    let validation = support::event_file("eventgrid-subscription-validation.json");
    let code = validation[0]["data"]["validationCode"]
        .as_str()
        .expect("code")
        .to_string();
    let (status, body) = host.runtime.block_on(async {
        let r = host
            .http
            .post(format!("{}/api/events", host.base))
            .json(&validation)
            .send()
            .await
            .expect("post");
        (r.status().as_u16(), r.json::<Value>().await.expect("json"))
    });
    assert_eq!(status, 200);
    assert_eq!(body["validationResponse"], code.as_str());
    let (status, origin) = host.runtime.block_on(async {
        let r = host
            .http
            .request(
                reqwest::Method::OPTIONS,
                format!("{}/api/events", host.base),
            )
            .header("WebHook-Request-Origin", "eventgrid.azure.net")
            .send()
            .await
            .expect("options");
        (
            r.status().as_u16(),
            r.headers()
                .get("webhook-allowed-origin")
                .and_then(|v| v.to_str().ok())
                .map(str::to_string),
        )
    });
    assert_eq!(
        (status, origin.as_deref()),
        (200, Some("eventgrid.azure.net"))
    );
}

#[test]
fn a_malformed_queue_message_is_refused_so_the_host_retries_then_poisons_it() {
    let host = support::start("bad", &[]);
    let (status, _) = host.invoke(
        "analyze-layer",
        json!({ "msg": "{\"not\": \"a layer job\"}" }),
        json!({ "DequeueCount": 1 }),
    );
    assert_eq!(status, 400);
}
