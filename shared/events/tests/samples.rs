//! Every reference event from the clouds' documentation and every project sample in `events/`
//! parses, serialises back to the same JSON, re-parses equal, and gives the expected outcome.
//! Expected values are read off the JSON files themselves (see each case), not off our output.

use std::path::{Path, PathBuf};

use layerwatch_events::{Action, EventError, Outcome, ScanRequest, parse_envelope};
use serde_json::Value;

fn shared_dir() -> PathBuf {
    let dir = match std::env::var_os("LAYERWATCH_SHARED") {
        Some(d) => PathBuf::from(d),
        None => Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared"),
    };
    assert!(
        dir.join("reference/events").is_dir(),
        "shared data folder not found at {} (set LAYERWATCH_SHARED)",
        dir.display()
    );
    dir
}

fn json_files(dir: &Path) -> Vec<PathBuf> {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut files: Vec<PathBuf> = rd
        .map(|e| e.expect("readable dir entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort();
    files
}

/// Parse, serialise, compare with the original JSON, parse again, compare envelopes.
fn round_trip(path: &Path) -> Vec<Result<Outcome, EventError>> {
    let bytes = std::fs::read(path).expect("sample is readable");
    let original: Value = serde_json::from_slice(&bytes).expect("sample is JSON");
    let env = parse_envelope(&bytes).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let out = serde_json::to_value(&env).expect("envelope serialises");
    assert_eq!(
        out,
        original,
        "{}: serialised envelope differs from the file",
        path.display()
    );
    let again = parse_envelope(&serde_json::to_vec(&out).expect("json")).expect("re-parse");
    assert_eq!(again, env, "{}: re-parsed envelope differs", path.display());
    env.outcomes()
}

fn one(path: &Path) -> Result<Outcome, EventError> {
    let mut v = round_trip(path);
    assert_eq!(v.len(), 1, "{}: expected one event", path.display());
    v.remove(0)
}

fn scan(path: &Path) -> ScanRequest {
    match one(path) {
        Ok(Outcome::Scan(r)) => r,
        other => panic!("{}: expected a scan request, got {other:?}", path.display()),
    }
}

#[test]
fn reference_ecr_events() {
    let dir = shared_dir().join("reference/events");
    let idx = scan(&dir.join("aws-ecr-image-action-push-index.json"));
    assert_eq!(
        idx.registry,
        "123456789012.dkr.ecr.eu-central-1.amazonaws.com"
    );
    assert_eq!(idx.repository, "soci-index-test-repo");
    assert_eq!(
        idx.digest.to_string(),
        "sha256:42b526eda7ef7b19a51f97f059ae2eb3134183709e0ff649a36722d5479be367"
    );
    assert_eq!(idx.tag.as_deref(), Some("v4-soci"));
    assert_eq!(
        idx.media_type.as_ref().map(|m| m.as_str()),
        Some("application/vnd.oci.image.index.v1+json")
    );
    assert_eq!(idx.event_id, "4198ac28-edd6-ae65-8669-99b84990a06a");
    assert_eq!(idx.action, Action::Push);

    let child = scan(&dir.join("aws-ecr-image-action-push-untagged-oci-manifest.json"));
    assert_eq!(
        child.registry,
        "123456789012.dkr.ecr.us-east-1.amazonaws.com"
    );
    assert_eq!(child.repository, "team/sample-service");
    assert_eq!(child.tag, None, "an empty image-tag is an untagged push");
    assert_eq!(
        child.media_type.as_ref().map(|m| m.as_str()),
        Some("application/vnd.oci.image.manifest.v1+json")
    );

    // The README says the .doc sample's digest is short (60 hex): a strict parser rejects it, and
    // the documentation's delete sample carries the same short digest.
    for name in [
        "aws-ecr-image-action-push.doc.json",
        "aws-ecr-image-action-delete.json",
    ] {
        match one(&dir.join(name)) {
            Err(e @ EventError::Digest { .. }) => {
                let msg = e.to_string();
                assert!(
                    msg.contains("13cde686") || msg.contains("dd3b46cb"),
                    "{msg}"
                );
                assert!(
                    msg.contains("7f5b2640fe6fb4f4"),
                    "error names the digest: {msg}"
                );
            }
            other => panic!("{name}: expected a digest error, got {other:?}"),
        }
    }

    for name in [
        "aws-ecr-image-action-archive.json",
        "aws-ecr-image-scan-basic.json",
        "aws-inspector2-scan.json",
    ] {
        assert!(
            matches!(one(&dir.join(name)), Ok(Outcome::Ignored { .. })),
            "{name} needs no scan"
        );
    }
}

#[test]
fn delete_with_a_valid_digest_is_a_delete_request() {
    let path = shared_dir().join("reference/events/aws-ecr-image-action-delete.json");
    let mut v: Value = serde_json::from_slice(&std::fs::read(path).expect("read")).expect("json");
    let good = "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
    v["detail"]["image-digest"] = Value::from(good);
    let out = layerwatch_events::parse(&serde_json::to_vec(&v).expect("json")).expect("parses");
    let Outcome::Scan(r) = &out[0] else {
        panic!("expected a request: {out:?}")
    };
    assert_eq!(r.action, Action::Delete);
    assert_eq!(r.registry, "123456789012.dkr.ecr.us-west-2.amazonaws.com");
    assert_eq!(r.tag.as_deref(), Some("latest"));
    assert_eq!(r.digest.to_string(), good);
}

#[test]
fn reference_acr_events() {
    let dir = shared_dir().join("reference/events");
    let digest = "sha256:213bbc182920ab41e18edc2001e06abcca6735d87782d9cef68abd83941cf0e5";
    for name in [
        "azure-acr-imagepushed.eventgrid.json",
        "azure-acr-imagepushed.cloudevents.json",
    ] {
        let r = scan(&dir.join(name));
        assert_eq!(r.registry, "demo.azurecr.io", "{name}");
        assert_eq!(r.repository, "aci-helloworld");
        assert_eq!(r.digest.to_string(), digest);
        assert_eq!(r.tag.as_deref(), Some("v1"));
        assert_eq!(
            r.media_type.as_ref().map(|m| m.as_str()),
            Some("application/vnd.docker.distribution.manifest.v2+json")
        );
        assert_eq!(r.event_id, "831e1650-001e-001b-66ab-eeb76e069631");
        assert_eq!(r.action, Action::Push);
    }
    let del = scan(&dir.join("azure-acr-imagedeleted.eventgrid.json"));
    assert_eq!(del.action, Action::Delete);
    assert_eq!(del.tag, None);
    assert_eq!(del.digest.to_string(), digest);

    let chart = one(&dir.join("azure-acr-chartpushed.eventgrid.json"));
    assert!(matches!(chart, Ok(Outcome::Ignored { ref reason, .. }) if reason.contains("chart")));

    match one(&dir.join("azure-subscription-validation.eventgrid.json")) {
        Ok(Outcome::Validation(v)) => {
            assert_eq!(v.validation_code, "512d38b6-c7b8-40c8-89fe-f46f9e9622b6");
            let answer = layerwatch_events::validation_response(&v.validation_code);
            assert_eq!(
                answer,
                serde_json::json!({"validationResponse": "512d38b6-c7b8-40c8-89fe-f46f9e9622b6"})
            );
        }
        other => panic!("expected the validation handshake, got {other:?}"),
    }
}

#[test]
fn every_sample_parses_round_trips_and_matches_its_fields() {
    let shared = shared_dir();
    let project = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../events");
    let mut files = json_files(&shared.join("reference/events"));
    let reference_count = files.len();
    files.extend(json_files(&project));
    assert!(reference_count >= 11, "reference samples missing");
    let mut checked = 0;
    for path in files {
        let bytes = std::fs::read(&path).expect("read");
        let original: Value = serde_json::from_slice(&bytes).expect("json");
        let items = match &original {
            Value::Array(a) => a.clone(),
            v => vec![v.clone()],
        };
        let outcomes = round_trip(&path);
        assert_eq!(outcomes.len(), items.len(), "{}", path.display());
        for (item, outcome) in items.iter().zip(outcomes) {
            let Ok(Outcome::Scan(r)) = outcome else {
                continue;
            };
            // Independent read of the fields each schema puts them in.
            let (repo, digest, media, tag, deleted) = if let Some(d) = item.get("detail") {
                let deleted = d["action-type"] == "DELETE";
                (
                    &d["repository-name"],
                    &d["image-digest"],
                    &d["manifest-media-type"],
                    &d["image-tag"],
                    deleted,
                )
            } else {
                let t = &item["data"]["target"];
                let kind = item
                    .get("eventType")
                    .or(item.get("type"))
                    .and_then(Value::as_str);
                let deleted = kind.is_some_and(|k| k.ends_with("ImageDeleted"));
                (
                    &t["repository"],
                    &t["digest"],
                    &t["mediaType"],
                    &t["tag"],
                    deleted,
                )
            };
            let name = path.display();
            assert_eq!(
                r.media_type.as_ref().map(|m| m.as_str()),
                media.as_str(),
                "{name}"
            );
            assert_eq!(
                r.tag.as_deref(),
                tag.as_str().filter(|t| !t.is_empty()),
                "{name}"
            );
            assert_eq!(r.action == Action::Delete, deleted, "{name}");
            checked += 1;
            assert_eq!(
                Some(r.repository.as_str()),
                repo.as_str(),
                "{}",
                path.display()
            );
            assert_eq!(
                Some(r.digest.to_string().as_str()),
                digest.as_str(),
                "{}",
                path.display()
            );
        }
    }
    assert!(checked >= 5, "only {checked} scan requests were checked");
}

#[test]
fn malformed_events_name_the_event_and_field() {
    let body = br#"{"version":"0","id":"ev-1","detail-type":"ECR Image Action","source":"aws.ecr",
        "account":"1","time":"t","region":"us-east-1","detail":{"action-type":"PUSH"}}"#;
    let err = layerwatch_events::parse(body).expect_err("missing fields");
    let msg = err.to_string();
    assert!(
        msg.contains("ev-1") && msg.contains("repository-name"),
        "{msg}"
    );

    let batch =
        br#"[{"id":"g-1","eventType":"Microsoft.ContainerRegistry.ImagePushed","subject":"s",
        "data":{"target":{"repository":"r"}}}]"#;
    let err = layerwatch_events::parse(batch).expect_err("no digest");
    let msg = err.to_string();
    assert!(msg.contains("g-1") && msg.contains("digest"), "{msg}");

    assert!(matches!(
        layerwatch_events::parse(b"42"),
        Err(EventError::Envelope { .. })
    ));
    assert!(matches!(
        layerwatch_events::parse(b"{nope"),
        Err(EventError::Envelope { .. })
    ));
}

#[test]
fn short_type_names_and_unknown_fields_are_accepted() {
    let body = br#"[{"id":"e-2","eventType":"ImagePushed","subject":"x","brandNew":{"a":1},
        "topic":"/subscriptions/s/resourceGroups/g/providers/Microsoft.ContainerRegistry/registries/myreg",
        "data":{"action":"push","target":{"repository":"app","tag":"1.0","extra":true,
        "digest":"sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"}}},
        {"id":"e-3","eventType":"Microsoft.Storage.BlobCreated","subject":"x","data":{}}]"#;
    let out = layerwatch_events::parse(body).expect("parses");
    let Outcome::Scan(r) = &out[0] else {
        panic!("{out:?}")
    };
    assert_eq!(
        r.registry, "myreg.azurecr.io",
        "host from the ARM id when data.request is absent"
    );
    assert_eq!(r.tag.as_deref(), Some("1.0"));
    assert!(matches!(out[1], Outcome::Ignored { .. }));
}

#[test]
fn failed_pushes_and_non_image_artifacts_are_ignored() {
    let base = |detail: &str| {
        format!(
            r#"{{"version":"0","id":"e","detail-type":"ECR Image Action","source":"aws.ecr","account":"1",
            "time":"t","region":"us-east-1","resources":[],"detail":{detail}}}"#
        )
    };
    let d = "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
    let failed = base(&format!(
        r#"{{"action-type":"PUSH","result":"FAILURE","repository-name":"r","image-digest":"{d}"}}"#
    ));
    let helm = base(&format!(
        r#"{{"action-type":"PUSH","result":"SUCCESS","repository-name":"r","image-digest":"{d}",
        "artifact-media-type":"application/vnd.cncf.helm.config.v1+json"}}"#
    ));
    for body in [failed, helm] {
        let out = layerwatch_events::parse(body.as_bytes()).expect("parses");
        assert!(matches!(out[0], Outcome::Ignored { .. }), "{out:?}");
    }
}
