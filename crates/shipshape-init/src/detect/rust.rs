use std::sync::LazyLock;

use regex::Regex;

use super::app_metrics;
use super::common::{self, first_port, health_route, is_secret_env, probe_healthcheck, secret_env, tcp_health};
use super::repo::{re, ServiceDir};
use super::{version_or_default, Overrides, Provider, StackFacts};
use crate::plan::{AppMetrics, CachedCommand, CiCommands, Detected, EnvVar, Evidence, ImageRecipe, Migration, Stack};

pub(crate) struct Rust;

const SOURCES: &[&str] = &[".rs"];
const DEFAULT_VERSION: &str = "1.91";
/// The first Rust that builds edition 2024 crates.
const EDITION_2024_VERSION: &str = "1.85";

static BIND_STRING: LazyLock<Regex> =
    LazyLock::new(|| re(r#""(?:0\.0\.0\.0|127\.0\.0\.1|\[::\]|localhost)?:(\d{2,5})""#));
static BIND_TUPLE: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?:\(\[\s*0\s*,\s*0\s*,\s*0\s*,\s*0\s*\]|\(\s*\[127,\s*0,\s*0,\s*1\]|Ipv4Addr::\w+|\(\s*&?\x22[\d.]+\x22)\s*,\s*(\d{2,5})\s*\)",
    )
});
static PORT_DEFAULT: LazyLock<Regex> =
    LazyLock::new(|| re(r#"var\(\s*"PORT"\s*\)[^;]*?unwrap_or(?:_else)?\([^)]*?"?(\d{2,5})"#));
/// A `port: 3002` field of a settings struct literal, or `let port = 3002`.
static PORT_FIELD: LazyLock<Regex> = LazyLock::new(|| re(r"\bport\s*[:=]\s*(\d{2,5})\s*[,;]"));
static ENV_READ: LazyLock<Regex> =
    LazyLock::new(|| re(r#"(?:env::var|env::var_os|std::env::var|dotenvy::var)\(\s*"([A-Z][A-Z0-9_]*)""#));

const FRAMEWORKS: &[(&str, &str)] = &[
    ("axum", "axum"),
    ("actix-web", "actix-web"),
    ("rocket", "Rocket"),
    ("warp", "warp"),
    ("poem", "Poem"),
    ("tonic", "tonic"),
];

fn manifest(dir: &ServiceDir) -> toml::Value {
    dir.read("Cargo.toml").and_then(|t| toml::from_str(&t).ok()).unwrap_or(toml::Value::Table(Default::default()))
}

fn has_dependency(manifest: &toml::Value, name: &str) -> bool {
    ["dependencies", "dev-dependencies", "build-dependencies"]
        .iter()
        .any(|section| manifest.get(section).and_then(|d| d.get(name)).is_some())
}

/// The binary to build: the package name, or the first `[[bin]]`.
fn binary_name(manifest: &toml::Value) -> Option<String> {
    if let Some(bins) = manifest.get("bin").and_then(toml::Value::as_array) {
        if let Some(name) = bins.iter().find_map(|b| b.get("name").and_then(toml::Value::as_str)) {
            return Some(name.to_string());
        }
    }
    manifest.get("package").and_then(|p| p.get("name")).and_then(toml::Value::as_str).map(str::to_string)
}

fn rust_version(dir: &ServiceDir, manifest: &toml::Value) -> Detected<String> {
    if let Some(version) = manifest.get("package").and_then(|p| p.get("rust-version")).and_then(toml::Value::as_str) {
        return Detected::found(version.to_string(), dir.evidence_at("Cargo.toml", "rust-version", "rust-version"));
    }
    if let Some(text) = dir.read("rust-toolchain.toml") {
        let channel = text
            .lines()
            .find_map(|l| l.trim().strip_prefix("channel"))
            .map(|v| v.trim_start_matches([' ', '=']).trim_matches(['"', ' ']));
        if let Some(channel) = channel.filter(|c| c.starts_with("1.")) {
            return Detected::found(
                channel.to_string(),
                dir.evidence_at("rust-toolchain.toml", "channel", "toolchain channel"),
            );
        }
    }
    if manifest.get("package").and_then(|p| p.get("edition")).and_then(toml::Value::as_str) == Some("2024")
        && version_at_least(DEFAULT_VERSION, EDITION_2024_VERSION)
    {
        return Detected::found(
            DEFAULT_VERSION.to_string(),
            dir.evidence_at(
                "Cargo.toml",
                "edition",
                format!("edition 2024 needs Rust {EDITION_2024_VERSION} or later"),
            ),
        );
    }
    version_or_default(DEFAULT_VERSION, "Rust")
}

fn version_at_least(version: &str, minimum: &str) -> bool {
    let parse = |v: &str| v.split('.').map(|p| p.parse::<u32>().unwrap_or(0)).collect::<Vec<_>>();
    parse(version) >= parse(minimum)
}

static SQLX_MACRO: LazyLock<Regex> =
    LazyLock::new(|| re(r"\bquery(?:_as|_scalar|_file|_file_as|_file_scalar|_unchecked|_as_unchecked)?!\s*\("));
static MIGRATES_ITSELF: LazyLock<Regex> = LazyLock::new(|| {
    re(r"sqlx::migrate!\s*\([^)]*\)\s*\.run\(|\bembed_migrations!\s*\(|\.run_pending_migrations\s*\(|Migrator::up\s*\(")
});
static CLAP_ENV_ATTR: LazyLock<Regex> =
    LazyLock::new(|| re(r#"#\[\s*(?:clap|arg)\s*\((?:[^\]]*?[\s,(])?env(?:\s*=\s*"([A-Z][A-Z0-9_]*)")?\s*[,)]"#));
static FIELD: LazyLock<Regex> =
    LazyLock::new(|| re(r"^\s*(?:pub(?:\([^)]*\))?\s+)?([a-z_][a-z0-9_]*)\s*:\s*([^,]+),?\s*$"));
static REQUIRED_ENV_VAR: LazyLock<Regex> = LazyLock::new(|| {
    re(r#"env::var\(\s*"([A-Z][A-Z0-9_]*)"\s*\)\s*(?:\?|\.unwrap\(\)|\.expect\(|\.context\(|\.with_context\()"#)
});

/// True when the sources use sqlx's compile-time checked query macros.
fn uses_sqlx_macros(dir: &ServiceDir, manifest: &toml::Value) -> bool {
    has_dependency(manifest, "sqlx") && !dir.grep(SOURCES, &SQLX_MACRO).is_empty()
}

/// sqlx's offline query data, which lets the macros build without a database.
fn sqlx_offline_data(dir: &ServiceDir) -> Option<&'static str> {
    if dir.has_dir(".sqlx") {
        Some(".sqlx")
    } else if dir.has("sqlx-data.json") {
        Some("sqlx-data.json")
    } else {
        None
    }
}

/// Commands that start a throwaway PostgreSQL in the build stage and apply
/// the migrations, so sqlx's query macros can check their queries when no
/// offline data is committed.
fn sqlx_build_database(dir: &ServiceDir, manifest: &toml::Value) -> Option<String> {
    let postgres = ["dependencies", "dev-dependencies"]
        .iter()
        .filter_map(|section| manifest.get(section).and_then(|d| d.get("sqlx")))
        .filter_map(|sqlx| sqlx.get("features").and_then(toml::Value::as_array))
        .flatten()
        .any(|f| f.as_str().is_some_and(|f| f.contains("postgres")));
    if !(postgres && uses_sqlx_macros(dir, manifest) && sqlx_offline_data(dir).is_none() && dir.has_dir("migrations")) {
        return None;
    }
    Some(
        // The server runs as `postgres` from a folder under /tmp: no cluster
        // wrapper, no service manager, nothing left in the image.
        "runuser -u postgres -- /usr/lib/postgresql/15/bin/initdb -D /tmp/sqlx-db -A trust -U root -E UTF8 --locale=C.UTF-8 >/dev/null \
 && runuser -u postgres -- /usr/lib/postgresql/15/bin/pg_ctl -D /tmp/sqlx-db -l /tmp/sqlx-db.log -o \"-c listen_addresses='' -k /tmp\" -w start >/dev/null \
 && createdb -h /tmp -U root sqlx_build \
 && for f in migrations/*.sql; do case \"$f\" in *.down.sql) continue ;; esac; psql -q -v ON_ERROR_STOP=1 -h /tmp -U root -d sqlx_build -f \"$f\" || exit 1; done \
 && export DATABASE_URL='postgres://root@localhost/sqlx_build?host=/tmp' \
 && "
            .into(),
    )
}

/// A variable the app cannot start without.
struct RequiredVar {
    name: String,
    evidence: Evidence,
}

/// clap fields read from the environment without a default, and
/// `env::var("X")` reads whose error ends the program.
fn required_vars(dir: &ServiceDir) -> Vec<RequiredVar> {
    let mut out = Vec::new();
    for file in dir.files_ending(SOURCES) {
        let Some(text) = dir.read(file) else { continue };
        let lines: Vec<&str> = text.lines().collect();
        for (index, line) in lines.iter().enumerate() {
            let Some(attr) = CLAP_ENV_ATTR.captures(line) else { continue };
            let has_default = line.contains("default_value");
            let field = lines[index + 1..]
                .iter()
                .map(|l| l.trim())
                .find(|l| !l.starts_with("#[") && !l.starts_with("//") && !l.is_empty())
                .and_then(|l| FIELD.captures(l));
            let Some(field) = field else { continue };
            let (Some(name), Some(ty)) = (field.get(1), field.get(2)) else { continue };
            let ty = ty.as_str().trim();
            if has_default || ty.starts_with("Option<") || ty == "bool" {
                continue;
            }
            let env = attr.get(1).map_or_else(|| name.as_str().to_ascii_uppercase(), |m| m.as_str().to_string());
            out.push(RequiredVar {
                evidence: dir.evidence(file, Some(index + 1), format!("clap reads `{env}` and has no default")),
                name: env,
            });
        }
    }
    for hit in dir.grep(SOURCES, &REQUIRED_ENV_VAR) {
        if let Some(name) = hit.group(1) {
            out.push(RequiredVar {
                name: name.to_string(),
                evidence: dir.evidence(&hit.file, Some(hit.line), format!("reads `{name}` and fails without it")),
            });
        }
    }
    let mut seen = std::collections::BTreeSet::new();
    out.retain(|v| seen.insert(v.name.clone()));
    out
}

/// True when a dependency in Cargo.lock links the system's OpenSSL.
fn needs_openssl(dir: &ServiceDir) -> bool {
    let lock = dir.read("Cargo.lock").or_else(|| dir.ancestors().iter().find_map(|f| dir.read_in(f, "Cargo.lock")));
    lock.is_some_and(|t| t.contains("name = \"openssl-sys\""))
}

/// The Cargo workspace above the service whose root holds the lockfile.
fn cargo_workspace(dir: &ServiceDir) -> Option<String> {
    if dir.has("Cargo.lock") {
        return None;
    }
    dir.ancestors().into_iter().find(|folder| {
        dir.read_in(folder, "Cargo.toml").is_some_and(|t| t.contains("[workspace]"))
            && dir.read_in(folder, "Cargo.lock").is_some()
    })
}

fn migration(dir: &ServiceDir, manifest: &toml::Value) -> Option<Detected<Migration>> {
    // An app that applies its migrations on start needs no migration Job.
    if !dir.grep(SOURCES, &MIGRATES_ITSELF).is_empty() {
        return None;
    }
    if has_dependency(manifest, "sqlx") && dir.has_dir("migrations") {
        return Some(Detected::found(
            Migration { tool: "sqlx".into(), command: vec!["sqlx".into(), "migrate".into(), "run".into()] },
            dir.evidence_at("Cargo.toml", "sqlx", "depends on sqlx and has migrations/"),
        ));
    }
    if has_dependency(manifest, "diesel") && (dir.has("diesel.toml") || dir.has_dir("migrations")) {
        let evidence = if dir.has("diesel.toml") {
            dir.evidence("diesel.toml", None, "diesel.toml configures migrations")
        } else {
            dir.evidence_at("Cargo.toml", "diesel", "depends on diesel and has migrations/")
        };
        return Some(Detected::found(
            Migration { tool: "diesel".into(), command: vec!["diesel".into(), "migration".into(), "run".into()] },
            evidence,
        ));
    }
    if has_dependency(manifest, "sea-orm-migration") || dir.has("migration/Cargo.toml") {
        return Some(Detected::found(
            Migration { tool: "sea-orm".into(), command: vec!["/migration".into(), "up".into()] },
            dir.evidence_at("Cargo.toml", "sea-orm", "SeaORM migrations"),
        ));
    }
    None
}

impl Provider for Rust {
    fn stack(&self) -> Stack {
        Stack::Rust
    }

    fn matches(&self, dir: &ServiceDir) -> Option<Evidence> {
        dir.has("Cargo.toml").then(|| dir.evidence("Cargo.toml", None, "Cargo.toml is present"))
    }

    fn name_hint(&self, dir: &ServiceDir) -> Option<String> {
        binary_name(&manifest(dir))
    }

    fn config_env(&self, dir: &ServiceDir, _facts: &StackFacts) -> Vec<Detected<EnvVar>> {
        common::required_config(dir, required_vars(dir).into_iter().map(|v| (v.name, String::new(), v.evidence))).0
    }

    fn metrics(&self, dir: &ServiceDir, _facts: &StackFacts) -> Option<Detected<AppMetrics>> {
        // The app renders the recorder's handle on a route of its own.
        has_dependency(&manifest(dir), "axum-prometheus")
            .then(|| app_metrics::at_metrics_route(dir, SOURCES, "axum-prometheus"))
            .flatten()
    }

    fn build_context(&self, dir: &ServiceDir) -> Option<String> {
        cargo_workspace(dir)
    }

    fn warnings(&self, dir: &ServiceDir, _facts: &StackFacts) -> Vec<String> {
        let manifest = manifest(dir);
        let mut warnings =
            common::required_config(dir, required_vars(dir).into_iter().map(|v| (v.name, String::new(), v.evidence))).1;
        warnings.extend(common::writable_paths(dir, SOURCES, "/").1);
        if sqlx_build_database(dir, &manifest).is_some() {
            warnings.push(
                "sqlx query macros need a database at build time and no offline data (.sqlx/) is committed: the image build migrates a throwaway PostgreSQL for them; run `cargo sqlx prepare` and commit .sqlx/ for faster, database-free builds".into(),
            );
        } else if uses_sqlx_macros(dir, &manifest) && sqlx_offline_data(dir).is_none() {
            warnings.push(
                "sqlx query macros check queries against a database at build time and no offline data (.sqlx/) is committed: run `cargo sqlx prepare` against a migrated database and commit .sqlx/, or the image build fails".into(),
            );
        }
        warnings
    }

    fn detect(&self, dir: &ServiceDir, overrides: &Overrides) -> StackFacts {
        let manifest = manifest(dir);
        let version = overrides.language_version(rust_version(dir, &manifest));
        let framework = FRAMEWORKS.iter().find(|(dep, _)| has_dependency(&manifest, dep)).map(|(dep, name)| {
            Detected::found(
                name.to_string(),
                dir.evidence_at("Cargo.toml", &format!("{dep} "), format!("depends on {dep}")),
            )
        });
        let port = overrides.port(
            first_port(dir, &dir.grep(SOURCES, &BIND_STRING), 1, "binds port")
                .or_else(|| first_port(dir, &dir.grep(SOURCES, &BIND_TUPLE), 1, "binds port"))
                .or_else(|| first_port(dir, &dir.grep(SOURCES, &PORT_DEFAULT), 1, "PORT defaults to"))
                .or_else(|| first_port(dir, &dir.grep(SOURCES, &PORT_FIELD), 1, "port set to"))
                .or_else(|| common::dotenv_port(dir))
                .or_else(|| common::dockerfile_port(dir))
                .unwrap_or_else(|| Detected::default_value(8080, "no port found in the sources; 8080")),
        );
        let health_path = overrides.health_path(health_route(dir, SOURCES).unwrap_or_else(tcp_health));
        let binary = binary_name(&manifest).unwrap_or_else(|| "app".into());
        let v = &version.value;
        let workspace = cargo_workspace(dir);
        let locked = if dir.has("Cargo.lock") || workspace.is_some() { " --locked" } else { "" };
        let mut build_env = vec![("CARGO_TERM_COLOR".to_string(), "never".to_string())];
        if uses_sqlx_macros(dir, &manifest) && sqlx_offline_data(dir).is_some() {
            build_env.push(("SQLX_OFFLINE".into(), "true".into()));
        }
        let build_database = sqlx_build_database(dir, &manifest);
        let mut packages = Vec::new();
        if needs_openssl(dir) {
            packages.extend(["pkg-config=1.8.*", "libssl-dev=3.0.*"]);
        }
        if build_database.is_some() {
            packages.push("postgresql-15=15.*");
        }
        let install = if packages.is_empty() {
            Vec::new()
        } else {
            vec![CachedCommand::new(
                format!(
                    "apt-get update && apt-get install -y --no-install-recommends {} && rm -rf /var/lib/apt/lists/*",
                    packages.join(" ")
                ),
                &[],
            )]
        };
        let mut writable_dirs = vec!["/tmp".to_string()];
        writable_dirs.extend(common::writable_paths(dir, SOURCES, "/").0);
        let mut secrets = secret_env(dir, SOURCES, &ENV_READ);
        for var in required_vars(dir).into_iter().filter(|v| is_secret_env(&v.name)) {
            secrets.push(Detected::found(var.name, var.evidence));
        }
        let build = format!(
            "{}cargo build --release{locked} --bin {binary} --target-dir /target && mkdir -p /out && cp /target/release/{binary} /out/app",
            build_database.unwrap_or_default()
        );
        let mut dependency_files = vec!["Cargo.toml".to_string()];
        if dir.has("Cargo.lock") {
            dependency_files.push("Cargo.lock".into());
        }
        StackFacts {
            language_version: version.clone(),
            package_manager: Detected::found("cargo".into(), dir.evidence("Cargo.toml", None, "Cargo.toml")),
            framework,
            start_command: Detected::found(
                vec!["/app".into()],
                dir.evidence_at("Cargo.toml", "name", format!("binary `{binary}`")),
            ),
            build_command: Some(Detected::found(
                format!("cargo build --release --bin {binary}"),
                dir.evidence("Cargo.toml", None, "Cargo package"),
            )),
            port,
            health_path: health_path.clone(),
            migration: migration(dir, &manifest),
            secret_env: secrets,
            image: ImageRecipe {
                build_args: Vec::new(),
                build_image: format!("rust:{v}-slim-bookworm"),
                build_env,
                runtime_image: "gcr.io/distroless/cc-debian12:nonroot".into(),
                runtime_has_shell: false,
                dependency_files: Vec::new(),
                install,
                build: vec![CachedCommand::new(
                    build,
                    &["/usr/local/cargo/registry", "/usr/local/cargo/git", "/target"],
                )],
                source_mount: true,
                artifacts: vec![("/out/app".into(), "/app".into())],
                writable_dirs,
                workdir: "/".into(),
                env: Vec::new(),
                runtime_setup: Vec::new(),
                uid: 65532,
                command: vec!["/app".into()],
                healthcheck: probe_healthcheck(0, None),
                static_probe: true,
            },
            ci: CiCommands {
                image: format!("rust:{v}-bookworm"),
                install: vec!["cargo fetch --locked".into()],
                test: vec!["cargo test --locked --all-targets".into()],
                audit: vec!["cargo install cargo-audit@0.21.0 --locked".into(), "cargo audit --deny warnings".into()],
                cache_paths: vec!["~/.cargo/registry".into(), "~/.cargo/git".into(), "target".into()],
                cache_key_files: dependency_files,
            },
        }
        .with_probe()
    }
}

impl StackFacts {
    /// Fills the static probe's command from the detected port and path.
    pub(crate) fn with_probe(mut self) -> Self {
        if self.image.static_probe {
            self.image.healthcheck = probe_healthcheck(self.port.value, self.health_path.value.as_deref());
        }
        self
    }
}
