//! Runs a scan of a local target (docker archive, OCI layout, root filesystem) end to end.
