//! The streaming layer reader: one pass over a blob, digest checked, nothing written to disk.
