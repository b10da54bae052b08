//! The advisory store: feed ingestion, the embedded store, and matching.
//!
//! - [`model`]: the normalised [`Advisory`] every feed is turned into.
//! - [`feeds`]: readers for Alpine secdb, Debian DSA/DLA lists, OSV (JSON and YAML) and the
//!   Node.js security WG, plus [`feeds::discover`] to find them in a directory.
//! - [`matcher`]: whether an installed version is affected by an [`Affected`] entry.
//! - [`store`]: the embedded SQLite store built from a feed directory, opened read-only per scan.
//! - [`fetch`]: downloading feeds from a mirror URL or the upstream addresses into a directory.

pub mod feeds;
pub mod fetch;
pub mod matcher;
pub mod model;
pub mod score;
pub mod store;

pub use feeds::{FeedError, FeedFile, FeedKind, ParsedFile, discover};
pub use fetch::{FeedSource, FetchError, FetchReport, Upstream};
pub use matcher::{MatchDetail, MatchError, MatchedBy, scheme_for};
pub use model::{
    Advisory, Affected, Cvss, Event, FixState, Namespace, Range, RangeKind, Severity,
    VendorSeverity, normalize_package,
};
pub use store::{BrokenFile, DecodeError, SourceInfo, Store, StoreError, UpdateSummary};
