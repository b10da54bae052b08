//! Platforms (`os/architecture[/variant]`) and the matching rules used to pick one image from
//! an index.
//!
//! Parsing normalises the names the world uses for the same CPU (`aarch64` is `arm64`,
//! `x86_64` is `amd64`), as containerd does, so two platforms can be compared as values.
//! Matching also knows the default variants: `arm64` means `arm64/v8`, `amd64` means
//! `amd64/v1`, and a bare `arm` means `arm/v7`.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// Why a string is not a platform.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PlatformError {
    /// Not `os/arch` or `os/arch/variant`, or a part is empty.
    #[error("platform `{0}` is not of the form os/architecture[/variant]")]
    Format(String),
}

/// An image platform, as in an index descriptor or an image config.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Platform {
    /// Operating system, e.g. `linux`.
    pub os: String,
    /// CPU architecture in Go's naming, e.g. `amd64`, `arm64`.
    pub architecture: String,
    /// CPU variant, e.g. `v8` for arm64 or `v7` for arm.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub variant: Option<String>,
    /// OS version, set for Windows images.
    #[serde(
        rename = "os.version",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub os_version: Option<String>,
}

impl Platform {
    /// A platform from its parts, normalised (see [`Platform::normalized`]).
    pub fn new(os: &str, architecture: &str, variant: Option<&str>) -> Platform {
        Platform {
            os: os.to_string(),
            architecture: architecture.to_string(),
            variant: variant.map(str::to_string),
            os_version: None,
        }
        .normalized()
    }

    /// `linux/amd64`, the platform picked when nothing else is asked for.
    pub fn linux_amd64() -> Platform {
        Platform::new("linux", "amd64", None)
    }

    /// The platform Docker uses for attestation manifests in an index.
    pub fn is_unknown(&self) -> bool {
        self.os == "unknown" && self.architecture == "unknown"
    }

    /// The same platform with names normalised: lowercase, `aarch64` -> `arm64`,
    /// `x86_64`/`x86-64` -> `amd64`, `i386`/`i686` -> `386`, `armhf` -> `arm/v7`,
    /// `armel` -> `arm/v6`, `macos` -> `darwin`. Variants are kept as written; defaults are
    /// filled in only when matching.
    pub fn normalized(&self) -> Platform {
        let os = match self.os.to_ascii_lowercase().as_str() {
            "macos" => "darwin".to_string(),
            other => other.to_string(),
        };
        let mut variant = self.variant.as_ref().map(|v| v.to_ascii_lowercase());
        let architecture = match self.architecture.to_ascii_lowercase().as_str() {
            "aarch64" => "arm64".to_string(),
            "x86_64" | "x86-64" => "amd64".to_string(),
            "i386" | "i686" => "386".to_string(),
            "armhf" => {
                variant.get_or_insert_with(|| "v7".to_string());
                "arm".to_string()
            }
            "armel" => {
                variant.get_or_insert_with(|| "v6".to_string());
                "arm".to_string()
            }
            other => other.to_string(),
        };
        Platform {
            os,
            architecture,
            variant: variant.filter(|v| !v.is_empty()),
            os_version: self.os_version.clone(),
        }
    }

    /// The variant with the architecture's default applied: `arm64` -> `v8`, `amd64` -> `v1`,
    /// `arm` -> `v7`; other architectures keep what they have.
    pub fn effective_variant(&self) -> Option<String> {
        let p = self.normalized();
        let default = match p.architecture.as_str() {
            "arm64" => Some("v8"),
            "amd64" => Some("v1"),
            "arm" => Some("v7"),
            _ => None,
        };
        p.variant.or_else(|| default.map(str::to_string))
    }

    /// True when an image built for `self` satisfies a request for `want`: same OS and
    /// architecture after normalisation, and the same variant once defaults are applied
    /// (so `linux/arm64` matches `linux/arm64/v8`, but `linux/arm/v6` does not match
    /// `linux/arm`). The OS version is not compared.
    pub fn matches(&self, want: &Platform) -> bool {
        let (have, want_n) = (self.normalized(), want.normalized());
        have.os == want_n.os
            && have.architecture == want_n.architecture
            && self.effective_variant() == want.effective_variant()
    }
}

impl FromStr for Platform {
    type Err = PlatformError;

    /// Parses `os/arch` or `os/arch/variant`, normalising names.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let parts: Vec<&str> = s.split('/').collect();
        let bad = || PlatformError::Format(s.to_string());
        if parts.iter().any(|p| p.trim().is_empty()) {
            return Err(bad());
        }
        match parts.as_slice() {
            [os, arch] => Ok(Platform::new(os, arch, None)),
            [os, arch, variant] => Ok(Platform::new(os, arch, Some(variant))),
            _ => Err(bad()),
        }
    }
}

impl fmt::Display for Platform {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.os, self.architecture)?;
        if let Some(v) = &self.variant {
            write!(f, "/{v}")?;
        }
        Ok(())
    }
}
