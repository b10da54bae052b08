//! Configuration checks: what is misconfigured in an image or a Docker host, as the CIS Docker
//! Benchmark and Dockle judge it, next to the vulnerability findings.
//!
//! Image checks ([`image_checks`]) read the image config (user, health check, environment,
//! labels, history), the merged inventory (setuid files, packages, caches), the secret hits
//! the layer reader recorded for each layer, and the reference the user named. A check that
//! cannot be judged (a `rootfs:` scan has no config) is `not_applicable`, never `pass`.
//! [`signature`] looks for a signature in the registry; [`host`] audits a Docker host's files.
//! Every check has a stable id from [`catalog`]; evidence never holds a secret's value.

pub mod catalog;
mod config_secrets;
mod file_secrets;
mod history;
pub mod host;
mod image;
mod name;
pub mod signature;

use std::collections::BTreeSet;

use layerwatch_inventory::{ImageInventory, LayerInventory};
use layerwatch_oci::{Digest, ImageConfig};
use layerwatch_report::{Check, CheckResult};

pub use catalog::{CATALOG, CheckDef, Group};
pub use name::ImageName;

/// Which checks run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Scope {
    /// No checks.
    None,
    /// Secrets only (in layer files and in the config), as Trivy scans images by default.
    #[default]
    Secrets,
    /// Every image check.
    All,
}

/// The checks asked for: a scope, less the ids to skip.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Selection {
    /// Which groups run.
    pub scope: Scope,
    /// Check ids left out (`--skip-check`), compared case-insensitively.
    pub skip: BTreeSet<String>,
}

impl Selection {
    /// True when the check `def` runs.
    pub fn runs(&self, def: &CheckDef) -> bool {
        let in_scope = match self.scope {
            Scope::None => false,
            Scope::Secrets => def.group == Group::Secrets,
            Scope::All => true,
        };
        in_scope && !self.skip.iter().any(|s| s.eq_ignore_ascii_case(def.id))
    }
}

/// What the image checks read about one image.
#[derive(Debug, Clone, Copy)]
pub struct ImageFacts<'a> {
    /// The image config; `None` for a root filesystem.
    pub config: Option<&'a ImageConfig>,
    /// The merged inventory.
    pub inventory: &'a ImageInventory,
    /// The layer inventories, bottom first (their digests name the layers in the checks).
    pub layers: &'a [LayerInventory],
    /// How the user named the image.
    pub name: &'a ImageName,
}

impl ImageFacts<'_> {
    /// The digest of the layer at `index`, bottom first.
    fn layer(&self, index: usize) -> Option<Digest> {
        self.layers.get(index).map(|l| l.digest.clone())
    }
}

/// The image checks of `selection` on `facts`, in catalog order (the signature check, which
/// needs the registry, comes from [`signature::check`]).
pub fn image_checks(facts: &ImageFacts<'_>, selection: &Selection) -> Vec<Check> {
    let mut out = Vec::new();
    for def in CATALOG.iter().filter(|d| selection.runs(d)) {
        let checks = match def.id {
            catalog::USER => vec![image::user(def, facts)],
            catalog::HEALTHCHECK => vec![image::healthcheck(def, facts)],
            catalog::UPDATE_ALONE => history::update_alone(def, facts),
            catalog::SETUID => image::setuid(def, facts),
            catalog::ADD => history::add(def, facts),
            catalog::CONFIG_SECRETS => vec![config_secrets::check(def, facts)],
            catalog::SUDO => vec![image::sudo(def, facts)],
            catalog::CACHES => image::caches(def, facts),
            catalog::LATEST => vec![image::latest(def, facts)],
            catalog::SIGNATURE => continue,
            _ if def.id.starts_with(catalog::SECRET_PREFIX) => file_secrets::check(def, facts),
            _ => continue,
        };
        out.extend(checks);
    }
    out
}

/// A check of `def` with `result`, `evidence` and `layer`.
pub fn make(
    def: &CheckDef,
    result: CheckResult,
    evidence: Vec<String>,
    layer: Option<Digest>,
) -> Check {
    Check {
        id: def.id.to_string(),
        title: def.title.to_string(),
        severity: def.severity,
        result,
        evidence,
        layer,
        cis: def.cis.map(str::to_string),
    }
}

/// `not_applicable` because the scan has no image config.
fn no_config(def: &CheckDef) -> Check {
    make(
        def,
        CheckResult::NotApplicable,
        vec!["no image config: a root filesystem scan cannot be judged".to_string()],
        None,
    )
}
