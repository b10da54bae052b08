//! The `layerwatch` command line: scan images, keep the advisory store, query results.
//!
//! `main` only parses the arguments, sets up logging to stderr and dispatches; each command is
//! a module of [`commands`].

mod cli;
mod commands;

use std::io::IsTerminal;
use std::process::ExitCode;

use clap::Parser;
use tracing_subscriber::EnvFilter;

fn main() -> ExitCode {
    let args = cli::Args::parse();
    // On a terminal, the engine's per-layer lines on stderr are the progress of a long scan;
    // in pipelines and CI only warnings are logged.
    let default_level = if args.debug {
        "debug"
    } else if std::io::stderr().is_terminal() {
        "warn,layerwatch_engine=info"
    } else {
        "warn"
    };
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_env("LAYERWATCH_LOG")
                .unwrap_or_else(|_| EnvFilter::new(default_level)),
        )
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal())
        .init();

    match commands::run(args.command) {
        Ok(code) => code,
        Err(error) => {
            eprintln!("layerwatch: error: {}", describe(&error));
            ExitCode::from(2)
        }
    }
}

/// The error and its causes, each said once: many of our messages already include their cause,
/// so a cause whose text the message so far contains is not repeated.
fn describe(error: &anyhow::Error) -> String {
    let mut text = error.to_string();
    for cause in error.chain().skip(1) {
        let cause = cause.to_string();
        if !text.contains(&cause) {
            text.push_str(": ");
            text.push_str(&cause);
        }
    }
    text
}
