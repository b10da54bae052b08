//! What several steps share: the config cache over the object store, the report of one
//! platform image from its cached layer inventories, and the results row and index made from it.

use std::collections::{BTreeMap, BTreeSet};

use layerwatch_engine::{LayerCache, RegistryRepository, match_report};
use layerwatch_inventory::{LayerInventory, merge_layers};
use layerwatch_oci::{Digest, Platform};
use layerwatch_report::{
    Artifact, Format, LayerSummary, Report, ReportInput, Timestamp, render_at,
};
use tracing::warn;

use crate::context::Context;
use crate::error::StepError;
use crate::keys;
use crate::model::{FindingsEvent, ImageLocation, IndexEntry, JobKey, ResultRow, SeverityCounts};
use crate::store::{ObjectStore, StoreError};

/// The engine's layer cache seen through the object store: only image configs, which the
/// registry walk reads through it (layers are looked up in batches by the steps themselves).
pub(crate) struct ConfigCache<'a>(pub &'a dyn ObjectStore);

impl LayerCache for ConfigCache<'_> {
    fn get(&self, _digest: &Digest) -> Option<LayerInventory> {
        None
    }

    fn put(&self, _inventory: &LayerInventory) {}

    fn get_config(&self, digest: &Digest) -> Option<Vec<u8>> {
        match self.0.get(&keys::config_key(digest)) {
            Ok(bytes) => bytes,
            Err(e) => {
                warn!(config = %digest, error = %e, "config cache read failed; fetching the blob");
                None
            }
        }
    }

    fn put_config(&self, digest: &Digest, bytes: &[u8]) {
        if let Err(e) = self
            .0
            .put_once(&keys::config_key(digest), bytes, "application/json")
        {
            warn!(config = %digest, error = %e, "config cache write failed");
        }
    }
}

/// A client for the repository of `image`, contacting the endpoint the context maps its
/// registry to.
pub(crate) fn repository(
    ctx: &Context,
    image: &ImageLocation,
) -> Result<RegistryRepository, StepError> {
    let host = ctx.registry.endpoint(&image.registry);
    RegistryRepository::new(ctx.registry.client.clone(), host, &image.repository).map_err(|e| {
        StepError::Registry {
            message: format!("{image}: {e}"),
            retryable: false,
        }
    })
}

/// A purl without its version, qualifiers and subpath: `pkg:apk/alpine/musl`. The `@` of an
/// npm scope is percent-encoded in a purl, so the first `@` is the version's.
pub fn purl_without_version(purl: &str) -> &str {
    let end = purl.find(['@', '?', '#']).unwrap_or(purl.len());
    &purl[..end]
}

/// The platform a job key names (`unknown/unknown` when the image declared none).
pub(crate) fn platform_of(key: &JobKey) -> Platform {
    key.platform
        .parse()
        .unwrap_or_else(|_| Platform::new("unknown", "unknown", None))
}

/// Seconds since the epoch of an RFC 3339 UTC timestamp `YYYY-MM-DDThh:mm:ss[.f]Z`.
pub(crate) fn parse_unix(ts: &str) -> Option<u64> {
    let num = |r: std::ops::Range<usize>| ts.get(r)?.parse::<u64>().ok();
    let (y, m, d) = (num(0..4)?, num(5..7)?, num(8..10)?);
    let (hh, mm, ss) = (num(11..13)?, num(14..16)?, num(17..19)?);
    if !(1..=12).contains(&m) || y < 1970 {
        return None;
    }
    // Howard Hinnant's days_from_civil.
    let y = if m <= 2 { y - 1 } else { y };
    let era = y / 400;
    let yoe = y % 400;
    let mp = if m > 2 { m - 3 } else { m + 9 };
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = (era * 146_097 + doe).checked_sub(719_468)?;
    Some(days * 86_400 + hh * 3600 + mm * 60 + ss)
}

/// One platform image, ready to be matched: what the report says it is, and its layers.
pub(crate) struct ImageParts {
    pub artifact: Artifact,
    pub layers: Vec<LayerSummary>,
    /// Inventories in layer order (a layer listed twice appears twice).
    pub inventories: Vec<LayerInventory>,
}

/// The report of an image: packages from the merged inventories, matched against the
/// context's advisory store.
pub(crate) fn build_report(ctx: &Context, parts: ImageParts) -> Result<Report, StepError> {
    let inventory = merge_layers(&parts.inventories);
    let mut report = Report::from_input(ReportInput {
        artifact: parts.artifact,
        layers: parts.layers,
        inventory: &inventory,
    });
    let store = ctx.advisories.open()?;
    match_report(&mut report, &store).map_err(|e| {
        StoreError::Permanent(format!("matching {}: {e}", report.artifact.reference))
    })?;
    Ok(report)
}

/// The report as JSON and as a CycloneDX SBOM stamped `created`.
pub(crate) fn documents(
    report: &Report,
    created: &Timestamp,
) -> Result<(Vec<u8>, Vec<u8>), StepError> {
    let render = |format| {
        let mut out = Vec::new();
        render_at(report, format, created, &mut out).map_err(|e| {
            StepError::Store(StoreError::Permanent(format!(
                "rendering the report of {}: {e}",
                report.artifact.reference
            )))
        })?;
        Ok::<_, StepError>(out)
    };
    Ok((render(Format::Json)?, render(Format::CycloneDx)?))
}

/// Findings per severity.
pub(crate) fn counts(report: &Report) -> SeverityCounts {
    let mut counts = SeverityCounts::default();
    for f in &report.findings {
        counts.add(f.severity);
    }
    counts
}

/// The look-up entries of a report: each finding under its id and each alias, each package.
pub(crate) fn index_entries(report: &Report) -> Vec<IndexEntry> {
    let mut entries = BTreeSet::new();
    for f in &report.findings {
        let package = purl_without_version(&f.package.purl).to_string();
        for id in std::iter::once(&f.id).chain(&f.aliases) {
            entries.insert(IndexEntry::Vulnerability {
                id: id.clone(),
                package: package.clone(),
                version: f.installed_version.clone(),
                severity: f.severity,
            });
        }
    }
    for p in &report.packages {
        entries.insert(IndexEntry::Package {
            package: purl_without_version(&p.purl).to_string(),
            version: p.version.clone(),
        });
    }
    entries.into_iter().collect()
}

/// What a row says beyond the report: where it is, when, and the tags known.
pub(crate) struct RowFacts {
    pub image: ImageLocation,
    pub digest: Digest,
    pub platform: String,
    pub slug: String,
    pub tags: BTreeSet<String>,
    pub scanned_at: String,
    pub deleted: bool,
}

/// The results row of `report`.
pub(crate) fn row_for(report: &Report, facts: RowFacts, analyzer: &str) -> ResultRow {
    ResultRow {
        report_key: keys::report_key(&facts.image, &facts.digest, &facts.slug),
        sbom_key: keys::sbom_key(&facts.image, &facts.digest, &facts.slug),
        image: facts.image,
        digest: facts.digest,
        index_digest: report.artifact.index_digest.clone(),
        platform: facts.platform,
        tags: facts.tags,
        counts: counts(report),
        advisory_revision: report
            .advisory_db
            .as_ref()
            .map(|a| a.revision.clone())
            .unwrap_or_default(),
        analyzer: analyzer.to_string(),
        scanned_at: facts.scanned_at,
        os: report
            .os
            .as_ref()
            .map(|o| format!("{} {}", o.family, o.version)),
        deleted: facts.deleted,
    }
}

/// The findings event of a written row.
pub(crate) fn findings_event(row: &ResultRow, report: &Report) -> FindingsEvent {
    let mut top = Vec::new();
    // Findings are sorted most severe first.
    for f in &report.findings {
        if top.len() == 20 {
            break;
        }
        if !top.contains(&f.id) {
            top.push(f.id.clone());
        }
    }
    FindingsEvent {
        image: row.image.clone(),
        digest: row.digest.clone(),
        platform: row.platform.clone(),
        tags: row.tags.clone(),
        counts: row.counts.clone(),
        top,
        report_key: row.report_key.clone(),
        dimensions: BTreeMap::from([
            ("registry".to_string(), row.image.registry.clone()),
            ("repository".to_string(), row.image.repository.clone()),
        ]),
    }
}

/// Loads the inventories of `layers` (in order, repeats allowed) from the layer cache; the
/// first missing one is named in the error.
pub(crate) fn cached_inventories(
    ctx: &Context,
    layers: &[Digest],
) -> Result<Result<Vec<LayerInventory>, String>, StoreError> {
    let distinct: Vec<Digest> = layers
        .iter()
        .cloned()
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let found = ctx.layers.get_many(&distinct, &ctx.analyzer)?;
    let mut out = Vec::with_capacity(layers.len());
    for (index, layer) in layers.iter().enumerate() {
        match found.get(layer) {
            Some(inv) => out.push(inv.clone()),
            None => {
                return Ok(Err(format!(
                    "the inventory of layer {index} ({layer}) is not in the layer cache"
                )));
            }
        }
    }
    Ok(Ok(out))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn purls_lose_version_and_qualifiers() {
        assert_eq!(
            purl_without_version("pkg:apk/alpine/musl@1.2.5-r0?arch=x86_64&distro=alpine-3.20.3"),
            "pkg:apk/alpine/musl"
        );
        assert_eq!(
            purl_without_version("pkg:npm/%40babel/core@7.0.0"),
            "pkg:npm/%40babel/core"
        );
        assert_eq!(
            purl_without_version("pkg:deb/debian/bash"),
            "pkg:deb/debian/bash"
        );
    }

    #[test]
    fn timestamps_parse_back() {
        for secs in [0, 86_399, 951_782_400, 1_700_000_000, 4_102_444_800] {
            let ts = Timestamp::from_unix(secs);
            assert_eq!(parse_unix(ts.as_str()), Some(secs), "{ts}");
        }
        assert_eq!(parse_unix("garbage"), None);
    }
}
