//! The text of Go build info, as `runtime/debug.ParseBuildInfo` reads it, and the packages it
//! names.

use layerwatch_inventory::{Ecosystem, Package};
use tracing::debug;

/// A module line: `mod`, `dep` or the `=>` that replaces the line before it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GoModule {
    /// Module path.
    pub path: String,
    /// Version as written (`v1.2.3`, a pseudo-version, `(devel)`, or empty for a directory
    /// replacement).
    pub version: String,
    /// The `=>` replacement, if any.
    pub replace: Option<Box<GoModule>>,
}

/// The build info of one Go executable.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GoBuildInfo {
    /// Toolchain version as written (`go1.21.5`, `go1.22.0 X:boringcrypto`, `devel ...`).
    pub go_version: String,
    /// The main package's import path (`path` line).
    pub path: Option<String>,
    /// The main module (`mod` line).
    pub main: Option<GoModule>,
    /// Dependencies (`dep` lines), in the order written.
    pub deps: Vec<GoModule>,
    /// `build` settings (`-trimpath=true`, `vcs.revision=...`), key and value.
    pub settings: Vec<(String, String)>,
}

/// The version of the main module when it was built from a working tree, not fetched.
const DEVEL: &str = "(devel)";

impl GoBuildInfo {
    /// Parses the toolchain version and the module info text (with or without its 16-byte
    /// sentinels). Lines it does not know are skipped, as newer toolchains may add some.
    pub fn parse(go_version: &str, modinfo: &[u8]) -> GoBuildInfo {
        // The sentinels are not UTF-8: strip them before decoding.
        let text = String::from_utf8_lossy(strip_sentinels(modinfo));
        let mut info = GoBuildInfo {
            go_version: go_version.to_string(),
            path: None,
            main: None,
            deps: Vec::new(),
            settings: Vec::new(),
        };
        // Which module a `=>` line replaces: the last `mod` or `dep` line.
        let mut last_is_main = false;
        for line in text.lines() {
            let mut fields = line.split('\t');
            let word = fields.next().unwrap_or_default();
            let module = |mut fields: std::str::Split<'_, char>| GoModule {
                path: fields.next().unwrap_or_default().to_string(),
                version: fields.next().unwrap_or_default().to_string(),
                replace: None,
            };
            match word {
                "path" => info.path = fields.next().map(str::to_string),
                "mod" => {
                    info.main = Some(module(fields));
                    last_is_main = true;
                }
                "dep" => {
                    info.deps.push(module(fields));
                    last_is_main = false;
                }
                "=>" => {
                    let target = if last_is_main {
                        info.main.as_mut()
                    } else {
                        info.deps.last_mut()
                    };
                    if let Some(m) = target {
                        m.replace = Some(Box::new(module(fields)));
                    }
                }
                "build" => {
                    if let Some((k, v)) = fields.next().and_then(|kv| kv.split_once('=')) {
                        info.settings.push((k.to_string(), v.to_string()));
                    }
                }
                _ => {}
            }
        }
        info
    }

    /// The value of a `build` setting.
    pub fn setting(&self, key: &str) -> Option<&str> {
        self.settings
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    /// The toolchain version without its `go` prefix and experiment suffix (`1.21.5` from
    /// `go1.21.5 X:boringcrypto`), as the Go vulnerability database writes `stdlib` versions;
    /// `None` for a development toolchain (`devel go1.23-abc`), which has no release to match.
    pub fn stdlib_version(&self) -> Option<&str> {
        let first = self.go_version.split_whitespace().next()?;
        let version = first.strip_prefix("go")?;
        version
            .starts_with(|c: char| c.is_ascii_digit())
            .then_some(version)
    }

    /// The packages: the main module when it has a released version, every dependency (as
    /// its replacement when that names a module version), and the toolchain as `stdlib`.
    ///
    /// A `(devel)` main module is left out: the binary was built from a working tree and no
    /// advisory can be matched against that. A dependency replaced by a local directory keeps
    /// its own path and version, which is what its `go.mod` asked for.
    pub fn packages(&self) -> Vec<Package> {
        let mut out = Vec::with_capacity(self.deps.len() + 2);
        if let Some(main) = &self.main {
            let m = effective(main);
            if m.version.is_empty() || m.version == DEVEL {
                debug!(module = %m.path, "go main module built from a working tree: not listed");
            } else {
                out.push(package(&m.path, &m.version));
            }
        }
        for dep in &self.deps {
            let m = effective(dep);
            if !m.path.is_empty() && !m.version.is_empty() {
                out.push(package(&m.path, &m.version));
            }
        }
        match self.stdlib_version() {
            Some(v) => out.push(package("stdlib", v)),
            None => {
                debug!(go = %self.go_version, "go toolchain version is not a release: no stdlib")
            }
        }
        out
    }
}

/// The module as built: the replacement when it names a version, else the module itself.
fn effective(module: &GoModule) -> &GoModule {
    match &module.replace {
        Some(r) if !r.version.is_empty() => r,
        _ => module,
    }
}

fn package(name: &str, version: &str) -> Package {
    Package {
        ecosystem: Ecosystem::Golang,
        name: name.to_string(),
        version: version.to_string(),
        arch: None,
        source_name: None,
        source_version: None,
        license: None,
    }
}

/// The module info without the 16-byte sentinels the linker puts around it (as
/// `debug/buildinfo` strips them: only when the byte before the end sentinel is a newline).
fn strip_sentinels(modinfo: &[u8]) -> &[u8] {
    if modinfo.len() >= 33 && modinfo[modinfo.len() - 17] == b'\n' {
        &modinfo[16..modinfo.len() - 16]
    } else {
        modinfo
    }
}
