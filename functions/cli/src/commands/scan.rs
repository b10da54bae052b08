//! `layerwatch scan TARGET`: scan, match, filter, render.

use std::io::{IsTerminal, Write};
use std::path::Path;
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::{Context, bail};
use layerwatch_advisory::Store;
use layerwatch_engine::sbom::report_from_sbom;
use layerwatch_engine::{MemoryCache, ScanOptions, Target, apply_filters, match_report, scan};
use layerwatch_oci::Platform;
use layerwatch_registry::{ChainProvider, ClientConfig, DockerConfig, EnvCredentials};
use layerwatch_report::{Format, Report, ReportInput, render_many};

use super::{checks, default_db};
use crate::cli::ScanArgs;

/// Registry settings: credentials from the environment, then the Docker config file (read
/// only for a registry target, so a broken config file does not stop a local scan).
fn registry_config(target: &Target, insecure: Vec<String>) -> anyhow::Result<ClientConfig> {
    if !matches!(target, Target::Registry(_)) {
        return Ok(ClientConfig::default());
    }
    let docker = DockerConfig::load_default().context("docker config")?;
    Ok(ClientConfig {
        credentials: Arc::new(ChainProvider(vec![
            Arc::new(EnvCredentials::from_env()),
            Arc::new(docker),
        ])),
        insecure_hosts: insecure,
        ..ClientConfig::default()
    })
}

/// Runs `layerwatch scan`.
pub fn run(args: ScanArgs) -> anyhow::Result<ExitCode> {
    let platform = args
        .platform
        .as_deref()
        .map(str::parse::<Platform>)
        .transpose()
        .context("--platform")?;
    let format = match &args.format {
        Some(f) => f
            .parse::<Format>()
            .map_err(|e| anyhow::anyhow!("--format: {e}"))?,
        None if args.output.is_none() && std::io::stdout().is_terminal() => Format::Table,
        None => Format::Json,
    };
    let selection = checks::selection(&args.checks, &args.skip_check)?;
    let filters = layerwatch_engine::Filters::from_args(
        &args.severity,
        args.ignore_unfixed,
        args.ignore_file.as_deref(),
    )?;
    // Open the store before the scan: a missing store is found before any layer is read.
    let store = if args.no_match {
        None
    } else {
        let db = default_db(args.db.clone());
        if !db.is_file() {
            bail!(
                "no advisory store at {}: run `layerwatch db update --from DIR` first, \
                 or pass --no-match to list packages only",
                db.display()
            );
        }
        Some(Store::open(&db).with_context(|| format!("opening {}", db.display()))?)
    };

    let mut reports = match args.target.strip_prefix("sbom:") {
        Some(path) => vec![report_from_sbom(Path::new(path))?],
        None => image_reports(&args, platform, &selection)?,
    };
    let threshold = checks::threshold(&args.severity);
    for report in &mut reports {
        checks::filter(&mut report.checks, threshold);
    }
    if let Some(store) = &store {
        for report in &mut reports {
            match_report(report, store)?;
            apply_filters(report, &filters);
        }
    }

    // Render in memory first: a format that cannot hold these reports must fail before an
    // existing output file is truncated.
    let mut rendered = Vec::new();
    render_many(&reports, format, &mut rendered)
        .map_err(|e| anyhow::anyhow!("{e}; pick one image with --platform or use --format json"))?;
    match &args.output {
        Some(path) => std::fs::write(path, &rendered)
            .with_context(|| format!("writing {}", path.display()))?,
        None => {
            let mut stdout = std::io::stdout().lock();
            match stdout.write_all(&rendered).and_then(|()| stdout.flush()) {
                // A closed pipe (`| head`) is the reader's choice, not a failure of the scan.
                Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {}
                other => other.context("writing the report")?,
            }
        }
    }

    let remaining = reports.iter().any(|r| {
        !r.findings.is_empty()
            || r.checks
                .iter()
                .any(|c| c.result == layerwatch_report::CheckResult::Fail)
    });
    if args.exit_code != 0 && remaining {
        return Ok(ExitCode::from(args.exit_code));
    }
    Ok(ExitCode::SUCCESS)
}

/// Scans the image target and returns one report per image, before matching.
fn image_reports(
    args: &ScanArgs,
    platform: Option<Platform>,
    selection: &layerwatch_checks::Selection,
) -> anyhow::Result<Vec<Report>> {
    let target: Target = args.target.parse()?;
    let registry = registry_config(&target, args.insecure_registry.clone())?;
    let options = ScanOptions {
        platform,
        registry: registry.clone(),
        ..ScanOptions::default()
    };
    let cache = MemoryCache::default();
    let scanned = scan(&target, &options, &cache)?;
    Ok(scanned
        .iter()
        .map(|image| {
            let mut report = Report::from_input(ReportInput {
                artifact: image.artifact.clone(),
                layers: image.layers.clone(),
                inventory: &image.inventory,
            });
            report.checks = checks::run(&target, image, selection, &registry);
            report
        })
        .collect())
}
