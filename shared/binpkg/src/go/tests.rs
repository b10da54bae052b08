//! The scanner over hand-built build info blocks (the layout `cmd/link` writes), fed in every
//! chunking; real binaries are checked against `go version -m` in `tests/real_binaries.rs`.

use super::*;

const START: &[u8; 16] = b"0w\xaf\x0c\x92t\x08\x02A\xe1\xc1\x07\xe6\xd6\x18\xe6";
const END: &[u8; 16] = b"\xf92C1\x86\x18 r\x00\x82B\x10A\x16\xd8\xf2";

const MODINFO: &str = "path\tgithub.com/containers/skopeo/cmd/skopeo\n\
mod\tgithub.com/containers/skopeo\t(devel)\t\n\
dep\tgithub.com/BurntSushi/toml\tv1.2.1\th1:abc=\n\
dep\tgolang.org/x/net\tv0.0.0-20220722155237-a158d28d115b\th1:def=\n\
=>\tgolang.org/x/net\tv0.7.0\th1:ghi=\n\
dep\texample.com/local\tv1.0.0\n\
=>\t../local\t\n\
build\t-trimpath=true\n\
build\tCGO_ENABLED=1\n";

fn uvarint(mut n: usize, out: &mut Vec<u8>) {
    while n >= 0x80 {
        out.push((n as u8) | 0x80);
        n >>= 7;
    }
    out.push(n as u8);
}

/// A build info block: header, then the two inline strings.
fn block(version: &str, modinfo: &[u8]) -> Vec<u8> {
    let mut b = MAGIC.to_vec();
    b.extend_from_slice(&[8, FLAG_INLINE]);
    b.extend_from_slice(&[0; 16]);
    uvarint(version.len(), &mut b);
    b.extend_from_slice(version.as_bytes());
    uvarint(modinfo.len(), &mut b);
    b.extend_from_slice(modinfo);
    b
}

fn framed(modinfo: &str) -> Vec<u8> {
    [START.as_slice(), modinfo.as_bytes(), END.as_slice()].concat()
}

/// A fake file: noise, then `block` at offset `at`, then more noise.
fn file_with(block: &[u8], at: usize) -> Vec<u8> {
    let mut f: Vec<u8> = (0..at).map(|i| (i * 7 + 3) as u8).collect();
    f.extend_from_slice(block);
    f.extend((0..5000).map(|i| (i * 13) as u8));
    f
}

fn scan_in_chunks(file: &[u8], chunk: usize) -> Result<Option<GoBuildInfo>, GoError> {
    let mut s = GoScanner::new(1 << 20);
    for c in file.chunks(chunk) {
        s.feed(c);
    }
    s.finish()
}

#[test]
fn reads_build_info_in_every_chunking() {
    let file = file_with(&block("go1.19.8", &framed(MODINFO)), 4096 + 48);
    for chunk in [1, 2, 7, 13, 14, 15, 16, 17, 31, 64, 1000, 4096, file.len()] {
        let info = scan_in_chunks(&file, chunk)
            .expect("no error")
            .unwrap_or_else(|| panic!("found with chunks of {chunk}"));
        assert_eq!(info.go_version, "go1.19.8");
        assert_eq!(
            info.path.as_deref(),
            Some("github.com/containers/skopeo/cmd/skopeo")
        );
        assert_eq!(info.deps.len(), 3, "chunks of {chunk}");
        assert_eq!(info.setting("-trimpath"), Some("true"));
    }
}

#[test]
fn packages_follow_replacements_and_skip_devel_main() {
    let info = GoBuildInfo::parse("go1.22.0 X:boringcrypto", &framed(MODINFO));
    let got: Vec<(String, String)> = info
        .packages()
        .into_iter()
        .map(|p| {
            assert_eq!(p.ecosystem, layerwatch_inventory::Ecosystem::Golang);
            (p.name, p.version)
        })
        .collect();
    let want = [
        ("github.com/BurntSushi/toml", "v1.2.1"),
        ("golang.org/x/net", "v0.7.0"),
        ("example.com/local", "v1.0.0"),
        ("stdlib", "1.22.0"),
    ];
    let want: Vec<(String, String)> = want
        .iter()
        .map(|(n, v)| (n.to_string(), v.to_string()))
        .collect();
    assert_eq!(got, want);
}

#[test]
fn released_main_module_is_listed_and_devel_toolchain_is_not() {
    let info = GoBuildInfo::parse("devel go1.23-abc", b"path\tx/cmd\nmod\tx\tv1.4.0\th1:x=\n");
    let names: Vec<_> = info.packages().into_iter().map(|p| p.name).collect();
    assert_eq!(names, ["x"]);
    assert_eq!(info.stdlib_version(), None);
}

#[test]
fn misaligned_magic_is_ignored() {
    let file = file_with(&block("go1.21.0", &framed(MODINFO)), 4096 + 8);
    assert!(scan_in_chunks(&file, 100).expect("no error").is_none());
}

#[test]
fn a_false_header_before_the_real_one_is_skipped() {
    // A magic with a bad pointer size, right before the real block (16 bytes later).
    let mut fake = MAGIC.to_vec();
    fake.extend_from_slice(&[3, 2]);
    let mut both = fake;
    both.extend(block("go1.20.1", &framed(MODINFO)));
    let file = file_with(&both, 64);
    for chunk in [1, 5, 16, 33, 4096] {
        let info = scan_in_chunks(&file, chunk)
            .expect("no error")
            .expect("found");
        assert_eq!(info.go_version, "go1.20.1", "chunks of {chunk}");
    }
}

#[test]
fn a_lone_false_header_is_a_clear_error() {
    let mut fake = MAGIC.to_vec();
    fake.extend_from_slice(&[3, 2]);
    fake.extend_from_slice(&[0; 40]);
    let err = scan_in_chunks(&file_with(&fake, 32), 64).expect_err("malformed");
    assert!(
        matches!(err, GoError::Malformed { offset: 32, .. }),
        "{err}"
    );
    assert!(err.to_string().contains("pointer size 3"), "{err}");
}

#[test]
fn pointer_form_is_named() {
    let mut old = MAGIC.to_vec();
    old.extend_from_slice(&[8, 0]);
    old.extend_from_slice(&[0x11; 16]);
    let err = scan_in_chunks(&file_with(&old, 16), 4096).expect_err("old form");
    assert!(matches!(err, GoError::PointerForm { offset: 16 }), "{err}");
}

#[test]
fn truncated_build_info_says_how_much_is_missing() {
    let whole = block("go1.19.8", &framed(MODINFO));
    let mut file: Vec<u8> = vec![0; 160];
    file.extend_from_slice(&whole[..whole.len() - 40]);
    let err = scan_in_chunks(&file, 50).expect_err("truncated");
    match err {
        GoError::Truncated { offset, have, need } => {
            assert_eq!(offset, 160);
            assert_eq!(have, whole.len() - 40);
            assert_eq!(need, whole.len());
        }
        e => panic!("not truncated: {e}"),
    }
}

#[test]
fn oversized_module_info_is_rejected_without_buffering() {
    let file = file_with(&block("go1.19.8", &framed(MODINFO)), 0);
    let mut s = GoScanner::new(64);
    s.feed(&file);
    let err = s.finish().expect_err("too large");
    assert!(err.to_string().contains("over the 64 byte limit"), "{err}");
}

#[test]
fn no_magic_no_packages() {
    let file: Vec<u8> = (0..100_000).map(|i| (i % 251) as u8).collect();
    assert!(scan_in_chunks(&file, 4096).expect("no error").is_none());
}

proptest::proptest! {
    /// Damaged blocks never panic: a flipped or cut byte gives build info, nothing, or an error.
    #[test]
    fn damaged_blocks_do_not_panic(
        flips in proptest::collection::vec((0usize..400, 0u8..8), 0..6),
        cut in 0usize..400,
        chunk in 1usize..300,
    ) {
        let mut file = file_with(&block("go1.19.8", &framed(MODINFO)), 32);
        for (at, bit) in flips {
            if let Some(b) = file.get_mut(at) {
                *b ^= 1 << bit;
            }
        }
        file.truncate(cut.max(1) + 32);
        let _ = scan_in_chunks(&file, chunk);
    }
}
