//! The advisory store: feed ingestion, the embedded store, and matching.
