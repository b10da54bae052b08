//! The Alpine 3.10 image report.

use layerwatch_inventory::Ecosystem;
use layerwatch_report::{Artifact, Coverage, FixStatus, LayerSummary, Report, Severity};

use super::{Advisory, debian_report, digest, entry, finding, os};

/// An Alpine 3.10 image with apk packages and two findings.
pub fn alpine_report() -> Report {
    let os = os("alpine", "3.10.3", None);
    let installed = "lib/apk/db/installed";
    let packages = vec![
        entry(
            Some(&os),
            Ecosystem::Apk,
            "musl",
            "1.1.22-r3",
            Some(("musl", "1.1.22-r3")),
            "alpine",
            installed,
        ),
        entry(
            Some(&os),
            Ecosystem::Apk,
            "libcrypto1.1",
            "1.1.1d-r0",
            Some(("openssl", "1.1.1d-r0")),
            "alpine",
            installed,
        ),
        entry(
            Some(&os),
            Ecosystem::Apk,
            "libssl1.1",
            "1.1.1d-r0",
            Some(("openssl", "1.1.1d-r0")),
            "alpine",
            installed,
        ),
    ];
    let findings = vec![
        finding(
            &packages[1],
            Advisory {
                id: "CVE-2019-1551",
                aliases: &[],
                fixed: Some("1.1.1d-r2"),
                status: FixStatus::Fixed,
                severity: Severity::Medium,
                source: "alpine-secdb",
                cvss: Some(("3.1", "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:L/I:N/A:N", 5.3)),
            },
        ),
        finding(
            &packages[0],
            Advisory {
                id: "CVE-2019-14697",
                aliases: &[],
                fixed: Some("1.1.22-r4"),
                status: FixStatus::EndOfLife,
                severity: Severity::Critical,
                source: "alpine-secdb",
                cvss: Some(("2.0", "AV:N/AC:L/Au:N/C:P/I:P/A:P", 7.5)),
            },
        ),
    ];
    let mut report = debian_report();
    report.artifact = Artifact {
        reference: "docker-archive:alpine-3.10.tar".into(),
        manifest_digest: Some(digest("alpine-manifest")),
        config_digest: Some(digest("alpine-config")),
        index_digest: None,
        platform: None,
    };
    report.os = Some(os);
    report.layers = vec![LayerSummary {
        digest: digest("alpine"),
        diff_id: None,
        size: 2_800_000,
    }];
    report.packages = packages;
    report.findings = findings;
    report.checks.clear();
    report.warnings.clear();
    report.coverage = vec![Coverage {
        target: "os:alpine:3.10".into(),
        sources: vec!["alpine-secdb".into()],
    }];
    report
}
