//! `layerwatch host-audit [--root DIR]`: the CIS Docker Benchmark items a host's files show.

use std::io::{IsTerminal, Write};
use std::process::ExitCode;

use anyhow::{Context, bail};
use layerwatch_checks::host;
use layerwatch_report::CheckResult;

use crate::cli::HostAuditArgs;

/// Runs `layerwatch host-audit`.
pub fn run(args: HostAuditArgs) -> anyhow::Result<ExitCode> {
    if !args.root.is_dir() {
        bail!("--root {}: not a folder", args.root.display());
    }
    let json = match args.format.as_deref() {
        Some("json") => true,
        Some("table") => false,
        Some(other) => bail!("--format: `{other}` is not table or json"),
        None => !std::io::stdout().is_terminal(),
    };
    let mut checks = host::audit(&args.root);
    checks.retain(|c| {
        !args
            .skip_check
            .iter()
            .any(|s| s.eq_ignore_ascii_case(&c.id))
    });
    let text = if json {
        let mut text = serde_json::to_string_pretty(&host::to_json(&args.root, &checks))
            .context("rendering the audit as json")?;
        text.push('\n');
        text
    } else {
        host::render_table(&args.root, &checks)
    };
    let mut stdout = std::io::stdout().lock();
    match stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush())
    {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {}
        other => other.context("writing the audit")?,
    }
    let failed = checks.iter().any(|c| c.result == CheckResult::Fail);
    if args.exit_code != 0 && failed {
        return Ok(ExitCode::from(args.exit_code));
    }
    Ok(ExitCode::SUCCESS)
}
