//! Building a report from a merged image inventory.

use layerwatch_inventory::{ANALYZER_VERSION, ImageInventory, Warning};

use crate::model::{Analyzer, Artifact, LayerSummary, PackageEntry, Report, SCHEMA_VERSION};
use crate::purl::purl_for;

/// What a report is made from, before matching and checks.
#[derive(Debug, Clone)]
pub struct ReportInput<'a> {
    /// The scanned artifact.
    pub artifact: Artifact,
    /// The layers, bottom first.
    pub layers: Vec<LayerSummary>,
    /// The merged inventory.
    pub inventory: &'a ImageInventory,
}

/// The packages of an inventory as report entries, with their purls.
pub fn packages_of(inventory: &ImageInventory) -> Vec<PackageEntry> {
    inventory
        .packages
        .iter()
        .map(|installed| {
            let p = &installed.package;
            PackageEntry {
                name: p.name.clone(),
                version: p.version.clone(),
                ecosystem: p.ecosystem.as_str().to_string(),
                source_name: p.source_name.clone(),
                source_version: p.source_version.clone(),
                layer: installed.layer.clone(),
                path: installed.path.clone(),
                purl: purl_for(p, inventory.os.as_ref()),
                arch: p.arch.clone(),
                license: p.license.clone(),
                os_owned: installed.os_owned,
            }
        })
        .collect()
}

impl Report {
    /// A report with the inventory's packages and warnings, and no findings or checks yet.
    /// An image without any package database says so in a warning: an empty package list must
    /// never read as "nothing vulnerable here".
    pub fn from_input(input: ReportInput<'_>) -> Report {
        let mut warnings = input.inventory.warnings.clone();
        if input.inventory.packages.is_empty() {
            warnings.push(Warning::new(
                "no-packages",
                "no package database or package metadata was found: nothing could be matched",
            ));
        }
        Report {
            schema_version: SCHEMA_VERSION,
            artifact: input.artifact,
            os: input.inventory.os.clone(),
            layers: input.layers,
            packages: packages_of(input.inventory),
            findings: Vec::new(),
            checks: Vec::new(),
            advisory_db: None,
            coverage: Vec::new(),
            analyzer: Analyzer {
                version: ANALYZER_VERSION.to_string(),
                layerwatch: env!("CARGO_PKG_VERSION").to_string(),
            },
            warnings,
        }
    }
}
