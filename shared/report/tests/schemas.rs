//! Every exchange format validates against its published JSON schema (vendored in
//! `testdata/schemas`, see the README there), for a full report, an Alpine one and an empty one.

mod common;

use std::path::PathBuf;

use jsonschema::{Registry, Validator};
use layerwatch_report::{Format, Report, Timestamp, render_at};
use serde_json::Value;

fn schema(name: &str) -> Value {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("testdata/schemas")
        .join(name);
    let mut text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read schema {}: {e}", path.display()));
    if name.starts_with("sarif") {
        text = escape_sarif_language_pattern(&text);
    }
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("schema {name} is not JSON: {e}"))
}

/// The SARIF schema's two `language` patterns `^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}]?$` have a lone
/// `]`: a literal in ECMAScript's legacy (Annex B) syntax, a syntax error in the strict syntax
/// the `jsonschema` crate checks schemas with, so the schema would not compile. Escaping it
/// (`\]`) keeps the meaning; the vendored file stays as published.
fn escape_sarif_language_pattern(text: &str) -> String {
    let lone = r#"[a-zA-Z]{2}]?$""#;
    assert_eq!(
        text.matches(lone).count(),
        2,
        "the SARIF schema's two language patterns changed; revisit this workaround"
    );
    text.replace(lone, r#"[a-zA-Z]{2}\\]?$""#)
}

/// A validator with format checks on, resolving the CycloneDX schema's sibling `$ref`s from the
/// vendored files (no network).
fn validator(name: &str) -> Validator {
    let registry = Registry::new()
        .add(
            "http://cyclonedx.org/schema/spdx.schema.json",
            schema("spdx.schema.json"),
        )
        .and_then(|r| {
            r.add(
                "http://cyclonedx.org/schema/jsf-0.82.schema.json",
                schema("jsf-0.82.schema.json"),
            )
        })
        .and_then(|r| r.prepare())
        .expect("the sibling schemas register");
    jsonschema::options()
        .with_registry(&registry)
        .should_validate_formats(true)
        .build(&schema(name))
        .unwrap_or_else(|e| panic!("schema {name} does not compile: {e}"))
}

fn rendered(report: &Report, format: Format) -> Value {
    let mut out = Vec::new();
    render_at(
        report,
        format,
        &Timestamp::from_unix(1_717_243_200),
        &mut out,
    )
    .expect("rendering to memory works");
    serde_json::from_slice(&out).expect("the output is JSON")
}

fn assert_valid(schema_name: &str, format: Format) {
    let validator = validator(schema_name);
    for (what, report) in [
        ("debian", common::debian_report()),
        ("alpine", common::alpine_report()),
        ("empty", common::empty_report()),
    ] {
        let doc = rendered(&report, format);
        let errors: Vec<String> = validator
            .iter_errors(&doc)
            .map(|e| format!("{} at {}", e, e.instance_path()))
            .collect();
        assert!(
            errors.is_empty(),
            "{format} of the {what} report breaks {schema_name}:\n{}",
            errors.join("\n")
        );
    }
}

#[test]
fn cyclonedx_validates_against_bom_1_6() {
    assert_valid("bom-1.6.schema.json", Format::CycloneDx);
}

#[test]
fn spdx_validates_against_spdx_2_3() {
    assert_valid("spdx-schema.json", Format::Spdx);
}

#[test]
fn sarif_validates_against_sarif_2_1_0() {
    assert_valid("sarif-schema-2.1.0.json", Format::Sarif);
}

/// The validators are not vacuous: a document missing a required member fails each of them.
#[test]
fn validators_reject_broken_documents() {
    let report = common::debian_report();
    for (schema_name, format, remove) in [
        ("bom-1.6.schema.json", Format::CycloneDx, "bomFormat"),
        ("spdx-schema.json", Format::Spdx, "documentNamespace"),
        ("sarif-schema-2.1.0.json", Format::Sarif, "runs"),
    ] {
        let mut doc = rendered(&report, format);
        doc.as_object_mut().expect("an object").remove(remove);
        assert!(
            !validator(schema_name).is_valid(&doc),
            "{schema_name} accepted a {format} document without {remove}"
        );
    }
    // A bad relationship type and a bad CycloneDX severity are caught too.
    let mut spdx = rendered(&report, Format::Spdx);
    spdx["relationships"][0]["relationshipType"] = Value::from("OWNS");
    assert!(!validator("spdx-schema.json").is_valid(&spdx));
    let mut cdx = rendered(&report, Format::CycloneDx);
    cdx["vulnerabilities"][0]["ratings"][0]["severity"] = Value::from("severe");
    assert!(!validator("bom-1.6.schema.json").is_valid(&cdx));
}
