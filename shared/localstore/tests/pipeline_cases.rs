//! Pipeline cases beyond the happy path: a base layer shared by two images is read once, a
//! re-match after an advisory change needs no registry, and a corrupt layer fails its job
//! with a reason naming the layer until a good push replaces the failed job.

mod support;

use std::collections::BTreeSet;
use std::process::Command;

use layerwatch_localstore::Alert;
use layerwatch_oci::Digest;
use layerwatch_pipeline::steps::{query, rematch};
use layerwatch_pipeline::{ImageLocation, RegistryAccess, ResultQuery, keys};
use layerwatch_report::Report;
use serde_json::json;
use support::{ECR_HOST, Local, Registry, alpine_store, ecr_event, image_entry, images};

fn report_at(local: &Local, key: &str) -> Report {
    serde_json::from_slice(&local.stores.objects.get(key).expect("get").expect("stored"))
        .expect("parses")
}

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

fn run(cmd: &mut Command) {
    let out = cmd.output().expect("command runs");
    assert!(
        out.status.success(),
        "{cmd:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn a_base_layer_shared_by_two_images_is_read_once() {
    let reg = Registry::start();
    reg.push_image("alpine-3.20", "layerwatch/alpine:3.20");
    // A second image: the same Alpine layer plus one of its own, built with umoci.
    let tmp = tempfile::tempdir().expect("tempdir");
    let layout = tmp.path().join("app");
    let entry = image_entry("alpine-3.20");
    run(Command::new("cp")
        .arg("-r")
        .arg(images().join(entry["oci_layout"].as_str().expect("layout")))
        .arg(&layout));
    let files = tmp.path().join("files");
    std::fs::create_dir_all(files.join("app")).expect("dir");
    std::fs::write(files.join("app/hello.txt"), "hello\n").expect("file");
    run(Command::new("tar")
        .arg("-cf")
        .arg(tmp.path().join("app.tar"))
        .arg("-C")
        .arg(&files)
        .arg("app"));
    run(Command::new("umoci")
        .args(["raw", "add-layer", "--image"])
        .arg(format!("{}:latest", layout.display()))
        .arg(tmp.path().join("app.tar")));
    reg.push(&layout, "latest", "layerwatch/app:1");
    let app_digest = Digest::sha256_of(&raw_manifest(&reg, "layerwatch/app:1"));

    let advisories = alpine_store(tmp.path(), &[]);
    let local = Local::new();
    let pipeline = local.pipeline(reg.access(), &advisories);
    let base = pipeline
        .run_scan(&ecr_event("ecr-push-tagged.json", |_| {}))
        .expect("base");
    assert_eq!((base.layers_read, base.rows.len()), (1, 1));
    let app = pipeline
        .run_scan(&ecr_event("ecr-push-tagged.json", |e| {
            e["id"] = json!("app-push");
            e["detail"]["repository-name"] = json!("layerwatch/app");
            e["detail"]["image-tag"] = json!("1");
            e["detail"]["image-digest"] = json!(app_digest.to_string());
        }))
        .expect("app");
    assert!(app.failed.is_empty(), "{:?}", app.failed);
    assert_eq!(
        (app.layers_read, app.layers_cached),
        (1, 1),
        "only the new layer is read"
    );
    assert_eq!(
        local.cache_puts(),
        2,
        "two distinct layers, two cache entries"
    );
    let shared: Digest = entry["layers"][0]["digest"]
        .as_str()
        .expect("layer")
        .parse()
        .expect("digest");
    assert_eq!(
        reg.blob_gets(Some(&shared)),
        1,
        "the shared layer was downloaded once"
    );

    let app_report = report_at(&local, &app.rows[0].report_key);
    assert_eq!(app_report.layers.len(), 2);
    assert_eq!(app_report.layers[0].digest, shared);
    let base_report = report_at(&local, &base.rows[0].report_key);
    assert_eq!(
        findings(&app_report),
        findings(&base_report),
        "the added file changes no package"
    );
}

fn raw_manifest(reg: &Registry, name: &str) -> Vec<u8> {
    let out = Command::new("skopeo")
        .args(["inspect", "--raw", "--tls-verify=false"])
        .arg(format!("docker://{}/{name}", reg.host))
        .output()
        .expect("skopeo");
    assert!(
        out.status.success(),
        "skopeo inspect: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

#[test]
fn a_rematch_after_an_advisory_change_needs_no_registry() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let before = alpine_store(tmp.path(), &[]);
    let after = alpine_store(tmp.path(), &[("musl", "1.2.5-r1", "CVE-2099-0001")]);
    let local = Local::new();
    let first = {
        let reg = Registry::start();
        reg.push_image("alpine-3.20", "layerwatch/alpine:3.20");
        let pipeline = local.pipeline(reg.access(), &before);
        pipeline
            .run_scan(&ecr_event("ecr-push-tagged.json", |_| {}))
            .expect("scan")
    };
    // The registry is gone; the client is pointed at a port nothing listens on.
    let dead = format!("127.0.0.1:{}", support::free_port());
    let access = RegistryAccess {
        endpoints: [(ECR_HOST.to_string(), dead)].into(),
        ..RegistryAccess::default()
    };
    let pipeline = local.pipeline(access, &after);
    let key = first.rows[0].report_key.clone();
    let old = report_at(&local, &key);
    let outcome = rematch(pipeline.context(), &ResultQuery::All).expect("rematch");
    assert!(outcome.skipped.is_empty(), "{:?}", outcome.skipped);
    assert_eq!(outcome.rematched.len(), 1);
    assert!(outcome.rematched[0].findings_changed);

    let new = report_at(&local, &key);
    let mut expected = findings(&old);
    // musl and musl-utils are built from the source package musl (the image's apk database).
    for name in ["musl", "musl-utils"] {
        expected.insert(("CVE-2099-0001".into(), name.into(), "1.2.5-r0".into()));
    }
    assert_eq!(findings(&new), expected);
    assert_ne!(
        new.advisory_db, old.advisory_db,
        "the report names the new revision"
    );
    let hits = query(
        pipeline.context(),
        &ResultQuery::Vulnerability("CVE-2099-0001".into()),
    )
    .expect("q");
    assert_eq!(hits.len(), 1);
    assert_eq!(
        hits[0].0.image,
        ImageLocation {
            registry: ECR_HOST.into(),
            repository: "layerwatch/alpine".into()
        }
    );
    assert_eq!(hits[0].0.counts.total() as usize, expected.len());
}

#[test]
fn a_corrupt_layer_fails_the_job_until_a_good_push() {
    let reg = Registry::start();
    reg.push_image("alpine-3.20", "layerwatch/alpine:3.20");
    let entry = image_entry("alpine-3.20");
    let layer: Digest = entry["layers"][0]["digest"]
        .as_str()
        .expect("layer")
        .parse()
        .expect("digest");
    let file = reg.blob_file(&layer);
    let good = std::fs::read(&file).expect("blob");
    let mut bad = good.clone();
    let middle = bad.len() / 2;
    bad[middle] ^= 0xff;
    std::fs::write(&file, &bad).expect("corrupt");

    let tmp = tempfile::tempdir().expect("tempdir");
    let advisories = alpine_store(tmp.path(), &[]);
    let local = Local::new();
    let pipeline = local.pipeline(reg.access(), &advisories);
    let request = ecr_event("ecr-push-tagged.json", |_| {});
    let failed = pipeline.run_scan(&request).expect("run");
    assert!(failed.rows.is_empty());
    assert_eq!(failed.failed.len(), 1, "{:?}", failed.failed);
    let reason = &failed.failed[0].1;
    assert!(
        reason.contains("layer 0") && reason.contains(&layer.to_string()),
        "{reason}"
    );
    assert!(
        failed
            .alerts
            .iter()
            .any(|a| matches!(a, Alert::Failed { .. }))
    );
    let digest: Digest = entry["digest"]
        .as_str()
        .expect("digest")
        .parse()
        .expect("digest");
    let image = ImageLocation {
        registry: ECR_HOST.into(),
        repository: "layerwatch/alpine".into(),
    };
    assert!(
        local
            .stores
            .objects
            .get(&keys::failure_key(&image, &digest, "linux-amd64"))
            .expect("get")
            .is_some()
    );
    assert!(
        local
            .stores
            .objects
            .get(&keys::report_key(&image, &digest, "linux-amd64"))
            .expect("get")
            .is_none(),
        "no partial report"
    );

    std::fs::write(&file, &good).expect("restore");
    let retried = pipeline.run_scan(&request).expect("retry");
    assert!(retried.failed.is_empty(), "{:?}", retried.failed);
    assert_eq!(retried.rows.len(), 1, "a new push replaces the failed job");
}
