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
    /// Detect the stack of each service and print the delivery plan as JSON.
    ///
    /// Every detected value carries its evidence (file and line). Values set
    /// under [init] in shipshape.toml, or on the command line, beat detection.
    Plan(PlanArgs),
    /// Write a hardened delivery kit: Dockerfile, CI, Kubernetes, GitOps,
    /// progressive delivery, observability, runbook.
    ///
    /// Never overwrites an existing file unless --force. The plan is saved
    /// as [init] in shipshape.toml so a detected value can be corrected.
    Init(InitArgs),
    /// Build each service's image from the kit and run it the way the kit's
    /// manifests do, then probe its port, readiness path and HEALTHCHECK.
    ///
    /// Runs as the workload's user with a read-only root and only its
    /// emptyDir mounts writable, with the ConfigMap's environment plus
    /// --env. Uses Docker when an engine answers; otherwise (host mode)
    /// replays the Dockerfile in bubblewrap sandboxes over this machine's
    /// toolchains and says what it could not emulate.
    ///
    /// Exit status: 0 when every service answered over TCP and no step
    /// failed, 1 when a service failed, 2 on a usage or I/O error.
    #[command(after_long_help = VERIFY_EXAMPLES)]
    Verify(VerifyArgs),
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

    /// Report files and directories that cannot be read as a notice on
    /// stderr instead of an I/O error (exit status 2).
    #[arg(long)]
    pub skip_unreadable: bool,

    /// Files larger than this many bytes are not scanned (default: 64 MiB,
    /// or `max-file-size` in the configuration); files over 2 MiB are
    /// scanned for secrets only.
    #[arg(long, value_name = "BYTES")]
    pub max_file_size: Option<u64>,
}

/// Choices shared by `plan` and `init`.
#[derive(Debug, Clone, clap::Args)]
pub struct PlanChoices {
    /// Repository to plan for.
    #[arg(default_value = ".")]
    pub path: PathBuf,

    /// Deployment strategy (default: canary).
    #[arg(long, value_enum)]
    pub strategy: Option<StrategyArg>,

    /// CI systems to write pipelines for, comma-separated (default: github,
    /// or gitlab for a GitLab repository).
    #[arg(long, value_enum, value_delimiter = ',')]
    pub ci: Vec<CiArg>,

    /// GitOps tool (default: argocd).
    #[arg(long, value_enum)]
    pub gitops: Option<GitopsArg>,

    /// Skip stack detection and use this stack.
    #[arg(long, value_enum)]
    pub stack: Option<StackArg>,
}

#[derive(Debug, clap::Args)]
pub struct PlanArgs {
    #[command(flatten)]
    pub choices: PlanChoices,
}

#[derive(Debug, clap::Args)]
pub struct InitArgs {
    #[command(flatten)]
    pub choices: PlanChoices,

    /// Overwrite files that already exist and differ. Each replaced file is
    /// first copied to .shipshape/backup/<UTC time>/FILE~ in PATH
    /// (git-ignored).
    /// Symbolic links are never written through, even with --force.
    #[arg(long)]
    pub force: bool,

    /// List the files that would be written, and write nothing.
    #[arg(long)]
    pub dry_run: bool,
}

const VERIFY_EXAMPLES: &str = "Examples:
  shipshape verify                                 build and run every service here
  shipshape verify . --service api --with postgres --env SECRET_KEY=dev-only
  shipshape verify . --mode host --format json     no Docker engine: emulate with bubblewrap

Host mode needs bubblewrap (apt-get install -y bubblewrap); --with needs the
database's Debian package (postgresql, mariadb-server, redis-server).";

#[derive(Debug, clap::Args)]
pub struct VerifyArgs {
    /// Repository whose kit to verify.
    #[arg(default_value = ".")]
    pub path: PathBuf,

    /// Verify only this service.
    #[arg(long, value_name = "NAME")]
    pub service: Option<String>,

    /// An environment variable for the app (repeatable); values are never printed.
    #[arg(long = "env", short = 'e', value_name = "KEY=VALUE")]
    pub env: Vec<String>,

    /// Read KEY=VALUE lines for the app from FILE.
    #[arg(long, value_name = "FILE")]
    pub env_file: Option<PathBuf>,

    /// Start a throwaway database on loopback and pass its URL (repeatable).
    #[arg(long, value_enum, value_name = "DATABASE")]
    pub with: Vec<DatabaseArg>,

    /// How to build and run: docker, host (bubblewrap), or auto.
    #[arg(long, value_enum, default_value_t = VerifyMode::Auto)]
    pub mode: VerifyMode,

    /// Output format.
    #[arg(long, short = 'f', value_enum, default_value_t = ListFormat::Text)]
    pub format: ListFormat,

    /// Seconds to wait for the port and the readiness path.
    #[arg(long, value_name = "SECS", default_value_t = 60)]
    pub timeout: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DatabaseArg {
    Postgres,
    Mysql,
    Mongo,
    Redis,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum VerifyMode {
    Auto,
    Docker,
    Host,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum StrategyArg {
    Canary,
    BlueGreen,
    Rolling,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum CiArg {
    Github,
    Gitlab,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum GitopsArg {
    Argocd,
    Flux,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum StackArg {
    Node,
    Python,
    Go,
    Rust,
    Java,
    Dotnet,
    Ruby,
    Php,
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

impl PlanChoices {
    pub fn options(&self) -> shipshape_init::PlanOptions {
        use shipshape_init::plan::{CiProvider, GitopsTool, Stack, Strategy};
        shipshape_init::PlanOptions {
            strategy: self.strategy.map(|s| match s {
                StrategyArg::Canary => Strategy::Canary,
                StrategyArg::BlueGreen => Strategy::BlueGreen,
                StrategyArg::Rolling => Strategy::Rolling,
            }),
            ci: self
                .ci
                .iter()
                .map(|c| match c {
                    CiArg::Github => CiProvider::Github,
                    CiArg::Gitlab => CiProvider::Gitlab,
                })
                .collect(),
            gitops: self.gitops.map(|g| match g {
                GitopsArg::Argocd => GitopsTool::Argocd,
                GitopsArg::Flux => GitopsTool::Flux,
            }),
            stack: self.stack.map(|s| match s {
                StackArg::Node => Stack::Node,
                StackArg::Python => Stack::Python,
                StackArg::Go => Stack::Go,
                StackArg::Rust => Stack::Rust,
                StackArg::Java => Stack::Java,
                StackArg::Dotnet => Stack::Dotnet,
                StackArg::Ruby => Stack::Ruby,
                StackArg::Php => Stack::Php,
            }),
            replace_existing: false,
        }
    }
}
