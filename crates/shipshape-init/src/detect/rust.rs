use std::sync::LazyLock;

use regex::Regex;

use super::common::{self, first_port, health_route, probe_healthcheck, secret_env, tcp_health};
use super::repo::{re, ServiceDir};
use super::{version_or_default, Overrides, Provider, StackFacts};
use crate::plan::{CachedCommand, CiCommands, Detected, Evidence, ImageRecipe, Migration, Stack};

pub(crate) struct Rust;

const SOURCES: &[&str] = &[".rs"];
const DEFAULT_VERSION: &str = "1.83";

static BIND_STRING: LazyLock<Regex> =
    LazyLock::new(|| re(r#""(?:0\.0\.0\.0|127\.0\.0\.1|\[::\]|localhost)?:(\d{2,5})""#));
static BIND_TUPLE: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?:\(\[\s*0\s*,\s*0\s*,\s*0\s*,\s*0\s*\]|\(\s*\[127,\s*0,\s*0,\s*1\]|Ipv4Addr::\w+|\(\s*&?\x22[\d.]+\x22)\s*,\s*(\d{2,5})\s*\)",
    )
});
static PORT_DEFAULT: LazyLock<Regex> =
    LazyLock::new(|| re(r#"var\(\s*"PORT"\s*\)[^;]*?unwrap_or(?:_else)?\([^)]*?"?(\d{2,5})"#));
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
    version_or_default(DEFAULT_VERSION, "Rust")
}

fn migration(dir: &ServiceDir, manifest: &toml::Value) -> Option<Detected<Migration>> {
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
                .or_else(|| common::dotenv_port(dir))
                .or_else(|| common::dockerfile_port(dir))
                .unwrap_or_else(|| Detected::default_value(8080, "no port found in the sources; 8080")),
        );
        let health_path = overrides.health_path(health_route(dir, SOURCES).unwrap_or_else(tcp_health));
        let binary = binary_name(&manifest).unwrap_or_else(|| "app".into());
        let v = &version.value;
        let locked = if dir.has("Cargo.lock") { " --locked" } else { "" };
        let build = format!(
            "cargo build --release{locked} --bin {binary} --target-dir /target && mkdir -p /out && cp /target/release/{binary} /out/app"
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
            secret_env: secret_env(dir, SOURCES, &ENV_READ),
            image: ImageRecipe {
                build_image: format!("rust:{v}-slim-bookworm"),
                build_env: vec![("CARGO_TERM_COLOR".into(), "never".into())],
                runtime_image: "gcr.io/distroless/cc-debian12:nonroot".into(),
                runtime_has_shell: false,
                dependency_files: Vec::new(),
                install: Vec::new(),
                build: vec![CachedCommand::new(
                    build,
                    &["/usr/local/cargo/registry", "/usr/local/cargo/git", "/target"],
                )],
                source_mount: true,
                artifacts: vec![("/out/app".into(), "/app".into())],
                writable_dirs: vec!["/tmp".into()],
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
