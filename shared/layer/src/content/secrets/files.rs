//! The rules tied to a kind of file (credential files, dotenv files): each reads the file's
//! lines or keys rather than searching for a token shape.

use memchr::memmem;

use super::matchers::{
    Hit, contains, contains_ignore_case, credential_name, is_base64, is_placeholder, run,
};

/// Lines of `bytes` with their byte offsets.
fn lines(bytes: &[u8]) -> impl Iterator<Item = (usize, &[u8])> {
    let mut offset = 0;
    bytes.split(|b| *b == b'\n').map(move |line| {
        let at = offset;
        offset += line.len() + 1;
        (at, line)
    })
}

/// `NAME<sep>value` on one line, `NAME` trimmed and compared case-insensitively.
fn value_after<'a>(line: &'a [u8], name: &[u8], seps: &[u8]) -> Option<&'a str> {
    let line = line.trim_ascii();
    let head = line.get(..name.len())?;
    if !head.eq_ignore_ascii_case(name) {
        return None;
    }
    let rest = line[name.len()..].trim_ascii_start();
    let rest = rest.strip_prefix(
        seps.iter()
            .find(|s| rest.first() == Some(s))
            .map(std::slice::from_ref)?,
    )?;
    std::str::from_utf8(rest.trim_ascii()).ok()
}

pub(super) fn aws_credentials_file(bytes: &[u8]) -> Option<Hit> {
    lines(bytes)
        .find(|(_, line)| {
            value_after(line, b"aws_secret_access_key", b"=").is_some_and(|v| !is_placeholder(v))
        })
        .map(|(at, _)| ("aws-credentials-file", at))
}

pub(super) fn gcp_credentials(bytes: &[u8], gcloud_dir: bool) -> Option<Hit> {
    let service_account = memmem::find(bytes, b"\"service_account\"")
        .filter(|_| contains(bytes, b"\"private_key\"") && contains(bytes, b"PRIVATE KEY"));
    let user = (gcloud_dir
        && contains(bytes, b"\"refresh_token\"")
        && contains(bytes, b"\"client_secret\""))
    .then_some(0);
    service_account.or(user).map(|at| ("gcp-credentials", at))
}

pub(super) fn azure_credentials_file(bytes: &[u8]) -> Option<Hit> {
    let names: [&[u8]; 4] = [
        b"accesstoken\"",
        b"refreshtoken\"",
        b"\"secret\"",
        b"client_secret\"",
    ];
    names
        .iter()
        .any(|n| contains_ignore_case(bytes, n))
        .then_some(("azure-credentials-file", 0))
}

pub(super) fn docker_config_auth(bytes: &[u8]) -> Option<Hit> {
    for name in [&b"\"auth\""[..], b"\"identitytoken\""] {
        for at in memmem::find_iter(bytes, name) {
            let mut i = at + name.len();
            i += run(bytes, i, |b| b.is_ascii_whitespace() || b == b':');
            if bytes.get(i) == Some(&b'"') && run(bytes, i + 1, is_base64) >= 4 {
                return Some(("docker-config-auth", at));
            }
        }
    }
    None
}

pub(super) fn npm_token(bytes: &[u8]) -> Option<Hit> {
    lines(bytes)
        .find(|(_, line)| {
            let line = line.trim_ascii();
            // `//registry.npmjs.org/:_authToken=...` or a bare `_authToken=...`.
            let key = line.split(|b| *b == b'=').next().unwrap_or(&[]);
            let tail = key.rsplit(|b| *b == b':').next().unwrap_or(key);
            matches!(tail, b"_authToken" | b"_auth" | b"_password")
                && std::str::from_utf8(&line[key.len()..])
                    .ok()
                    .and_then(|v| v.strip_prefix('='))
                    .is_some_and(|v| !is_placeholder(v))
        })
        .map(|(at, _)| ("npm-token", at))
}

pub(super) fn git_credentials(bytes: &[u8]) -> Option<Hit> {
    lines(bytes)
        .find(|(_, line)| {
            let Some(scheme_end) = memmem::find(line, b"://") else {
                return false;
            };
            let rest = &line[scheme_end + 3..];
            let Some(at) = rest.iter().position(|b| *b == b'@') else {
                return false;
            };
            let userinfo = &rest[..at];
            userinfo
                .iter()
                .position(|b| *b == b':')
                .is_some_and(|colon| colon + 1 < userinfo.len())
        })
        .map(|(at, _)| ("git-credentials", at))
}

pub(super) fn dotenv_credential(bytes: &[u8]) -> Option<Hit> {
    lines(bytes)
        .find(|(_, line)| {
            let Ok(line) = std::str::from_utf8(line) else {
                return false;
            };
            let line = line.trim();
            let line = line.strip_prefix("export ").unwrap_or(line);
            if line.starts_with('#') {
                return false;
            }
            let Some((name, value)) = line.split_once('=') else {
                return false;
            };
            let name = name.trim();
            let value = value.split(" #").next().unwrap_or(value);
            !name.contains(char::is_whitespace) && credential_name(name) && !is_placeholder(value)
        })
        .map(|(at, _)| ("dotenv-credential", at))
}
