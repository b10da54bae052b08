//! `layerwatch scan --checks` through the real binary. Images are OCI
//! layouts written here from the real Alpine 3.20.3 minirootfs plus a layer of files made
//! here (a key from ssh-keygen, a `.env`, an apk cache, a setuid `sudo`): one image breaks
//! every rule, one keeps them.

mod checks_support;

use checks_support::*;
use serde_json::{Value, json};

const RULES: [&str; 11] = [
    "LW-CIS-4.1",
    "LW-CIS-4.6",
    "LW-CIS-4.7",
    "LW-CIS-4.8",
    "LW-CIS-4.9",
    "LW-CIS-4.10",
    "LW-DI-0001",
    "LW-DI-0005",
    "LW-DI-0006",
    "LW-SECRET-PRIVATE-KEY",
    "LW-SECRET-DOTENV-CREDENTIAL",
];

#[test]
fn every_rule_fails_on_the_bad_image_and_passes_on_the_good_one() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let bad = tmp.path().join("bad");
    bad_image(&bad);
    let target = format!("oci:{}", bad.display());
    let report = json_report(&target, &["--checks"]);
    for id in RULES {
        assert_eq!(
            results(&report, id),
            vec!["fail"],
            "{id}: {:#}",
            report["checks"]
        );
    }
    assert_eq!(results(&report, "LW-DI-0010"), vec!["not_applicable"]);
    let layer = report["layers"][1]["digest"].clone();
    let key = report["checks"]
        .as_array()
        .expect("checks")
        .iter()
        .find(|c| c["id"] == "LW-SECRET-PRIVATE-KEY")
        .expect("key check");
    assert_eq!(key["layer"], layer);
    assert_eq!(
        key["evidence"][0],
        "root/.ssh/id_ed25519 line 1 (private-key; value redacted)"
    );

    // The values never reach any output.
    for format in ["json", "table", "sarif"] {
        let out = layerwatch(&["scan", &target, "--no-match", "--checks", "-f", format]);
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(text.contains("LW-CIS-4.10"), "{format}: {text}");
        for value in [GH, DB_PASSWORD] {
            assert!(!text.contains(value), "{format} leaks a secret");
        }
    }
    let sarif: Value = serde_json::from_slice(
        &layerwatch(&["scan", &target, "--no-match", "--checks", "-f", "sarif"]).stdout,
    )
    .expect("sarif");
    let rules = sarif["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .expect("rules");
    assert!(rules.iter().any(|r| r["id"] == "LW-CIS-4.1"));

    let good = tmp.path().join("good");
    good_image(&good);
    let report = json_report(&format!("oci:{}", good.display()), &["--checks"]);
    for id in RULES {
        assert_eq!(
            results(&report, id),
            vec!["pass"],
            "{id}: {:#}",
            report["checks"]
        );
    }
}

#[test]
fn defaults_skips_severity_and_exit_code() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let bad = tmp.path().join("bad");
    bad_image(&bad);
    let target = format!("oci:{}", bad.display());
    // By default only the secret checks run (as Trivy scans images for secrets by default).
    let report = json_report(&target, &[]);
    assert_eq!(results(&report, "LW-CIS-4.1"), Vec::<String>::new());
    assert_eq!(results(&report, "LW-SECRET-PRIVATE-KEY"), vec!["fail"]);
    let none = json_report(&target, &["--checks=none"]);
    assert_eq!(none["checks"], json!([]));
    let skipped = json_report(
        &target,
        &[
            "--checks",
            "--skip-check",
            "LW-CIS-4.1",
            "--skip-check",
            "lw-secret-private-key",
        ],
    );
    assert!(
        results(&skipped, "LW-CIS-4.1").is_empty()
            && results(&skipped, "LW-SECRET-PRIVATE-KEY").is_empty()
    );
    assert_eq!(results(&skipped, "LW-CIS-4.6"), vec!["fail"]);
    let typo = layerwatch(&["scan", &target, "--no-match", "--skip-check", "LW-CIS-9.9"]);
    assert_eq!(typo.status.code(), Some(2));

    // Failed checks count toward --exit-code, at or above --severity.
    let code = |extra: &[&str]| {
        let mut args = vec![
            "scan",
            target.as_str(),
            "--no-match",
            "-f",
            "json",
            "--exit-code",
            "3",
        ];
        args.extend_from_slice(extra);
        layerwatch(&args).status.code()
    };
    assert_eq!(code(&[]), Some(3));
    assert_eq!(code(&["--checks=none"]), Some(0));
    // The secrets are high; nothing critical fails.
    assert_eq!(code(&["--severity", "critical"]), Some(0));
    assert_eq!(code(&["--severity", "high,critical"]), Some(3));

    let good = tmp.path().join("good");
    good_image(&good);
    let out = layerwatch(&[
        "scan",
        &format!("oci:{}", good.display()),
        "--no-match",
        "--checks",
        "-f",
        "json",
        "--exit-code",
        "3",
    ]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
}

#[test]
fn a_root_filesystem_is_not_applicable_for_the_config_rules() {
    let target = format!("rootfs:{}", minirootfs().display());
    let report = json_report(&target, &["--checks"]);
    for id in [
        "LW-CIS-4.1",
        "LW-CIS-4.6",
        "LW-CIS-4.7",
        "LW-CIS-4.9",
        "LW-CIS-4.10",
        "LW-DI-0006",
        "LW-DI-0010",
    ] {
        assert_eq!(results(&report, id), vec!["not_applicable"], "{id}");
    }
    // The files are judged: the minirootfs has no setuid file, no sudo, no cache, no secret.
    for id in [
        "LW-CIS-4.8",
        "LW-DI-0001",
        "LW-DI-0005",
        "LW-SECRET-PRIVATE-KEY",
    ] {
        assert_eq!(results(&report, id), vec!["pass"], "{id}");
    }
}
