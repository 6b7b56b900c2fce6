//! The plan: what detection found (with its evidence) and what the writers
//! will produce. Writers read only this.

use serde::{Deserialize, Serialize};

pub const PLAN_VERSION: u32 = 1;

/// Where a value comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Origin {
    /// Found in the repository's files (see the evidence).
    Detected,
    /// Set in `shipshape.toml`; beats detection.
    Configured,
    /// Nothing found; a sensible default.
    Default,
}

/// A file and line that support a detected value.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Evidence {
    pub file: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<usize>,
    pub detail: String,
}

/// A value with where it came from and why.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Detected<T> {
    pub value: T,
    pub origin: Origin,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub evidence: Vec<Evidence>,
}

impl<T> Detected<T> {
    pub fn found(value: T, evidence: Evidence) -> Self {
        Self { value, origin: Origin::Detected, evidence: vec![evidence] }
    }

    pub fn default_value(value: T, why: impl Into<String>) -> Self {
        Self {
            value,
            origin: Origin::Default,
            evidence: vec![Evidence { file: String::new(), line: None, detail: why.into() }],
        }
    }

    pub fn configured(value: T) -> Self {
        Self {
            value,
            origin: Origin::Configured,
            evidence: vec![Evidence {
                file: "shipshape.toml".into(),
                line: None,
                detail: "set in shipshape.toml".into(),
            }],
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Stack {
    Node,
    Python,
    Go,
    Rust,
    Java,
    Dotnet,
    Ruby,
    Php,
}

impl Stack {
    pub fn as_str(self) -> &'static str {
        match self {
            Stack::Node => "node",
            Stack::Python => "python",
            Stack::Go => "go",
            Stack::Rust => "rust",
            Stack::Java => "java",
            Stack::Dotnet => "dotnet",
            Stack::Ruby => "ruby",
            Stack::Php => "php",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Strategy {
    Canary,
    BlueGreen,
    Rolling,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum CiProvider {
    Github,
    Gitlab,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum GitopsTool {
    Argocd,
    Flux,
}

/// The database migration tool and the command that applies migrations.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Migration {
    pub tool: String,
    pub command: Vec<String>,
}

/// How the container image is built: a builder stage and a runtime stage.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImageRecipe {
    /// Base image of the build stage.
    pub build_image: String,
    /// Base image of the runtime stage.
    pub runtime_image: String,
    /// True when the runtime image has no shell (distroless).
    pub runtime_has_shell: bool,
    /// Environment of the build stage.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub build_env: Vec<(String, String)>,
    /// Build arguments of the build stage with their defaults: values
    /// inlined into the build (Next.js `NEXT_PUBLIC_*`), which CI passes
    /// from repository variables when they are set.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub build_args: Vec<(String, String)>,
    /// Files copied before installing dependencies (for layer caching).
    pub dependency_files: Vec<String>,
    /// Commands that install dependencies, each with its cache directory.
    pub install: Vec<CachedCommand>,
    /// Commands that build the app after the sources are copied.
    pub build: Vec<CachedCommand>,
    /// True when the build reads the sources through a bind mount of the
    /// build context instead of copying them into a layer.
    #[serde(default)]
    pub source_mount: bool,
    /// (path in the build stage, path in the runtime stage) to copy.
    pub artifacts: Vec<(String, String)>,
    /// Working directory in the runtime stage.
    pub workdir: String,
    /// Folders the app writes to; with a read-only root filesystem they are
    /// mounted as empty volumes, created before the app starts.
    pub writable_dirs: Vec<String>,
    /// Environment of the runtime stage.
    pub env: Vec<(String, String)>,
    /// Commands run in the runtime stage as root before `USER` (e.g. adding the user).
    pub runtime_setup: Vec<String>,
    /// Numeric user and group the app runs as.
    pub uid: u32,
    /// The exec-form command that starts the app.
    pub command: Vec<String>,
    /// The exec-form HEALTHCHECK command, working in the runtime image.
    pub healthcheck: Vec<String>,
    /// True when the runtime image has no interpreter to probe with, so a
    /// small static probe binary is built and copied in.
    pub static_probe: bool,
}

/// One shell command of a build, with the cache it may mount.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CachedCommand {
    pub run: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub caches: Vec<String>,
}

impl CachedCommand {
    pub fn new(run: impl Into<String>, caches: &[&str]) -> Self {
        Self { run: run.into(), caches: caches.iter().map(|c| (*c).to_string()).collect() }
    }
}

/// Commands CI runs for the app, in the build image.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CiCommands {
    /// Image CI jobs run the build and tests in.
    pub image: String,
    pub install: Vec<String>,
    pub test: Vec<String>,
    /// Dependency audit (blocking on critical/high where the tool can).
    pub audit: Vec<String>,
    /// Directories to cache between runs, and the lockfile keying the cache.
    pub cache_paths: Vec<String>,
    pub cache_key_files: Vec<String>,
}

/// A non-secret environment variable the app reads.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EnvVar {
    pub name: String,
    /// The value the ConfigMap gives it; `None` when the app has a default.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
}

/// Metrics the app exposes itself.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AppMetrics {
    /// The instrumentation library, e.g. `prom-client`.
    pub library: String,
    /// HTTP path of the exposition, e.g. `/metrics`.
    pub path: String,
}

/// A front-end built into static files, served by nginx.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaticSite {
    /// The build tool, e.g. `vite build`.
    pub builder: String,
    /// Folder the build writes the site to, relative to the service.
    pub output_dir: String,
    /// The app's own nginx configuration, when it ships one; else the kit writes `nginx.conf`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nginx_config: Option<String>,
}

/// What marks a service as a worker.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Worker {
    /// What the sources do instead of serving, e.g. `no server in the sources`.
    pub reason: String,
}

/// Everything detected about one service.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ServicePlan {
    /// DNS-safe name used for objects and the image.
    pub name: String,
    /// Folder of the service, relative to the repository root (`.` for the root).
    pub dir: String,
    pub stack: Detected<Stack>,
    pub language_version: Detected<String>,
    pub package_manager: Detected<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub framework: Option<Detected<String>>,
    pub start_command: Detected<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub build_command: Option<Detected<String>>,
    pub port: Detected<u16>,
    /// HTTP path answering health checks; `None` means probe the TCP port.
    pub health_path: Detected<Option<String>>,
    /// HTTP path of the liveness probe when it differs from `health_path`
    /// (which then serves readiness), e.g. Spring Boot's probe groups.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub liveness_path: Option<Detected<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub migration: Option<Detected<Migration>>,
    /// Environment variables the app reads that hold secrets.
    pub secret_env: Vec<Detected<String>>,
    /// Environment variables the app needs that are not secrets (for the
    /// ConfigMap), each with the default it should get.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub config_env: Vec<Detected<EnvVar>>,
    /// A static front-end served by nginx instead of a server of its own.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub static_site: Option<Detected<StaticSite>>,
    /// The app's own Prometheus metrics, when its instrumentation is detected.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metrics: Option<Detected<AppMetrics>>,
    /// A background process that listens on no port (a queue consumer, a
    /// load generator): it gets no Service, Ingress or probes, a canary by
    /// replicas, and `verify` checks that it stays up. `port` is then unused.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub worker: Option<Detected<Worker>>,
    /// The build runs nohttp (`io.spring.nohttp`), which fails on any
    /// `http://` literal in the repository's files outside its allowlist
    /// (localhost, 127.0.0.1, XML namespaces): the kit writes none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nohttp: Option<Evidence>,
    /// What detection could not determine or had to change for this
    /// service, printed by `init` and listed in DEPLOYMENT.md.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<String>,
    /// Folder the image is built from, relative to the repository root, when
    /// it is not the service's folder (a workspace locked at its root).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub build_context: Option<String>,
    pub image: ImageRecipe,
    pub ci: CiCommands,
}

impl Plan {
    /// True when a build of the repository fails on plain `http://` URLs.
    pub fn bans_plain_http(&self) -> bool {
        self.services.iter().any(|s| s.nohttp.is_some())
    }
}

impl ServicePlan {
    /// True when the service listens on no port.
    pub fn is_worker(&self) -> bool {
        self.worker.is_some()
    }
}

/// Deployment choices shared by every service.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Delivery {
    pub strategy: Detected<Strategy>,
    pub ci: Vec<CiProvider>,
    pub gitops: GitopsTool,
    /// Registry and owner images are pushed to, e.g. `ghcr.io/acme`.
    pub registry: Detected<String>,
    /// Git URL GitOps tools pull from.
    pub repo_url: Detected<String>,
    pub default_branch: Detected<String>,
    /// Folder of the planned directory inside its git repository (`.` at
    /// the root): CI goes to the repository root, every path it and GitOps
    /// name is relative to that root.
    #[serde(default = "repository_root", skip_serializing_if = "is_repository_root")]
    pub repo_dir: String,
}

fn repository_root() -> String {
    ".".to_string()
}

fn is_repository_root(dir: &str) -> bool {
    dir == "."
}

/// Whether a kept file meets what the kit assumes of it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Verdict {
    Met,
    NotMet,
    /// Nothing in the file settles it; a person must check.
    Unchecked,
}

impl Verdict {
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Met => "met",
            Verdict::NotMet => "NOT MET",
            Verdict::Unchecked => "unchecked",
        }
    }
}

/// One thing the rest of the kit takes for granted about a kept file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Assumption {
    pub assumes: String,
    pub verdict: Verdict,
    /// What the kept file says, with its line when there is one.
    pub detail: String,
}

/// A delivery file already in the repository that `init` keeps.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KeptFile {
    /// Path from the top of the git repository.
    pub file: String,
    /// What the file is (`Dockerfile`, `GitHub Actions workflow`, …).
    pub kind: String,
    /// Why it matters to the kit.
    pub reason: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub assumptions: Vec<Assumption>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Plan {
    pub version: u32,
    pub delivery: Delivery,
    pub services: Vec<ServicePlan>,
    /// Delivery files already in the repository that `init` keeps, and
    /// what the kit assumes of each.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub existing_files: Vec<KeptFile>,
    /// What detection left out and why, such as workspace members outside
    /// the repository.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<String>,
}
