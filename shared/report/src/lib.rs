//! Scan reports: the JSON report (`schema_version` 1) that every other format is made from.
//!
//! The field names here are the project's public API (see DESIGN.md): they keep their names, new
//! fields may be added. [`model`] holds the types, [`purl`] the package URLs that tie a package
//! to its ecosystem and distribution, and [`build`] turns a merged image inventory into a report.
//! [`format`] writes a report as a table, JSON, CycloneDX, SPDX or SARIF ([`render`]).

pub mod build;
pub mod cyclonedx;
pub mod format;
pub mod model;
pub mod purl;
pub mod sarif;
pub mod spdx;
pub mod stamp;
pub mod summary;
pub mod table;

pub use build::{ReportInput, packages_of};
pub use format::{Format, FormatError, render, render_at, render_many};
pub use model::*;
pub use stamp::Timestamp;
