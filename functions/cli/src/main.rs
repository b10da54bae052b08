//! The `layerwatch` command line.

fn main() {}
