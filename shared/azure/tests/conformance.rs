//! layerwatch_pipeline's behaviour suite on the Azure stores, against Azurite (feature
//! `conformance`): `cargo test -p layerwatch-azure --features conformance`.

#![cfg(feature = "conformance")]

mod common;

use layerwatch_pipeline::conformance;

#[test]
fn objects_behave_like_every_backend() {
    conformance::objects(&common::fixture("conf-objects").storage);
}

#[test]
fn the_layer_cache_behaves_like_every_backend() {
    conformance::layer_cache(&common::fixture("conf-cache").storage);
}

#[test]
fn jobs_behave_like_every_backend() {
    conformance::jobs(&common::fixture("conf-jobs").storage);
}

#[test]
fn results_behave_like_every_backend() {
    conformance::results(&common::fixture("conf-results").storage);
}
