//! Secrets in layer files: the hits the layer reader recorded, one failing check per rule and
//! layer. Every layer counts, also when a later layer deletes the file: the blob still holds it
//! and anyone who pulls the image can read it.

use layerwatch_report::{Check, CheckResult};

use crate::catalog::CheckDef;
use crate::{ImageFacts, make};

/// The checks of one secret rule (`def.rule`) over every layer.
pub(crate) fn check(def: &CheckDef, facts: &ImageFacts<'_>) -> Vec<Check> {
    let Some(rule) = def.rule else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for layer in facts.layers {
        let evidence: Vec<String> = layer
            .secrets
            .iter()
            .filter(|hit| hit.rule == rule)
            .map(|hit| match hit.line {
                Some(line) => format!("{} line {line} ({rule}; value redacted)", hit.path),
                None => format!("{} ({rule}; value redacted)", hit.path),
            })
            .collect();
        if !evidence.is_empty() {
            out.push(make(
                def,
                CheckResult::Fail,
                evidence,
                Some(layer.digest.clone()),
            ));
        }
    }
    if out.is_empty() {
        out.push(make(def, CheckResult::Pass, Vec::new(), None));
    }
    out
}
