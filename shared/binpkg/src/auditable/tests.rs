//! The scanner over zlib streams compressed here (as cargo-auditable does, with zlib at level 7);
//! a real cargo-auditable binary is checked in `tests/real_binaries.rs`.

use std::io::Write;

use flate2::Compression;
use flate2::write::ZlibEncoder;

use super::*;

const JSON: &str = r#"{"packages":[{"name":"demo","version":"0.1.0","source":"local","dependencies":[1,2],"root":true},{"name":"smallvec","version":"1.6.0","source":"crates.io"},{"name":"serde_derive","version":"1.0.150","source":"crates.io","kind":"build"}]}"#;

fn zlib(data: &[u8], level: u32) -> Vec<u8> {
    let mut e = ZlibEncoder::new(Vec::new(), Compression::new(level));
    e.write_all(data).expect("compress");
    e.finish().expect("compress")
}

/// Noise with plenty of zlib-looking headers, then `payload` at `at`, then more noise.
fn file_with(payload: &[u8], at: usize) -> Vec<u8> {
    let noise = |n: usize, seed: usize| -> Vec<u8> {
        (0..n)
            .map(|i| match i % 97 {
                0 => 0x78,
                1 => 0xda,
                _ => ((i * 31 + seed) % 251) as u8,
            })
            .collect()
    };
    let mut f = noise(at, 1);
    f.extend_from_slice(payload);
    f.extend(noise(9000, 7));
    f
}

fn scan(file: &[u8], chunk: usize, max: usize) -> Result<Option<Vec<Package>>, AuditableError> {
    let mut s = AuditableScanner::new(max);
    for c in file.chunks(chunk) {
        s.feed(c);
    }
    s.finish()
}

fn names(packages: &[Package]) -> Vec<(&str, &str)> {
    packages
        .iter()
        .map(|p| (p.name.as_str(), p.version.as_str()))
        .collect()
}

#[test]
fn finds_the_stream_in_every_chunking_and_level() {
    for level in [1, 6, 7, 9] {
        let file = file_with(&zlib(JSON.as_bytes(), level), 10_000 + level as usize);
        for chunk in [1, 3, 100, 2047, 2048, 4095, 4096, 4097, 65536, file.len()] {
            let packages = scan(&file, chunk, 1 << 20)
                .expect("no error")
                .unwrap_or_else(|| panic!("found at level {level}, chunks of {chunk}"));
            assert_eq!(
                names(&packages),
                [("demo", "0.1.0"), ("smallvec", "1.6.0")],
                "build dependencies are left out"
            );
            assert!(packages.iter().all(|p| p.ecosystem == Ecosystem::Cargo));
        }
    }
}

#[test]
fn a_stream_at_the_very_end_or_start_is_found() {
    let stream = zlib(JSON.as_bytes(), 7);
    for file in [stream.clone(), [vec![0u8; 5000], stream.clone()].concat()] {
        for chunk in [1, 4096, 10_000] {
            assert!(scan(&file, chunk, 1 << 20).expect("ok").is_some());
        }
    }
}

#[test]
fn other_zlib_streams_are_not_taken() {
    let mut file = file_with(&zlib(br#"{"other":[1,2,3]}"#, 7), 3000);
    file.extend(zlib(b"{\"packages\" is not the start", 9));
    assert!(scan(&file, 4096, 1 << 20).expect("no error").is_none());
}

#[test]
fn truncated_stream_is_a_clear_error() {
    let big: String = (0..400)
        .map(|i| format!(r#"{{"name":"c{i}","version":"1.0.{i}"}}"#))
        .collect::<Vec<_>>()
        .join(",");
    let stream = zlib(format!(r#"{{"packages":[{big}]}}"#).as_bytes(), 7);
    let mut file = vec![1u8; 4000];
    file.extend_from_slice(&stream[..stream.len() / 2]);
    let err = scan(&file, 1000, 1 << 20).expect_err("truncated");
    assert!(
        matches!(err, AuditableError::Truncated { offset: 4000 }),
        "{err}"
    );
}

#[test]
fn bad_json_and_oversized_json_are_errors() {
    let file = file_with(&zlib(br#"{"packages":[{"name":1}]}"#, 7), 100);
    let err = scan(&file, 4096, 1 << 20).expect_err("bad json");
    assert!(
        err.to_string()
            .contains("cargo-auditable data at offset 100"),
        "{err}"
    );

    let file = file_with(&zlib(JSON.as_bytes(), 7), 100);
    let err = scan(&file, 4096, 64).expect_err("too large");
    assert!(
        matches!(err, AuditableError::TooLarge { limit: 64, .. }),
        "{err}"
    );
}

proptest::proptest! {
    /// Damaged streams never panic: flipped bits or a cut give packages, nothing, or an error.
    #[test]
    fn damaged_streams_do_not_panic(
        flips in proptest::collection::vec((0usize..300, 0u8..8), 0..6),
        cut in 0usize..300,
        chunk in 1usize..5000,
    ) {
        let mut file = [vec![0u8; 16], zlib(JSON.as_bytes(), 7)].concat();
        for (at, bit) in flips {
            if let Some(b) = file.get_mut(at) {
                *b ^= 1 << bit;
            }
        }
        file.truncate(cut + 16);
        let _ = scan(&file, chunk, 1 << 20);
    }
}
