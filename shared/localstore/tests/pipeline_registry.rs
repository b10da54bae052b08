//! The whole pipeline in process on the embedded store, against a real `docker-registry` with
//! the test images of `infra/build-test-images.sh` pushed by skopeo, driven by the sample
//! events of `events/` (their ECR host mapped to the local registry).

mod support;

use std::collections::BTreeSet;

use layerwatch_engine::{NoCache, ScanOptions, Target, match_report, scan};
use layerwatch_events::Action;
use layerwatch_oci::Digest;
use layerwatch_pipeline::steps::{DispatchOutcome, JobDispatch, query};
use layerwatch_pipeline::{ImageLocation, IndexEntry, ResultQuery, keys};
use layerwatch_report::{Report, ReportInput};
use serde_json::json;
use support::{
    ECR_HOST, Local, Registry, alpine_store, ecr_event, expected_packages, image_entry, images,
};

fn ecr_alpine() -> ImageLocation {
    ImageLocation {
        registry: ECR_HOST.into(),
        repository: "layerwatch/alpine".into(),
    }
}

/// (id, package, installed version) of a report's findings.
fn findings(report: &Report) -> BTreeSet<(String, String, String)> {
    report
        .findings
        .iter()
        .map(|f| {
            (
                f.id.clone(),
                f.package.name.clone(),
                f.installed_version.clone(),
            )
        })
        .collect()
}

/// The engine's report of a local OCI layout (what `layerwatch scan oci:DIR` prints).
fn engine_report(name: &str, advisories: &std::path::Path) -> Report {
    let entry = image_entry(name);
    let layout = images().join(entry["oci_layout"].as_str().expect("layout"));
    let target: Target = format!("oci:{}:latest", layout.display())
        .parse()
        .expect("target");
    let scanned = scan(&target, &ScanOptions::default(), &NoCache).expect("engine scan");
    let mut report = Report::from_input(ReportInput {
        artifact: scanned[0].artifact.clone(),
        layers: scanned[0].layers.clone(),
        inventory: &scanned[0].inventory,
    });
    let store = layerwatch_advisory::Store::open(advisories).expect("store");
    match_report(&mut report, &store).expect("match");
    report
}

fn stored_report(local: &Local, key: &str) -> Report {
    let bytes = local
        .stores
        .objects
        .get(key)
        .expect("get")
        .unwrap_or_else(|| panic!("{key} missing"));
    serde_json::from_slice(&bytes).expect("report parses")
}

#[test]
fn an_ecr_push_event_ends_as_a_report_a_row_and_answers() {
    let reg = Registry::start();
    reg.push_image("alpine-3.20", "layerwatch/alpine:3.20");
    let tmp = tempfile::tempdir().expect("tempdir");
    let advisories = alpine_store(tmp.path(), &[]);
    let local = Local::new();
    let pipeline = local.pipeline(reg.access(), &advisories);

    let request = ecr_event("ecr-push-tagged.json", |_| {});
    assert_eq!(request.registry, ECR_HOST);
    let digest: Digest = image_entry("alpine-3.20")["digest"]
        .as_str()
        .expect("digest")
        .parse()
        .expect("digest");
    assert_eq!(request.digest, digest);
    let summary = pipeline.run_scan(&request).expect("run");
    assert!(summary.failed.is_empty(), "{:?}", summary.failed);
    assert_eq!(summary.rows.len(), 1);
    assert_eq!(summary.layers_read, 1, "one layer, read once");
    let row = &summary.rows[0];
    let key = keys::report_key(&ecr_alpine(), &digest, "linux-amd64");
    assert_eq!(row.report_key, key);
    assert_eq!(row.tags, BTreeSet::from(["3.20".to_string()]));
    assert_eq!(row.os.as_deref(), Some("alpine 3.20.3"));

    let report = stored_report(&local, &key);
    assert_eq!(report.artifact.manifest_digest.as_ref(), Some(&digest));
    assert_eq!(report.artifact.platform.as_deref(), Some("linux/amd64"));
    let packages: BTreeSet<(String, String)> = report
        .packages
        .iter()
        .map(|p| (p.name.clone(), p.version.clone()))
        .collect();
    assert_eq!(
        packages,
        expected_packages("alpine-3.20"),
        "the apk database's packages"
    );
    let layer = &image_entry("alpine-3.20")["layers"][0];
    assert_eq!(
        report.layers[0].digest.to_string(),
        layer["digest"].as_str().expect("layer")
    );
    assert_eq!(
        report.layers[0]
            .diff_id
            .as_ref()
            .map(ToString::to_string)
            .as_deref(),
        layer["diff_id"].as_str(),
        "diff IDs from the cached config"
    );
    let engine = engine_report("alpine-3.20", &advisories);
    assert_eq!(
        findings(&report),
        findings(&engine),
        "the same findings as the engine's scan"
    );
    assert!(
        !report.findings.is_empty(),
        "alpine 3.20.3 has known fixes after it"
    );
    assert_eq!(row.counts.total() as usize, report.findings.len());
    let sbom: serde_json::Value = serde_json::from_slice(
        &local
            .stores
            .objects
            .get(&row.sbom_key)
            .expect("get")
            .expect("sbom stored"),
    )
    .expect("sbom json");
    assert_eq!(sbom["bomFormat"], "CycloneDX");

    // Query by each finding's id, by package, by digest and by repository + tag.
    let ctx = pipeline.context();
    for f in &report.findings {
        let hits = query(ctx, &ResultQuery::Vulnerability(f.id.clone())).expect("query");
        assert_eq!(hits.len(), 1, "{}", f.id);
        assert!(
            hits[0]
                .1
                .iter()
                .any(|e| matches!(e, IndexEntry::Vulnerability { id, .. } if *id == f.id))
        );
    }
    let musl = query(
        ctx,
        &ResultQuery::Package {
            package: "pkg:apk/alpine/musl".into(),
            version: Some("1.2.5-r0".into()),
        },
    )
    .expect("query");
    assert_eq!(musl.len(), 1);
    assert_eq!(
        query(ctx, &ResultQuery::Digest(digest.clone()))
            .expect("q")
            .len(),
        1
    );
    let tagged = |tag: &str| {
        query(
            ctx,
            &ResultQuery::Repository {
                image: ecr_alpine(),
                tag: Some(tag.into()),
            },
        )
        .expect("q")
        .len()
    };
    assert_eq!(tagged("3.20"), 1);

    // The same event again: nothing new, no blob read.
    let gets = reg.blob_gets(None);
    let again = pipeline.run_scan(&request).expect("duplicate");
    match &again.dispatch {
        DispatchOutcome::Pushed { jobs } => {
            assert!(
                matches!(
                    jobs[0].1,
                    JobDispatch::Duplicate {
                        tag_added: None,
                        ..
                    }
                ),
                "{jobs:?}"
            )
        }
        other => panic!("{other:?}"),
    }
    assert!(again.rows.is_empty() && again.layers_read == 0);
    assert_eq!(reg.blob_gets(None), gets, "a duplicate reads no blob");
    assert_eq!(local.cache_puts(), 1);

    // A new tag on the known digest only adds the tag.
    let retag = ecr_event("ecr-push-tagged.json", |e| {
        e["id"] = json!("retag-1");
        e["detail"]["image-tag"] = json!("latest");
    });
    let tagged_run = pipeline.run_scan(&retag).expect("retag");
    assert!(tagged_run.rows.is_empty());
    assert_eq!(tagged("latest"), 1, "the row carries the new tag");
    assert_eq!(tagged("3.20"), 1);

    // A delete event marks the row deleted and keeps the report.
    let delete = ecr_event("ecr-delete.json", |e| {
        e["detail"]["image-digest"] = json!(digest.to_string());
    });
    assert_eq!(delete.action, Action::Delete);
    pipeline.run_scan(&delete).expect("delete");
    let rows = query(ctx, &ResultQuery::Digest(digest.clone())).expect("q");
    assert!(rows[0].0.deleted);
    assert!(local.stores.objects.get(&key).expect("get").is_some());
}

#[test]
fn an_index_gives_one_row_per_platform_and_its_children_are_duplicates() {
    let reg = Registry::start();
    reg.push_image("multi", "layerwatch/alpine:multi");
    let tmp = tempfile::tempdir().expect("tempdir");
    let advisories = alpine_store(tmp.path(), &[]);
    let local = Local::new();
    let pipeline = local.pipeline(reg.access(), &advisories);

    let request = ecr_event("ecr-push-index.json", |_| {});
    let summary = pipeline.run_scan(&request).expect("run");
    assert!(summary.failed.is_empty(), "{:?}", summary.failed);
    let entry = image_entry("multi");
    let expected: BTreeSet<(String, String)> = entry["manifests"]
        .as_array()
        .expect("manifests")
        .iter()
        .filter(|m| m["platform"]["os"] != "unknown")
        .map(|m| {
            let p = &m["platform"];
            let mut platform = format!(
                "{}/{}",
                p["os"].as_str().expect("os"),
                p["architecture"].as_str().expect("arch")
            );
            if let Some(v) = p["variant"].as_str() {
                platform.push('/');
                platform.push_str(v);
            }
            (m["digest"].as_str().expect("digest").to_string(), platform)
        })
        .collect();
    let rows: BTreeSet<(String, String)> = summary
        .rows
        .iter()
        .map(|r| (r.digest.to_string(), r.platform.clone()))
        .collect();
    assert_eq!(
        rows, expected,
        "one row per platform, none for the attestation"
    );
    let index: Digest = entry["digest"]
        .as_str()
        .expect("digest")
        .parse()
        .expect("digest");
    let by_index = query(pipeline.context(), &ResultQuery::Digest(index.clone())).expect("q");
    assert_eq!(by_index.len(), 2);
    assert!(
        by_index
            .iter()
            .all(|(r, _)| r.index_digest.as_ref() == Some(&index))
    );
    for (row, _) in &by_index {
        assert!(
            local
                .stores
                .objects
                .get(&row.report_key)
                .expect("get")
                .is_some(),
            "{}",
            row.report_key
        );
    }

    // ECR's event for the arm64 child of the same push: that job exists.
    let child = ecr_event("ecr-push-index-child-arm64.json", |_| {});
    let again = pipeline.run_scan(&child).expect("child");
    match &again.dispatch {
        DispatchOutcome::Pushed { jobs } => {
            assert_eq!(jobs.len(), 1);
            assert!(
                matches!(jobs[0].1, JobDispatch::Duplicate { .. }),
                "{jobs:?}"
            );
        }
        other => panic!("{other:?}"),
    }
}
