//! Unit tests of the OSV reader on small inline records.

use super::*;
use std::path::PathBuf;

fn file() -> FeedFile {
    FeedFile {
        path: PathBuf::from("x.yaml"),
        rel_path: "x.yaml".into(),
        kind: FeedKind::OsvYaml,
        source: "test".into(),
    }
}

#[test]
fn unquoted_yaml_numbers_are_kept_as_versions() {
    let yaml = "id: PYSEC-0\naffected:\n- package: {name: demo, ecosystem: PyPI}\n  \
                ranges:\n  - type: ECOSYSTEM\n    events:\n    - introduced: 0\n    - fixed: 2\n  \
                versions:\n  - 1\n  - '1.0'\n";
    let parsed = parse_yaml(&file(), yaml.as_bytes()).unwrap();
    let a = &parsed.advisories[0].affected[0];
    assert_eq!(a.versions, vec!["1", "1.0"]);
    assert_eq!(a.fixed_versions(), vec!["2"]);
}

#[test]
fn ecosystems_map_to_namespaces() {
    let ns = |e| namespace_of(e);
    assert_eq!(ns("Debian:10"), Some(Namespace::os("debian", "buster")));
    assert_eq!(ns("Debian:sid"), Some(Namespace::os("debian", "sid")));
    assert_eq!(
        ns("Ubuntu:22.04:LTS"),
        Some(Namespace::os("ubuntu", "22.04"))
    );
    assert_eq!(
        ns("Ubuntu:Pro:16.04:LTS"),
        Some(Namespace::os("ubuntu-pro", "16.04"))
    );
    assert_eq!(ns("Alpine:v3.16"), Some(Namespace::os("alpine", "3.16")));
    assert_eq!(
        ns("Packagist"),
        Some(Namespace::Language(Ecosystem::Composer))
    );
    assert_eq!(ns("Hex"), None);
}
