//! Secrets that cannot be printed, and URLs made safe to print.
//!
//! Registry tokens, passwords and signed object-storage URLs must never reach a log line or an
//! error message. [`Secret`] has a `Debug` that prints `***`; [`redact_url`] masks userinfo and
//! every query value (pre-signed S3 and Azure SAS URLs carry their signature in the query).

use std::fmt;

use url::Url;

/// A string that is never printed: `Debug` and `Display` show `***`.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    /// Wraps a secret value.
    pub fn new(value: impl Into<String>) -> Self {
        Secret(value.into())
    }

    /// The secret itself, for putting on the wire.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(***)")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

/// The URL with userinfo and all query values replaced by `***`, for errors and logs.
pub fn redact_url(url: &Url) -> String {
    let mut safe = url.clone();
    if !safe.username().is_empty() || safe.password().is_some() {
        // Setting fails only for URLs that cannot have credentials, which then have none.
        let _ = safe.set_username("***");
        let _ = safe.set_password(None);
    }
    if safe.query().is_some() {
        let keys: Vec<String> = url.query_pairs().map(|(k, _)| k.into_owned()).collect();
        let mut q = safe.query_pairs_mut();
        q.clear();
        for k in keys {
            q.append_pair(&k, "***");
        }
    }
    safe.set_fragment(None);
    safe.to_string()
}

/// [`redact_url`] for a string that may not parse; unparsable strings are hidden whole.
pub fn redact_url_str(url: &str) -> String {
    match Url::parse(url) {
        Ok(u) => redact_url(&u),
        Err(_) => "<unparsable url>".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_do_not_print() {
        let s = Secret::new("hunter2");
        assert_eq!(format!("{s:?} {s}"), "Secret(***) ***");
        assert_eq!(s.expose(), "hunter2");
    }

    #[test]
    fn urls_lose_userinfo_and_query_values() {
        let u = Url::parse(
            "https://user:pw@bucket.s3.amazonaws.com/blob?X-Amz-Signature=abc&X-Amz-Credential=AKIA#f",
        )
        .unwrap();
        let r = redact_url(&u);
        assert_eq!(
            r,
            "https://***@bucket.s3.amazonaws.com/blob?X-Amz-Signature=***&X-Amz-Credential=***"
        );
        assert!(!r.contains("pw") && !r.contains("abc") && !r.contains("AKIA"));
        assert_eq!(redact_url_str("http://a/b?sig=x"), "http://a/b?sig=***");
        assert_eq!(redact_url_str("not a url sig=x"), "<unparsable url>");
    }
}
