//! The configuration checks of `layerwatch scan`: which run (`--checks`, `--skip-check`), how
//! the image was named, the registry signature look-up, and which failures count.

use std::collections::BTreeSet;

use anyhow::bail;
use layerwatch_checks::{ImageFacts, ImageName, Scope, Selection, image_checks, signature};
use layerwatch_engine::{ScannedImage, Target};
use layerwatch_registry::ClientConfig;
use layerwatch_report::{Check, CheckResult, Severity};

/// The selection of `--checks SCOPE` and `--skip-check ID...`; unknown ids are an error, so a
/// typo does not silently keep a check on.
pub fn selection(scope: &str, skip: &[String]) -> anyhow::Result<Selection> {
    let scope = match scope {
        "all" => Scope::All,
        "secrets" => Scope::Secrets,
        "none" => Scope::None,
        other => bail!("--checks: `{other}` is not all, secrets or none"),
    };
    for id in skip {
        if layerwatch_checks::catalog::find(id).is_none() {
            bail!("--skip-check: no check has the id `{id}`");
        }
    }
    Ok(Selection {
        scope,
        skip: skip.iter().cloned().collect::<BTreeSet<_>>(),
    })
}

/// The `(name:tag)` an archive or layout scan adds to the reference, when there is one.
fn named_in(reference: &str) -> Option<&str> {
    let inner = reference.strip_suffix(')')?;
    inner.rsplit_once(" (").map(|(_, n)| n)
}

/// How the user named the scanned image.
fn image_name(target: &Target, image: &ScannedImage) -> ImageName {
    let from_ref = |name: &str| {
        if name.contains([':', '/', '@']) {
            ImageName::parse(name)
        } else {
            // An OCI layout's ref name is often the tag alone (`latest`).
            ImageName::Tag(name.to_string())
        }
    };
    match target {
        Target::Registry(r) if r.digest().is_some() => ImageName::Digest,
        Target::Registry(r) => r
            .tag()
            .map_or(ImageName::Untagged, |t| ImageName::Tag(t.to_string())),
        Target::DockerArchive { tag: Some(t), .. } => ImageName::parse(t),
        Target::OciLayout { tag: Some(t), .. } => from_ref(t),
        Target::DockerArchive { .. } | Target::OciLayout { .. } => {
            named_in(&image.artifact.reference).map_or(ImageName::Unknown, from_ref)
        }
        Target::Rootfs(_) => ImageName::Unknown,
    }
}

/// The checks of `selection` on one scanned image.
pub fn run(
    target: &Target,
    image: &ScannedImage,
    selection: &Selection,
    registry: &ClientConfig,
) -> Vec<Check> {
    let name = image_name(target, image);
    let facts = ImageFacts {
        config: image.config.as_ref(),
        inventory: &image.inventory,
        layers: &image.layer_inventories,
        name: &name,
    };
    let mut checks = image_checks(&facts, selection);
    let signature_def = layerwatch_checks::catalog::find(layerwatch_checks::catalog::SIGNATURE);
    if signature_def.is_some_and(|d| selection.runs(d)) {
        let check = match (target, &image.artifact.manifest_digest) {
            (Target::Registry(r), Some(digest)) => signature::check(registry.clone(), r, digest),
            _ => {
                signature::not_applicable("only an image in a registry can carry a signature there")
            }
        };
        checks.push(check);
    }
    checks
}

/// The lowest severity `--severity` lets through (`None`: every severity).
pub fn threshold(severities: &[String]) -> Option<Severity> {
    severities.iter().map(|s| Severity::from_label(s)).min()
}

/// Drops failed checks below `threshold`, as `--severity` drops findings.
pub fn filter(checks: &mut Vec<Check>, threshold: Option<Severity>) {
    if let Some(min) = threshold {
        checks.retain(|c| c.result != CheckResult::Fail || c.severity >= min);
    }
}
