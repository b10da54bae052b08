//! Header parsing on hand-built blobs.

use super::*;

/// Builds a header blob from `(tag, type, value bytes)` entries.
fn blob(entries: &[(u32, u32, &[u8])]) -> Vec<u8> {
    let mut index = Vec::new();
    let mut store = Vec::new();
    for (tag, kind, value) in entries {
        for field in [*tag, *kind, store.len() as u32, 1] {
            index.extend_from_slice(&field.to_be_bytes());
        }
        store.extend_from_slice(value);
    }
    let mut out = Vec::new();
    out.extend_from_slice(&(entries.len() as u32).to_be_bytes());
    out.extend_from_slice(&(store.len() as u32).to_be_bytes());
    out.extend(index);
    out.extend(store);
    out
}

#[test]
fn reads_nevra_source_and_license() {
    let b = blob(&[
        (TAG_NAME, TYPE_STRING, b"bash\0"),
        (TAG_VERSION, TYPE_STRING, b"5.2.15\0"),
        (TAG_RELEASE, TYPE_STRING, b"1.amzn2023\0"),
        (TAG_EPOCH, TYPE_INT32, &2u32.to_be_bytes()),
        (TAG_ARCH, TYPE_STRING, b"x86_64\0"),
        (
            TAG_SOURCERPM,
            TYPE_STRING,
            b"bash-5.2.15-1.amzn2023.src.rpm\0",
        ),
        (TAG_LICENSE, TYPE_STRING, b"GPLv3+\0"),
    ]);
    let p = package(&b).expect("valid header");
    assert_eq!(p.name, "bash");
    assert_eq!(p.version, "2:5.2.15-1.amzn2023");
    assert_eq!(p.arch.as_deref(), Some("x86_64"));
    assert_eq!(p.source_name.as_deref(), Some("bash"));
    assert_eq!(p.source_version.as_deref(), Some("5.2.15-1.amzn2023"));
    assert_eq!(p.license.as_deref(), Some("GPLv3+"));
}

#[test]
fn pubkey_without_arch_or_source() {
    let b = blob(&[
        (TAG_NAME, TYPE_STRING, b"gpg-pubkey\0"),
        (TAG_VERSION, TYPE_STRING, b"d832c631\0"),
        (TAG_RELEASE, TYPE_STRING, b"63977702\0"),
    ]);
    let p = package(&b).expect("valid header");
    assert_eq!(p.version, "d832c631-63977702");
    assert_eq!((p.arch, p.source_name), (None, None));
}

#[test]
fn bad_headers_are_errors() {
    assert!(package(&[]).is_err());
    assert!(package(&[0, 0, 0, 0, 0, 0, 0, 0]).is_err());
    // Claims more data than present.
    assert!(package(&[0, 0, 0, 1, 0, 0, 1, 0]).is_err());
    // No NAME.
    assert!(package(&blob(&[(TAG_VERSION, TYPE_STRING, b"1\0")])).is_err());
    // Unterminated string.
    assert!(package(&blob(&[(TAG_NAME, TYPE_STRING, b"bash")])).is_err());
    // Wrong type for EPOCH.
    let b = blob(&[
        (TAG_NAME, TYPE_STRING, b"a\0"),
        (TAG_VERSION, TYPE_STRING, b"1\0"),
        (TAG_RELEASE, TYPE_STRING, b"1\0"),
        (TAG_EPOCH, TYPE_STRING, b"1\0"),
    ]);
    assert!(package(&b).is_err());
}

#[test]
fn source_rpm_names() {
    assert_eq!(
        split_source_rpm("util-linux-2.32.1-42.el8_8.src.rpm"),
        Some(("util-linux", "2.32.1-42.el8_8"))
    );
    assert_eq!(
        split_source_rpm("gcc12-12.2.1+git416-150000.1.5.1.src.rpm"),
        Some(("gcc12", "12.2.1+git416-150000.1.5.1"))
    );
    assert_eq!(split_source_rpm("x-1.nosrc.rpm"), None);
    assert_eq!(split_source_rpm("bash-5.2.rpm"), None);
}
