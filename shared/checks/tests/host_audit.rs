//! `host::audit` on host folders built here: a hardened host passes every item it can judge, a
//! default install fails them, and a folder without Docker is not applicable throughout.

use std::fs;
use std::os::unix::fs::{PermissionsExt, chown};
use std::os::unix::net::UnixListener;
use std::path::Path;

use layerwatch_checks::host;
use layerwatch_report::{Check, CheckResult};

fn write(root: &Path, rel: &str, text: &str, mode: u32) {
    let path = root.join(rel);
    fs::create_dir_all(path.parent().expect("parent")).expect("dirs");
    fs::write(&path, text).expect("write");
    fs::set_permissions(&path, fs::Permissions::from_mode(mode)).expect("chmod");
}

fn result(checks: &[Check], cis: &str) -> CheckResult {
    checks
        .iter()
        .find(|c| c.cis.as_deref() == Some(cis))
        .unwrap_or_else(|| panic!("no item {cis}"))
        .result
}

const UNIT: &str =
    "[Service]\nExecStart=/usr/bin/dockerd -H fd:// --containerd=/run/containerd/containerd.sock\n";

fn common(root: &Path) {
    write(root, "usr/bin/dockerd", "", 0o755);
    write(
        root,
        "lib/systemd/system/docker.socket",
        "[Socket]\nListenStream=/run/docker.sock\n",
        0o644,
    );
    write(root, "etc/group", "root:x:0:\ndocker:x:998:alice\n", 0o644);
    fs::create_dir_all(root.join("run")).expect("run");
}

#[test]
fn a_hardened_host_passes() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    common(root);
    write(root, "lib/systemd/system/docker.service", UNIT, 0o644);
    write(
        root,
        "etc/docker/daemon.json",
        r#"{"icc": false, "userns-remap": "default", "live-restore": true, "no-new-privileges": true,
            "log-driver": "syslog", "userland-proxy": false, "authorization-plugins": ["authz-broker"],
            "hosts": ["unix:///run/docker.sock", "tcp://0.0.0.0:2376"], "tlsverify": true,
            "tlscacert": "/etc/docker/ca.pem", "tlscert": "/etc/docker/cert.pem", "tlskey": "/etc/docker/key.pem"}"#,
        0o644,
    );
    fs::set_permissions(root.join("etc/docker"), fs::Permissions::from_mode(0o755)).expect("chmod");
    let sock = root.join("run/docker.sock");
    let _listener = UnixListener::bind(&sock).expect("socket");
    chown(&sock, Some(0), Some(998)).expect("chown (the test runs as root)");
    fs::set_permissions(&sock, fs::Permissions::from_mode(0o660)).expect("chmod");
    let rules: String = [
        "/usr/bin/dockerd",
        "/etc/docker",
        "/lib/systemd/system/docker.service",
        "/lib/systemd/system/docker.socket",
        "/etc/docker/daemon.json",
    ]
    .iter()
    .map(|p| format!("-w {p} -p rwxa -k docker\n"))
    .collect();
    write(root, "etc/audit/rules.d/docker.rules", &rules, 0o640);

    let checks = host::audit(root);
    let failed: Vec<&Check> = checks
        .iter()
        .filter(|c| c.result == CheckResult::Fail)
        .collect();
    assert!(failed.is_empty(), "{failed:#?}");
    for cis in [
        "1.1.3", "1.1.7", "2.2", "2.7", "2.9", "2.13", "2.14", "2.18", "3.1", "3.2", "3.15",
        "3.16", "3.17",
    ] {
        assert_eq!(result(&checks, cis), CheckResult::Pass, "{cis}");
    }
    // Files that are not on the host cannot be judged.
    for cis in ["1.1.10", "1.1.18", "3.19", "3.20"] {
        assert_eq!(result(&checks, cis), CheckResult::NotApplicable, "{cis}");
    }
    let json = host::to_json(root, &checks);
    assert_eq!(json["checks"].as_array().map(Vec::len), Some(checks.len()));
}

#[test]
fn a_default_install_fails_with_evidence() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    common(root);
    // World-writable unit, group-owned by a user, DOCKER_OPTS exposing plain TCP.
    write(root, "lib/systemd/system/docker.service", UNIT, 0o666);
    chown(
        root.join("lib/systemd/system/docker.service"),
        Some(0),
        Some(998),
    )
    .expect("chown");
    write(
        root,
        "etc/default/docker",
        "DOCKER_OPTS=\"-H tcp://0.0.0.0:2375 --insecure-registry reg.local:5000\"\n",
        0o644,
    );
    write(
        root,
        "etc/docker/daemon.json",
        "{\"log-driver\": \"json-file\", \"experimental\": true}",
        0o600,
    );
    write(
        root,
        "etc/audit/audit.rules",
        "-w /etc/passwd -k identity\n",
        0o640,
    );

    let checks = host::audit(root);
    for cis in [
        "1.1.3", "1.1.6", "2.2", "2.5", "2.7", "2.9", "2.13", "2.14", "2.17", "2.18", "3.1", "3.2",
    ] {
        assert_eq!(result(&checks, cis), CheckResult::Fail, "{cis}");
    }
    // A mode stricter than required passes.
    assert_eq!(result(&checks, "3.18"), CheckResult::Pass);
    let tls = checks
        .iter()
        .find(|c| c.cis.as_deref() == Some("2.7"))
        .expect("2.7");
    assert!(
        tls.evidence[0].contains("tcp://0.0.0.0:2375"),
        "{:?}",
        tls.evidence
    );
    let table = host::render_table(root, &checks);
    assert!(
        table.contains("LW-CIS-2.7") && table.contains("FAIL"),
        "{table}"
    );
}

#[test]
fn a_folder_without_docker_is_not_applicable() {
    let dir = tempfile::tempdir().expect("tempdir");
    write(dir.path(), "etc/hostname", "box\n", 0o644);
    let checks = host::audit(dir.path());
    assert!(!checks.is_empty());
    assert!(
        checks
            .iter()
            .all(|c| c.result == CheckResult::NotApplicable)
    );
}
