//! Platform strings, normalisation and matching, with the aliases and default variants
//! containerd's `platforms` package documents (`aarch64` = `arm64`, `arm64` = `arm64/v8`,
//! `arm` = `arm/v7`, `x86_64` = `amd64`).

use layerwatch_oci::{Platform, PlatformError};

fn p(s: &str) -> Platform {
    s.parse()
        .unwrap_or_else(|e| panic!("`{s}` should parse: {e}"))
}

#[test]
fn parses_and_displays() {
    let arm = p("linux/arm64/v8");
    assert_eq!(arm.os, "linux");
    assert_eq!(arm.architecture, "arm64");
    assert_eq!(arm.variant.as_deref(), Some("v8"));
    assert_eq!(arm.to_string(), "linux/arm64/v8");
    assert_eq!(p("linux/amd64").to_string(), "linux/amd64");
    assert_eq!(p("windows/amd64").variant, None);
}

#[test]
fn normalises_architecture_aliases() {
    assert_eq!(p("linux/aarch64").to_string(), "linux/arm64");
    assert_eq!(p("linux/x86_64").to_string(), "linux/amd64");
    assert_eq!(p("Linux/X86-64").to_string(), "linux/amd64");
    assert_eq!(p("linux/i386").to_string(), "linux/386");
    assert_eq!(p("linux/armhf").to_string(), "linux/arm/v7");
    assert_eq!(p("linux/armel").to_string(), "linux/arm/v6");
}

#[test]
fn rejects_malformed() {
    for bad in [
        "",
        "linux",
        "linux/",
        "/amd64",
        "linux/arm/v7/extra",
        "linux//v7",
    ] {
        assert_eq!(
            bad.parse::<Platform>(),
            Err(PlatformError::Format(bad.to_string())),
            "{bad}"
        );
    }
}

#[test]
fn matching_applies_default_variants() {
    assert!(p("linux/arm64/v8").matches(&p("linux/arm64")));
    assert!(p("linux/arm64").matches(&p("linux/arm64/v8")));
    assert!(p("linux/aarch64").matches(&p("linux/arm64/v8")));
    assert!(p("linux/amd64").matches(&p("linux/x86_64")));
    assert!(p("linux/arm/v7").matches(&p("linux/arm")));
    assert!(!p("linux/arm/v6").matches(&p("linux/arm")));
    assert!(!p("linux/arm64").matches(&p("linux/amd64")));
    assert!(!p("windows/amd64").matches(&p("linux/amd64")));
    assert!(!p("linux/amd64/v3").matches(&p("linux/amd64")));
}

#[test]
fn unknown_is_recognised() {
    assert!(p("unknown/unknown").is_unknown());
    assert!(!p("linux/unknown").is_unknown());
}

#[test]
fn serde_uses_oci_field_names() {
    let json = r#"{"architecture":"amd64","os":"windows","os.version":"10.0.17763.1879"}"#;
    let plat: Platform = serde_json::from_str(json).expect("valid platform");
    assert_eq!(plat.os_version.as_deref(), Some("10.0.17763.1879"));
    assert_eq!(plat.to_string(), "windows/amd64");
}
