//! Bulk comparisons of our version ordering against the ecosystems' real tools, over
//! generated pairs (proptest strategies with a fixed seed) plus hand-picked edge cases.
//! A missing tool fails the test with a message saying which one.

mod apk;
mod common;
mod composer;
mod dpkg;
mod gem;
mod laws;
mod maven;
mod npm_range;
mod pep440;
mod rpm;
mod semver;
