//! CIS 3.x: owners and permissions of Docker's configuration files and socket. Owners are
//! compared by number (uid 0, gid 0, and the `docker` group's gid from the root's
//! `etc/group`), so a copied root folder is judged as the host it came from.

use std::os::unix::fs::MetadataExt;
use std::path::Path;

use layerwatch_report::{Check, CheckResult, Severity};

use super::{docker_sock, host_check, unit};

/// The gid of group `name` in `root/etc/group`.
fn group_gid(root: &Path, name: &str) -> Option<u32> {
    let text = std::fs::read_to_string(root.join("etc/group")).ok()?;
    text.lines().find_map(|l| {
        let mut f = l.split(':');
        (f.next() == Some(name)).then(|| f.nth(1)?.parse().ok())?
    })
}

/// (owner section, mode section, what, where, most permissive mode allowed, group may be docker).
struct Item {
    owner: &'static str,
    mode: &'static str,
    what: &'static str,
    path: Option<String>,
    max_mode: u32,
    docker_group: bool,
}

/// The 3.x checks.
pub fn checks(root: &Path) -> Vec<Check> {
    let items = [
        Item {
            owner: "3.1",
            mode: "3.2",
            what: "docker.service",
            path: unit(root, "docker.service"),
            max_mode: 0o644,
            docker_group: false,
        },
        Item {
            owner: "3.3",
            mode: "3.4",
            what: "docker.socket",
            path: unit(root, "docker.socket"),
            max_mode: 0o644,
            docker_group: false,
        },
        Item {
            owner: "3.5",
            mode: "3.6",
            what: "/etc/docker",
            path: Some("etc/docker".into()),
            max_mode: 0o755,
            docker_group: false,
        },
        Item {
            owner: "3.15",
            mode: "3.16",
            what: "docker.sock",
            path: docker_sock(root),
            max_mode: 0o660,
            docker_group: true,
        },
        Item {
            owner: "3.17",
            mode: "3.18",
            what: "daemon.json",
            path: Some("etc/docker/daemon.json".into()),
            max_mode: 0o644,
            docker_group: false,
        },
        Item {
            owner: "3.19",
            mode: "3.20",
            what: "/etc/default/docker",
            path: Some("etc/default/docker".into()),
            max_mode: 0o644,
            docker_group: false,
        },
    ];
    let docker_gid = group_gid(root, "docker");
    let mut out = Vec::new();
    for item in items {
        let group = if item.docker_group {
            "root:docker"
        } else {
            "root:root"
        };
        let owner_title = format!("{} is owned by {group}", item.what);
        let mode_title = format!(
            "{} permissions are {:o} or stricter",
            item.what, item.max_mode
        );
        let meta = item
            .path
            .as_ref()
            .and_then(|p| root.join(p).symlink_metadata().ok().map(|m| (p, m)));
        let Some((path, meta)) = meta else {
            let gone = vec![format!("{} is not on this host", item.what)];
            out.push(host_check(
                item.owner,
                &owner_title,
                Severity::Medium,
                CheckResult::NotApplicable,
                gone.clone(),
            ));
            out.push(host_check(
                item.mode,
                &mode_title,
                Severity::Medium,
                CheckResult::NotApplicable,
                gone,
            ));
            continue;
        };
        let (uid, gid, mode) = (meta.uid(), meta.gid(), meta.mode() & 0o7777);
        let gid_ok = gid == 0 || (item.docker_group && Some(gid) == docker_gid);
        let owner_ok = uid == 0 && gid_ok;
        let said = format!("/{path}: uid {uid}, gid {gid}, mode {mode:04o}");
        let result = |ok: bool| {
            if ok {
                CheckResult::Pass
            } else {
                CheckResult::Fail
            }
        };
        out.push(host_check(
            item.owner,
            &owner_title,
            Severity::Medium,
            result(owner_ok),
            vec![said.clone()],
        ));
        out.push(host_check(
            item.mode,
            &mode_title,
            Severity::Medium,
            result(mode & !item.max_mode == 0),
            vec![said],
        ));
    }
    out
}
