//! Property tests: no input makes a parser panic, and generated dpkg/apk databases read back
//! to the packages they were generated from.

use layerwatch_inventory::ItemContent;
use layerwatch_pkgdb::{FileKind, parse};
use proptest::prelude::*;

const KINDS: [FileKind; 9] = [
    FileKind::DpkgStatus,
    FileKind::DpkgStatusD,
    FileKind::ApkInstalled,
    FileKind::RpmSqlite,
    FileKind::RpmBdb,
    FileKind::RpmNdb,
    FileKind::OsRelease,
    FileKind::AlpineRelease,
    FileKind::DebianVersion,
];

/// Byte strings biased towards what the formats look at: magics, separators, small numbers.
fn nasty_bytes() -> impl Strategy<Value = Vec<u8>> {
    let piece = prop_oneof![
        Just(b"RpmP".to_vec()),
        Just(b"Slot".to_vec()),
        Just(b"BlbS".to_vec()),
        Just(b"SQLite format 3\0".to_vec()),
        Just(vec![0x61, 0x15, 0x06, 0x00]),
        Just(b"Package: a\nStatus: install ok installed\n".to_vec()),
        Just(b"P:a\nV:1\n\n".to_vec()),
        Just(b"\n \t:=\"'\\".to_vec()),
        proptest::collection::vec(any::<u8>(), 0..64),
    ];
    proptest::collection::vec(piece, 0..24).prop_map(|pieces| pieces.concat())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn no_kind_panics(bytes in nasty_bytes()) {
        for kind in KINDS {
            let _ = parse(kind, &bytes);
        }
    }

    #[test]
    fn generated_dpkg_status_reads_back(
        entries in proptest::collection::vec(
            ("[a-z][a-z0-9+.-]{1,12}", "([1-9]:)?[0-9][0-9a-z.+~]{0,8}(-[0-9a-z.+~]{1,6})?",
             proptest::option::of("[a-z][a-z0-9+.-]{1,12}"), any::<bool>()),
            0..12,
        )
    ) {
        let mut text = String::new();
        let mut expected = Vec::new();
        for (name, version, source, installed) in &entries {
            let status = if *installed { "install ok installed" } else { "deinstall ok config-files" };
            text.push_str(&format!("Package: {name}\nStatus: {status}\nVersion: {version}\n"));
            if let Some(source) = source {
                text.push_str(&format!("Source: {source} ({version}~src)\n"));
            }
            text.push_str("Description: generated\n a continuation: line\n .\n\n");
            if *installed {
                let (src, src_version) = match source {
                    Some(s) => (s.clone(), format!("{version}~src")),
                    None => (name.clone(), version.clone()),
                };
                expected.push((name.clone(), version.clone(), src, src_version));
            }
        }
        let Ok(ItemContent::Packages { packages, .. }) = parse(FileKind::DpkgStatus, text.as_bytes()) else {
            panic!("generated status not parsed:\n{text}");
        };
        let got: Vec<_> = packages
            .into_iter()
            .map(|p| (p.name, p.version, p.source_name.unwrap_or_default(), p.source_version.unwrap_or_default()))
            .collect();
        prop_assert_eq!(got, expected);
    }
}
