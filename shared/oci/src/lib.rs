//! The OCI vocabulary Layerwatch speaks: content digests, image references, media types,
//! platforms and manifests.
//!
//! Everything here is parsed at the boundary: once a value of these types exists it is valid,
//! and the rest of the code never handles a digest or a reference as a bare string.

pub mod digest;

pub use digest::{Algorithm, Digest, DigestError, DigestWriter};
