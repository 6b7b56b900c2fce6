//! Every command-line type, in one place.

use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

/// Audits the delivery files a repository has (Dockerfiles, Kubernetes
/// manifests, secrets in any file) with one rule registry.
#[derive(Debug, Parser)]
#[command(name = "shipshape", version, about, long_about = None, propagate_version = true)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Audit the delivery files under PATH and report findings.
    ///
    /// Scans Dockerfiles, Kubernetes YAML (any document with apiVersion and
    /// kind) and every text file for secrets. Honours .gitignore. Never uses
    /// the network and never writes into PATH (except --write-baseline).
    ///
    /// Exit status: 0 when no finding is at or above --fail-on, 1 when some
    /// are, 2 on a usage or I/O error.
    #[command(after_long_help = CHECK_EXAMPLES)]
    Check(CheckArgs),
    /// List every rule with its severity and what it flags.
    Rules(RulesArgs),
    /// Print the documentation of one rule.
    Explain(ExplainArgs),
}

const CHECK_EXAMPLES: &str = "Examples:
  shipshape check                                  audit the current directory
  shipshape check deploy/ --format sarif -o shipshape.sarif
  shipshape check . --fail-on warning              fail on warnings too
  shipshape check . --select latest-image-tag      run one rule
  shipshape check . --write-baseline .shipshape-baseline.json
  shipshape check . --baseline .shipshape-baseline.json

Suppress one finding with a comment on its line or the line above:
  # shipshape: ignore[rule-id] why it is fine here

Configuration: shipshape.toml at PATH ([check] exclude, enable, disable,
severity, fail-on). See `shipshape rules` and `shipshape explain RULE`.";

#[derive(Debug, clap::Args)]
pub struct CheckArgs {
    /// File or directory to audit.
    #[arg(default_value = ".")]
    pub path: PathBuf,

    /// Output format.
    #[arg(long, short = 'f', value_enum, default_value_t = OutputFormat::Text)]
    pub format: OutputFormat,

    /// Write the report to FILE instead of standard output.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,

    /// Configuration file (default: shipshape.toml at PATH, when present).
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,

    /// Scan files that .gitignore and .ignore files exclude.
    #[arg(long)]
    pub no_ignore: bool,

    /// Lowest severity that makes the exit status 1 (default: error, or
    /// `fail-on` in the configuration).
    #[arg(long, value_enum, value_name = "SEVERITY")]
    pub fail_on: Option<SeverityArg>,

    /// Run only these rules (comma-separated ids).
    #[arg(long, value_delimiter = ',', value_name = "RULE")]
    pub select: Vec<String>,

    /// Hide findings recorded in this baseline file.
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,

    /// Record every current finding in FILE and exit 0.
    #[arg(long, value_name = "FILE", conflicts_with = "baseline")]
    pub write_baseline: Option<PathBuf>,

    /// When to colour text output.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,

    /// Also say which files were skipped or only scanned for secrets, and why.
    #[arg(long, short = 'v')]
    pub verbose: bool,
}

#[derive(Debug, clap::Args)]
pub struct RulesArgs {
    /// Output format.
    #[arg(long, short = 'f', value_enum, default_value_t = ListFormat::Text)]
    pub format: ListFormat,
}

#[derive(Debug, clap::Args)]
pub struct ExplainArgs {
    /// The rule id, e.g. latest-image-tag.
    pub rule: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OutputFormat {
    /// Human-readable, with the source line marked.
    Text,
    /// Versioned JSON: {"version": 1, "findings": [...]}.
    Json,
    /// SARIF 2.1.0, for code-scanning dashboards.
    Sarif,
    /// GitHub Actions workflow annotations.
    Github,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ListFormat {
    Text,
    Json,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SeverityArg {
    Info,
    Warning,
    Error,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

impl From<SeverityArg> for shipshape_diagnostics::Severity {
    fn from(s: SeverityArg) -> Self {
        match s {
            SeverityArg::Info => Self::Info,
            SeverityArg::Warning => Self::Warning,
            SeverityArg::Error => Self::Error,
        }
    }
}
