//! Amazon ECR: the region from the registry host, and (feature `ecr`) registry credentials from
//! `GetAuthorizationToken`.
//!
//! ECR's registry API takes HTTP Basic with user `AWS` and the password from the control plane's
//! `GetAuthorizationToken` (valid 12 hours). Only this step needs the AWS SDK, so it sits behind
//! the `ecr` feature: the core and the CLI build without any cloud SDK.

#[cfg(feature = "ecr")]
mod sdk;
#[cfg(feature = "ecr")]
pub use sdk::EcrCredentials;

/// The account and region of an ECR registry host.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EcrHost {
    /// 12-digit AWS account id.
    pub account: String,
    /// AWS region, e.g. `eu-central-1`.
    pub region: String,
}

/// Parses `<account>.dkr.ecr.<region>.amazonaws.com` (also `ecr-fips`, and the `.com.cn` domain
/// of the China regions); `None` for any other host.
pub fn parse_ecr_host(registry: &str) -> Option<EcrHost> {
    let host = registry.split(':').next()?.to_ascii_lowercase();
    let parts: Vec<&str> = host.split('.').collect();
    let (account, rest) = parts.split_first()?;
    let account_ok = account.len() == 12 && account.bytes().all(|b| b.is_ascii_digit());
    let domain_ok = matches!(
        rest.get(3..),
        Some(["amazonaws", "com"] | ["amazonaws", "com", "cn"])
    );
    match rest {
        ["dkr", "ecr" | "ecr-fips", region, ..]
            if account_ok && domain_ok && !region.is_empty() =>
        {
            Some(EcrHost {
                account: account.to_string(),
                region: region.to_string(),
            })
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn region_comes_from_the_host() {
        let h = parse_ecr_host("123456789012.dkr.ecr.eu-central-1.amazonaws.com").unwrap();
        assert_eq!(
            (h.account.as_str(), h.region.as_str()),
            ("123456789012", "eu-central-1")
        );
        assert_eq!(
            parse_ecr_host("123456789012.dkr.ecr.cn-north-1.amazonaws.com.cn")
                .unwrap()
                .region,
            "cn-north-1"
        );
        assert_eq!(
            parse_ecr_host("123456789012.dkr.ecr-fips.us-east-1.amazonaws.com")
                .unwrap()
                .region,
            "us-east-1"
        );
        for other in [
            "demo.azurecr.io",
            "127.0.0.1:5000",
            "12345.dkr.ecr.us-east-1.amazonaws.com",
            "123456789012.dkr.ecr.us-east-1.example.com",
            "123456789012.dkr.ecr",
        ] {
            assert_eq!(parse_ecr_host(other), None, "{other}");
        }
    }
}
