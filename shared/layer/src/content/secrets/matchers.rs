//! The matchers behind each rule of [`super`]: hand-written scanners over bytes, found by a
//! substring search for each rule's fixed prefix, then checked character by character.

use memchr::memmem;

pub(super) type Hit = (&'static str, usize);

fn is_word(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

pub(super) fn is_base64(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'+' || b == b'/' || b == b'='
}

/// True when the byte before `at` does not continue a word.
fn starts_word(bytes: &[u8], at: usize) -> bool {
    at == 0 || !is_word(bytes[at - 1])
}

/// Length of the run at `bytes[at..]` of bytes that satisfy `ok`.
pub(super) fn run(bytes: &[u8], at: usize, ok: impl Fn(u8) -> bool) -> usize {
    bytes
        .get(at..)
        .map_or(0, |rest| rest.iter().take_while(|b| ok(**b)).count())
}

pub(super) fn contains(hay: &[u8], needle: &[u8]) -> bool {
    memmem::find(hay, needle).is_some()
}

pub(super) fn contains_ignore_case(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len())
        .any(|w| w.eq_ignore_ascii_case(needle))
}

/// Whether an environment or dotenv name looks like it holds a credential: one of its parts
/// (split at `_`, `-`, `.`) is `PASSWORD`, `PASSWD`, `PASS`, `SECRET(S)`, `TOKEN`,
/// `CREDENTIAL(S)` or `APIKEY`, or two adjacent parts are `API|ACCESS|SECRET|PRIVATE|AUTH`
/// followed by `KEY` or `TOKEN`. Names ending in `_FILE` or `_PATH` (the Docker secrets
/// convention `POSTGRES_PASSWORD_FILE=/run/secrets/db`) point to a secret and are not one;
/// `GPG_KEY` (a public key id in official images) and `PWD` (the working directory) do not match.
pub fn credential_name(name: &str) -> bool {
    let upper = name.to_ascii_uppercase();
    let parts: Vec<&str> = upper
        .split(['_', '-', '.'])
        .filter(|p| !p.is_empty())
        .collect();
    if matches!(
        parts.last(),
        Some(&("FILE" | "PATH" | "DIR" | "URL" | "ENDPOINT"))
    ) {
        return false;
    }
    let single = parts.iter().any(|p| {
        matches!(
            *p,
            "PASSWORD"
                | "PASSWD"
                | "PASS"
                | "SECRET"
                | "SECRETS"
                | "TOKEN"
                | "CREDENTIAL"
                | "CREDENTIALS"
                | "APIKEY"
        )
    });
    single
        || parts.windows(2).any(|w| {
            matches!(w[0], "API" | "ACCESS" | "SECRET" | "PRIVATE" | "AUTH")
                && matches!(w[1], "KEY" | "TOKEN")
        })
}

/// Whether a value is a stand-in rather than a secret: empty, a variable (`$X`, `${X}`,
/// `{{ x }}`), a bracketed hint (`<token>`, `[secret]`), all one repeated character (`xxxx`,
/// `****`), shorter than 4 characters, or a word such as `changeme`, `none`, `null`, `true`.
pub fn is_placeholder(value: &str) -> bool {
    let v = value.trim().trim_matches(['"', '\'']).trim();
    let lower = v.to_ascii_lowercase();
    let first = v.chars().next();
    v.len() < 4
        || v.starts_with('$')
        || v.starts_with("{{")
        || (v.starts_with('<') && v.ends_with('>'))
        || (v.starts_with('[') && v.ends_with(']'))
        || first.is_some_and(|f| v.chars().all(|c| c == f))
        || lower.starts_with("your")
        || lower.starts_with("/run/secrets/")
        || matches!(
            lower.as_str(),
            "changeme"
                | "change_me"
                | "none"
                | "null"
                | "true"
                | "false"
                | "example"
                | "password"
                | "secret"
                | "token"
                | "undefined"
                | "placeholder"
        )
}

/// The token rules, which hold in any searched file and in any text (config values).
pub(super) fn token_rules(bytes: &[u8]) -> Vec<Hit> {
    let mut hits = Vec::new();
    hits.extend(private_key(bytes));
    hits.extend(aws_pair(bytes));
    hits.extend(github_token(bytes));
    hits.extend(gitlab_token(bytes));
    hits.extend(slack_token(bytes));
    hits.extend(azure_storage_key(bytes));
    hits
}

/// The rule ids of [`token_rules`] that match `text` (an environment value, a label, a
/// history line), each once.
pub fn scan_text(text: &str) -> Vec<&'static str> {
    let mut rules: Vec<&'static str> = token_rules(text.as_bytes())
        .into_iter()
        .map(|(r, _)| r)
        .collect();
    rules.dedup();
    rules
}

const KEY_LABELS: [&[u8]; 7] = [
    b"PRIVATE KEY",
    b"RSA PRIVATE KEY",
    b"DSA PRIVATE KEY",
    b"EC PRIVATE KEY",
    b"OPENSSH PRIVATE KEY",
    b"ENCRYPTED PRIVATE KEY",
    b"PGP PRIVATE KEY BLOCK",
];

fn private_key(bytes: &[u8]) -> Option<Hit> {
    for at in memmem::find_iter(bytes, b"-----BEGIN ") {
        let label_start = at + 11;
        let Some(label_len) = memmem::find(&bytes[label_start..], b"-----") else {
            continue;
        };
        if !KEY_LABELS.contains(&&bytes[label_start..label_start + label_len]) {
            continue;
        }
        if key_body(&bytes[label_start + label_len + 5..]) {
            return Some(("private-key", at));
        }
    }
    None
}

/// True when `body` holds 64+ base64 characters before `-----END `, with nothing else between
/// them but whitespace, `\n` escapes and a few `Name: value` header lines.
fn key_body(body: &[u8]) -> bool {
    let Some(end) = memmem::find(body, b"-----END ") else {
        return false;
    };
    let mut base64 = 0;
    let mut headers = 0;
    let text = &body[..end];
    for line in text.split(|b| *b == b'\n') {
        if line.contains(&b':') {
            headers += 1;
            if headers > 3 || base64 > 0 {
                return false;
            }
            continue;
        }
        let mut i = 0;
        while i < line.len() {
            let b = line[i];
            if is_base64(b) {
                base64 += 1;
            } else if b == b'\\' && line.get(i + 1) == Some(&b'n') {
                i += 1;
            } else if !b.is_ascii_whitespace() {
                return false;
            }
            i += 1;
        }
    }
    base64 >= 64
}

fn aws_key_id(bytes: &[u8]) -> Option<usize> {
    for prefix in [&b"AKIA"[..], b"ASIA", b"ABIA", b"ACCA"] {
        for at in memmem::find_iter(bytes, prefix) {
            let id_len = 4 + run(bytes, at + 4, |b| {
                b.is_ascii_uppercase() || (b'2'..=b'7').contains(&b)
            });
            let id = &bytes[at..at + id_len];
            let ends_word = bytes.get(at + id_len).is_none_or(|b| !is_word(*b));
            if id_len == 20 && starts_word(bytes, at) && ends_word && !contains(id, b"EXAMPLE") {
                return Some(at);
            }
        }
    }
    None
}

const AWS_SECRET_NAMES: [&[u8]; 4] = [
    b"secret_access_key",
    b"secretaccesskey",
    b"aws_secret_key",
    b"secret-access-key",
];

fn aws_secret(bytes: &[u8]) -> bool {
    let lower = bytes.to_ascii_lowercase();
    AWS_SECRET_NAMES.iter().any(|name| {
        memmem::find_iter(&lower, name).any(|at| {
            let mut i = at + name.len();
            let sep = run(bytes, i, |b| {
                b.is_ascii_whitespace() || b"\"':=".contains(&b)
            });
            if !(1..=6).contains(&sep) {
                return false;
            }
            i += sep;
            let len = run(bytes, i, |b| {
                b.is_ascii_alphanumeric() || b == b'/' || b == b'+'
            });
            len == 40 && !contains(&bytes[i..i + len], b"EXAMPLE")
        })
    })
}

fn aws_pair(bytes: &[u8]) -> Option<Hit> {
    let at = aws_key_id(bytes)?;
    aws_secret(bytes).then_some(("aws-access-key-pair", at))
}

fn github_token(bytes: &[u8]) -> Option<Hit> {
    for prefix in [&b"ghp_"[..], b"gho_", b"ghu_", b"ghs_", b"ghr_"] {
        for at in memmem::find_iter(bytes, prefix) {
            let len = run(bytes, at + 4, |b| b.is_ascii_alphanumeric());
            let ends_word = bytes.get(at + 4 + len).is_none_or(|b| !is_word(*b));
            if len == 36 && starts_word(bytes, at) && ends_word {
                return Some(("github-token", at));
            }
        }
    }
    for at in memmem::find_iter(bytes, b"github_pat_") {
        let a = run(bytes, at + 11, |b| b.is_ascii_alphanumeric());
        let rest = at + 11 + a;
        if a == 22 && bytes.get(rest) == Some(&b'_') {
            let b = run(bytes, rest + 1, |b| b.is_ascii_alphanumeric());
            let ends_word = bytes.get(rest + 1 + b).is_none_or(|c| !is_word(*c));
            if b == 59 && starts_word(bytes, at) && ends_word {
                return Some(("github-token", at));
            }
        }
    }
    None
}

fn gitlab_token(bytes: &[u8]) -> Option<Hit> {
    memmem::find_iter(bytes, b"glpat-")
        .find(|&at| {
            let len = run(bytes, at + 6, |b| is_word(b) || b == b'-');
            starts_word(bytes, at) && (20..=64).contains(&len)
        })
        .map(|at| ("gitlab-token", at))
}

fn slack_token(bytes: &[u8]) -> Option<Hit> {
    for at in memmem::find_iter(bytes, b"xox") {
        let Some(kind) = bytes.get(at + 3) else {
            break;
        };
        if !b"abpors".contains(kind) || bytes.get(at + 4) != Some(&b'-') || !starts_word(bytes, at)
        {
            continue;
        }
        let len = run(bytes, at + 5, |b| b.is_ascii_alphanumeric() || b == b'-');
        let parts: Vec<&[u8]> = bytes[at + 5..at + 5 + len].split(|b| *b == b'-').collect();
        let digits = |p: &[u8]| p.len() >= 8 && p.iter().all(u8::is_ascii_digit);
        let last_ok = parts
            .last()
            .is_some_and(|p| p.len() >= 24 && p.iter().all(u8::is_ascii_alphanumeric));
        if parts.len() >= 3 && digits(parts[0]) && digits(parts[1]) && last_ok {
            return Some(("slack-token", at));
        }
    }
    for at in memmem::find_iter(bytes, b"hooks.slack.com/services/T") {
        let rest = &bytes[at + 25..];
        let len = run(rest, 0, |b| b.is_ascii_alphanumeric() || b == b'/');
        let parts: Vec<&[u8]> = rest[..len].split(|b| *b == b'/').collect();
        if parts.len() == 3
            && parts[0].len() >= 9
            && parts[1].len() >= 9
            && parts[1].starts_with(b"B")
            && parts[2].len() >= 24
        {
            return Some(("slack-token", at));
        }
    }
    None
}

/// The storage account key Azurite (the local emulator) publishes for everyone.
const AZURITE_KEY_PREFIX: &[u8] = b"Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq";

fn azure_storage_key(bytes: &[u8]) -> Option<Hit> {
    memmem::find_iter(bytes, b"AccountKey=")
        .find(|&at| {
            let key = &bytes[at + 11..];
            let len = run(key, 0, is_base64);
            len >= 86 && key[..len].ends_with(b"==") && !key.starts_with(AZURITE_KEY_PREFIX)
        })
        .map(|at| ("azure-storage-key", at))
}
