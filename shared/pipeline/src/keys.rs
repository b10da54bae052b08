//! Object keys, as DESIGN.md lays them out. Every backend uses these, so a report written by
//! the AWS side and one written by the CLI's embedded store sit at the same relative key.

use layerwatch_oci::{Digest, Platform};

use crate::model::ImageLocation;

/// The platform part of a report key: `linux-amd64`, `linux-arm64-v8`.
pub fn platform_slug(platform: &Platform) -> String {
    let mut slug = format!("{}-{}", platform.os, platform.architecture);
    if let Some(v) = &platform.variant {
        slug.push('-');
        slug.push_str(v);
    }
    sanitize(&slug)
}

/// `reports/v1/<registry>/<repo>/<algorithm>/<hex>/<platform>` without an extension; add
/// `.json` for the report and `.cdx.json` for the CycloneDX SBOM.
pub fn report_stem(image: &ImageLocation, digest: &Digest, platform_slug: &str) -> String {
    format!(
        "reports/v1/{}/{}/{}/{}/{}",
        sanitize(&image.registry),
        image
            .repository
            .split('/')
            .map(sanitize)
            .collect::<Vec<_>>()
            .join("/"),
        digest.algorithm().as_str(),
        digest.hex(),
        platform_slug
    )
}

/// The key of the JSON report.
pub fn report_key(image: &ImageLocation, digest: &Digest, platform_slug: &str) -> String {
    format!("{}.json", report_stem(image, digest, platform_slug))
}

/// The key of the CycloneDX SBOM beside the report.
pub fn sbom_key(image: &ImageLocation, digest: &Digest, platform_slug: &str) -> String {
    format!("{}.cdx.json", report_stem(image, digest, platform_slug))
}

/// Where an inventory too large for a table item is spilled: `layers/v1/<analyzer>/<alg>/<hex>.json.zst`.
pub fn spilled_inventory_key(layer: &Digest, analyzer: &str) -> String {
    format!(
        "layers/v1/{}/{}/{}.json.zst",
        sanitize(analyzer),
        layer.algorithm().as_str(),
        layer.hex()
    )
}

/// Where an image config blob is kept once read (`configs/v1/<alg>/<hex>.json`), so a scan
/// whose layers are all cached downloads no blob, and assemble finds the layers' diff IDs.
pub fn config_key(config: &Digest) -> String {
    format!(
        "configs/v1/{}/{}.json",
        config.algorithm().as_str(),
        config.hex()
    )
}

/// Where a failed scan is recorded beside the report it could not write
/// (`<stem>.failed.json`), so a failure is never a silent gap.
pub fn failure_key(image: &ImageLocation, digest: &Digest, platform_slug: &str) -> String {
    format!("{}.failed.json", report_stem(image, digest, platform_slug))
}

/// Where an advisory store snapshot of `revision` is published.
pub fn advisory_snapshot_key(revision: &str) -> String {
    format!("advisories/v1/{}.store", sanitize(revision))
}

/// The small object naming the newest advisory snapshot's revision.
pub const ADVISORY_LATEST_KEY: &str = "advisories/v1/LATEST";

/// Keeps a key segment to characters every object store accepts without escaping; registry
/// hosts may carry a port (`localhost:5000` becomes `localhost_5000`).
fn sanitize(segment: &str) -> String {
    // `.` and `..` would name a parent in a directory-backed store.
    if segment.chars().all(|c| c == '.') {
        return "_".repeat(segment.len().max(1));
    }
    segment
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_') {
                c
            } else {
                '_'
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn report_key_follows_the_design() {
        let image = ImageLocation {
            registry: "localhost:5000".into(),
            repository: "team/app".into(),
        };
        let digest: Digest = format!("sha256:{}", "ab".repeat(32))
            .parse()
            .expect("valid digest");
        let platform = Platform::new("linux", "arm64", Some("v8"));
        let key = report_key(&image, &digest, &platform_slug(&platform));
        assert_eq!(
            key,
            format!(
                "reports/v1/localhost_5000/team/app/sha256/{}/linux-arm64-v8.json",
                "ab".repeat(32)
            )
        );
    }

    #[test]
    fn a_hostile_repository_cannot_climb_out_of_its_prefix() {
        let image = ImageLocation {
            registry: "r".into(),
            repository: "../../x".into(),
        };
        let digest = Digest::sha256_of(b"x");
        let key = report_key(&image, &digest, "linux-amd64");
        assert!(key.starts_with("reports/v1/r/"), "{key}");
        assert!(!key.contains("/../"), "{key}");
    }
}
