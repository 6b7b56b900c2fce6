//! The `shipshape` command.

mod cli;
mod commands;

use std::io::{self, Write};

use clap::Parser;
use shipshape_diagnostics::sanitize;

pub use cli::Cli;

/// How the process ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExitStatus {
    /// No finding at or above the threshold.
    Success,
    /// Findings at or above the threshold.
    Failure,
    /// A usage or I/O error.
    Error,
}

impl From<ExitStatus> for std::process::ExitCode {
    fn from(status: ExitStatus) -> Self {
        match status {
            ExitStatus::Success => Self::from(0),
            ExitStatus::Failure => Self::from(1),
            ExitStatus::Error => Self::from(2),
        }
    }
}

/// Parses the command line and runs the command.
pub fn run() -> ExitStatus {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(error) => {
            let _ = error.print();
            return if error.use_stderr() { ExitStatus::Error } else { ExitStatus::Success };
        }
    };
    let result = match cli.command {
        cli::Command::Check(args) => commands::check::run(&args),
        cli::Command::Plan(args) => commands::plan::run(&args),
        cli::Command::Init(args) => commands::init::run(&args),
        cli::Command::Verify(args) => commands::verify::run(&args),
        cli::Command::Rules(args) => commands::rules::run(&args),
        cli::Command::Explain(args) => commands::explain::run(&args),
    };
    match result {
        Ok(status) => status,
        Err(error) if is_broken_pipe(&error) => ExitStatus::Success,
        Err(error) => {
            let mut stderr = io::stderr().lock();
            let _ = writeln!(stderr, "shipshape: error: {}", sanitize(&describe(&error)));
            ExitStatus::Error
        }
    }
}

/// The error and its causes joined by `: `, leaving out a cause that its
/// context already quotes (an OS error wrapped as `path: error`).
fn describe(error: &anyhow::Error) -> String {
    let mut text = String::new();
    for cause in error.chain() {
        let part = cause.to_string();
        if text.contains(&part) {
            continue;
        }
        if !text.is_empty() {
            text.push_str(": ");
        }
        text.push_str(&part);
    }
    text
}

pub(crate) fn is_broken_pipe(error: &anyhow::Error) -> bool {
    error.chain().any(|cause| cause.downcast_ref::<io::Error>().is_some_and(|e| e.kind() == io::ErrorKind::BrokenPipe))
}
