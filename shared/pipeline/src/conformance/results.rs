//! Results table rules.

use std::collections::BTreeSet;

use layerwatch_inventory::ANALYZER_VERSION;
use layerwatch_oci::Digest;
use layerwatch_report::Severity;

use super::{unique, unique_digest};
use crate::model::{ImageLocation, IndexEntry, ResultRow, SeverityCounts};
use crate::store::{ResultQuery, ResultStore};

fn row(
    image: &ImageLocation,
    digest: &Digest,
    index: Option<&Digest>,
    platform: &str,
) -> ResultRow {
    ResultRow {
        image: image.clone(),
        digest: digest.clone(),
        index_digest: index.cloned(),
        platform: platform.to_string(),
        tags: BTreeSet::from(["multi".to_string()]),
        counts: SeverityCounts {
            high: 1,
            ..SeverityCounts::default()
        },
        report_key: format!("reports/v1/{image}/{}/{platform}.json", digest.hex()),
        sbom_key: format!("reports/v1/{image}/{}/{platform}.cdx.json", digest.hex()),
        advisory_revision: "rev-1".into(),
        analyzer: ANALYZER_VERSION.into(),
        scanned_at: "2026-12-03T10:00:00Z".into(),
        os: Some("alpine 3.20.3".into()),
        deleted: false,
    }
}

fn vuln(id: &str, package: &str, version: &str) -> IndexEntry {
    IndexEntry::Vulnerability {
        id: id.into(),
        package: package.into(),
        version: version.into(),
        severity: Severity::High,
    }
}

fn pkg(package: &str, version: &str) -> IndexEntry {
    IndexEntry::Package {
        package: package.into(),
        version: version.into(),
    }
}

/// The (repository, platform) pairs of an answer that belong to `image`.
fn platforms(answer: &[(ResultRow, Vec<IndexEntry>)], image: &ImageLocation) -> BTreeSet<String> {
    answer
        .iter()
        .filter(|(r, _)| r.image == *image)
        .map(|(r, _)| r.platform.clone())
        .collect()
}

/// Results rules: rows are found by platform digest, by index digest (all its platforms), by
/// repository (and tag), by package (and version) and by vulnerability id or alias, each
/// with the entries that matched; replacing a row replaces its entries; add_tag and
/// mark_deleted touch every platform row of a digest in that repository only.
pub fn results(store: &dyn ResultStore) {
    let image = ImageLocation {
        registry: "conformance.example".into(),
        repository: format!("conformance/{}", unique("results")),
    };
    let other = ImageLocation {
        registry: "conformance.example".into(),
        repository: format!("conformance/{}", unique("other")),
    };
    let index = unique_digest("index");
    let (amd64, arm64) = (unique_digest("amd64"), unique_digest("arm64"));
    // Unique names, so rows of other runs against a shared store never match.
    let cve = format!("CVE-2099-{}", unique("id"));
    let alias = format!("GHSA-{}", unique("alias"));
    let openssl = format!("pkg:apk/alpine/{}", unique("openssl"));
    let musl = format!("pkg:apk/alpine/{}", unique("musl"));

    let amd_entries = vec![
        vuln(&cve, &openssl, "3.3.1-r0"),
        vuln(&alias, &openssl, "3.3.1-r0"),
        pkg(&openssl, "3.3.1-r0"),
        pkg(&musl, "1.2.5-r0"),
    ];
    store
        .put(
            &row(&image, &amd64, Some(&index), "linux/amd64"),
            &amd_entries,
        )
        .expect("put amd64");
    store
        .put(
            &row(&image, &arm64, Some(&index), "linux/arm64/v8"),
            &[pkg(&openssl, "3.3.2-r0"), pkg(&musl, "1.2.5-r0")],
        )
        .expect("put arm64");
    // The same platform digest in another repository: a separate row.
    store
        .put(
            &row(&other, &amd64, None, "linux/amd64"),
            &[pkg(&musl, "1.2.5-r0")],
        )
        .expect("put other");

    let by_digest = store
        .query(&ResultQuery::Digest(amd64.clone()))
        .expect("by digest");
    assert_eq!(
        platforms(&by_digest, &image),
        BTreeSet::from(["linux/amd64".to_string()])
    );
    assert_eq!(
        platforms(&by_digest, &other),
        BTreeSet::from(["linux/amd64".to_string()])
    );
    let stored = &by_digest
        .iter()
        .find(|(r, _)| r.image == image)
        .expect("row")
        .0;
    assert_eq!(
        stored,
        &row(&image, &amd64, Some(&index), "linux/amd64"),
        "the row as put"
    );
    let by_index = store
        .query(&ResultQuery::Digest(index.clone()))
        .expect("by index");
    assert_eq!(
        platforms(&by_index, &image),
        BTreeSet::from(["linux/amd64".to_string(), "linux/arm64/v8".to_string()]),
        "an index digest finds each platform row"
    );

    let by_repo = store
        .query(&ResultQuery::Repository {
            image: image.clone(),
            tag: None,
        })
        .expect("by repository");
    assert_eq!(by_repo.len(), 2, "exactly the repository's rows");
    let tagged = |tag: &str| {
        store
            .query(&ResultQuery::Repository {
                image: image.clone(),
                tag: Some(tag.into()),
            })
            .expect("by tag")
    };
    assert_eq!(tagged("multi").len(), 2);
    assert!(tagged("latest").is_empty(), "no row carries `latest` yet");

    let by_pkg = store
        .query(&ResultQuery::Package {
            package: openssl.clone(),
            version: None,
        })
        .expect("by package");
    assert_eq!(
        platforms(&by_pkg, &image),
        BTreeSet::from(["linux/amd64".to_string(), "linux/arm64/v8".to_string()])
    );
    let with_entry = by_pkg
        .iter()
        .find(|(r, _)| r.digest == arm64)
        .expect("arm64 row");
    assert_eq!(
        with_entry.1,
        vec![pkg(&openssl, "3.3.2-r0")],
        "the matching entry comes along"
    );
    let by_version = store
        .query(&ResultQuery::Package {
            package: openssl.clone(),
            version: Some("3.3.2-r0".into()),
        })
        .expect("by package version");
    assert_eq!(
        platforms(&by_version, &image),
        BTreeSet::from(["linux/arm64/v8".to_string()])
    );

    for id in [&cve, &alias] {
        let hits = store
            .query(&ResultQuery::Vulnerability(id.clone()))
            .expect("by id");
        assert_eq!(hits.len(), 1, "{id} affects one image");
        assert_eq!(hits[0].0.digest, amd64);
        assert_eq!(hits[0].1, vec![vuln(id, &openssl, "3.3.1-r0")]);
    }

    // A re-match that no longer finds the CVE replaces the entries.
    store
        .put(
            &row(&image, &amd64, Some(&index), "linux/amd64"),
            &[pkg(&musl, "1.2.5-r0")],
        )
        .expect("replace");
    assert!(
        store
            .query(&ResultQuery::Vulnerability(cve.clone()))
            .expect("by id")
            .is_empty(),
        "replaced entries no longer match"
    );
    assert!(
        platforms(
            &store
                .query(&ResultQuery::Package {
                    package: openssl.clone(),
                    version: None
                })
                .expect("by package"),
            &image
        ) == BTreeSet::from(["linux/arm64/v8".to_string()]),
        "the replaced row's old packages are gone"
    );

    store
        .add_tag(&image, &index, "latest")
        .expect("tag by index digest");
    assert_eq!(
        tagged("latest").len(),
        2,
        "a tag on an index reaches every platform row"
    );
    store
        .add_tag(&image, &amd64, "amd-only")
        .expect("tag by digest");
    assert_eq!(tagged("amd-only").len(), 1);
    let other_rows = store
        .query(&ResultQuery::Repository {
            image: other.clone(),
            tag: None,
        })
        .expect("other");
    assert_eq!(other_rows.len(), 1);
    assert_eq!(
        other_rows[0].0.tags,
        BTreeSet::from(["multi".to_string()]),
        "tags stay in their repository"
    );

    store.mark_deleted(&image, &index).expect("mark deleted");
    let after = store
        .query(&ResultQuery::Repository {
            image: image.clone(),
            tag: None,
        })
        .expect("after delete");
    assert_eq!(after.len(), 2, "deleted rows are kept");
    assert!(
        after.iter().all(|(r, _)| r.deleted),
        "every platform row is marked"
    );
    let other_after = store
        .query(&ResultQuery::Repository {
            image: other.clone(),
            tag: None,
        })
        .expect("other after");
    assert!(
        !other_after[0].0.deleted,
        "another repository's row is untouched"
    );

    let all = store.query(&ResultQuery::All).expect("all");
    let ours: BTreeSet<(String, String)> = all
        .iter()
        .filter(|(r, _)| r.image == image || r.image == other)
        .map(|(r, _)| (r.image.repository.clone(), r.platform.clone()))
        .collect();
    assert_eq!(ours.len(), 3, "All lists every row");
}
