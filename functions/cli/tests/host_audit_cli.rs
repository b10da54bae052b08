//! `layerwatch host-audit` on a host folder built here.

mod checks_support;

use checks_support::*;
use serde_json::Value;

#[test]
fn host_audit_reads_a_built_host_folder() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let root = tmp.path();
    sh(&format!(
        "set -e; cd '{}'; mkdir -p etc/docker lib/systemd/system usr/bin
         printf '{{\"icc\": false, \"live-restore\": true}}' > etc/docker/daemon.json
         printf '[Service]\\nExecStart=/usr/bin/dockerd -H fd://\\n' > lib/systemd/system/docker.service
         chmod 644 etc/docker/daemon.json lib/systemd/system/docker.service; touch usr/bin/dockerd",
        root.display()
    ));
    let out = layerwatch(&[
        "host-audit",
        "--root",
        &root.display().to_string(),
        "-f",
        "json",
        "--exit-code",
        "4",
    ]);
    assert_eq!(
        out.status.code(),
        Some(4),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let audit: Value = serde_json::from_slice(&out.stdout).expect("json");
    let result = |cis: &str| {
        audit["checks"]
            .as_array()
            .expect("checks")
            .iter()
            .find(|c| c["cis"] == cis)
            .map(|c| c["result"].as_str().expect("result").to_string())
    };
    assert_eq!(result("2.2").as_deref(), Some("pass"));
    assert_eq!(result("2.14").as_deref(), Some("pass"));
    assert_eq!(result("2.9").as_deref(), Some("fail"));
    assert_eq!(result("3.17").as_deref(), Some("pass"));
    assert_eq!(result("3.15").as_deref(), Some("not_applicable"));
    let table = layerwatch(&[
        "host-audit",
        "--root",
        &root.display().to_string(),
        "-f",
        "table",
    ]);
    let text = String::from_utf8_lossy(&table.stdout);
    assert!(
        text.contains("LW-CIS-2.9") && text.contains("FAIL"),
        "{text}"
    );
}
