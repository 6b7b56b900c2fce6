use std::sync::LazyLock;

use regex::Regex;

use super::common::{self, first_port, health_route, probe_healthcheck, secret_env, tcp_health};
use super::repo::{re, ServiceDir};
use super::{version_or_default, Overrides, Provider, StackFacts};
use crate::plan::{CachedCommand, CiCommands, Detected, Evidence, ImageRecipe, Migration, Stack};

pub(crate) struct Go;

const SOURCES: &[&str] = &[".go"];
const DEFAULT_VERSION: &str = "1.23";

static GO_DIRECTIVE: LazyLock<Regex> = LazyLock::new(|| re(r"(?m)^go\s+(\d+\.\d+)"));
static MODULE: LazyLock<Regex> = LazyLock::new(|| re(r"(?m)^module\s+(\S+)"));
static LISTEN_ADDR: LazyLock<Regex> = LazyLock::new(|| {
    re(r#"(?:ListenAndServe(?:TLS)?|\.Run|\.Start|\.Listen|net\.Listen)\(\s*(?:"tcp",\s*)?"[^"]*:(\d{2,5})""#)
});
static ADDR_LITERAL: LazyLock<Regex> =
    LazyLock::new(|| re(r#"(?i)(?:addr|port|listen)\w*\s*:?=\s*"(?:[\w.]*):?(\d{2,5})""#));
static ENV_READ: LazyLock<Regex> = LazyLock::new(|| re(r#"os\.(?:Getenv|LookupEnv)\(\s*"([A-Z][A-Z0-9_]*)""#));

const FRAMEWORKS: &[(&str, &str)] = &[
    ("github.com/gin-gonic/gin", "Gin"),
    ("github.com/labstack/echo", "Echo"),
    ("github.com/gofiber/fiber", "Fiber"),
    ("github.com/go-chi/chi", "chi"),
    ("github.com/gorilla/mux", "gorilla/mux"),
    ("google.golang.org/grpc", "gRPC"),
];

/// The package to build: `.` or the single `cmd/<name>` with a main package.
fn main_package(dir: &ServiceDir) -> (String, Evidence) {
    if dir.has("main.go") {
        return (".".into(), dir.evidence("main.go", None, "main package at the module root"));
    }
    let mains: Vec<&str> = dir.files_ending(&["/main.go"]).into_iter().filter(|f| f.starts_with("cmd/")).collect();
    match mains.first() {
        Some(file) => {
            let package = format!("./{}", file.trim_end_matches("/main.go"));
            (package.clone(), dir.evidence(file, None, format!("main package {package}")))
        }
        None => (".".into(), dir.evidence("go.mod", None, "no main.go found; building the module root")),
    }
}

fn migration(dir: &ServiceDir, go_mod: &str) -> Option<Detected<Migration>> {
    let migrations_dir =
        ["migrations", "db/migrations", "sql/migrations"].into_iter().find(|d| dir.has_dir(d)).unwrap_or("migrations");
    if go_mod.contains("github.com/pressly/goose") {
        return Some(Detected::found(
            Migration {
                tool: "goose".into(),
                command: vec!["goose".into(), "-dir".into(), migrations_dir.into(), "up".into()],
            },
            dir.evidence_at("go.mod", "github.com/pressly/goose", "depends on goose"),
        ));
    }
    if go_mod.contains("github.com/golang-migrate/migrate") {
        return Some(Detected::found(
            Migration {
                tool: "golang-migrate".into(),
                command: vec![
                    "migrate".into(),
                    "-path".into(),
                    migrations_dir.into(),
                    "-database".into(),
                    "$(DATABASE_URL)".into(),
                    "up".into(),
                ],
            },
            dir.evidence_at("go.mod", "github.com/golang-migrate/migrate", "depends on golang-migrate"),
        ));
    }
    None
}

impl Provider for Go {
    fn stack(&self) -> Stack {
        Stack::Go
    }

    fn matches(&self, dir: &ServiceDir) -> Option<Evidence> {
        dir.has("go.mod").then(|| dir.evidence("go.mod", None, "go.mod is present"))
    }

    fn name_hint(&self, dir: &ServiceDir) -> Option<String> {
        let text = dir.read("go.mod")?;
        let module = MODULE.captures(&text)?.get(1)?.as_str().to_string();
        module.rsplit('/').find(|s| !s.starts_with('v') || s.len() > 3).map(str::to_string)
    }

    fn detect(&self, dir: &ServiceDir, overrides: &Overrides) -> StackFacts {
        let go_mod = dir.read("go.mod").unwrap_or_default();
        let version = overrides.language_version(
            GO_DIRECTIVE
                .captures(&go_mod)
                .and_then(|c| c.get(1))
                .map(|v| Detected::found(v.as_str().to_string(), dir.evidence_at("go.mod", "\ngo ", "go directive")))
                .unwrap_or_else(|| version_or_default(DEFAULT_VERSION, "Go")),
        );
        let framework = FRAMEWORKS.iter().find(|(module, _)| go_mod.contains(module)).map(|(module, name)| {
            Detected::found(name.to_string(), dir.evidence_at("go.mod", module, format!("requires {module}")))
        });
        let port = overrides.port(
            first_port(dir, &dir.grep(SOURCES, &LISTEN_ADDR), 1, "listens on port")
                .or_else(|| first_port(dir, &dir.grep(SOURCES, &ADDR_LITERAL), 1, "address uses port"))
                .or_else(|| common::dotenv_port(dir))
                .or_else(|| common::dockerfile_port(dir))
                .unwrap_or_else(|| Detected::default_value(8080, "no port found in the sources; 8080")),
        );
        let health_path = overrides.health_path(health_route(dir, SOURCES).unwrap_or_else(tcp_health));
        let (package, package_evidence) = main_package(dir);
        let v = &version.value;
        let build = format!("CGO_ENABLED=0 go build -trimpath -ldflags=\"-s -w\" -o /out/app {package}");
        let healthcheck = probe_healthcheck(port.value, health_path.value.as_deref());
        let mut dependency_files = vec!["go.mod".to_string()];
        if dir.has("go.sum") {
            dependency_files.push("go.sum".into());
        }
        StackFacts {
            language_version: version.clone(),
            package_manager: Detected::found("go modules".into(), dir.evidence("go.mod", None, "go.mod")),
            framework,
            start_command: Detected::found(vec!["/app".into()], package_evidence),
            build_command: Some(Detected::found(
                format!("go build {package}"),
                dir.evidence("go.mod", None, "Go module"),
            )),
            port,
            health_path,
            migration: migration(dir, &go_mod),
            secret_env: secret_env(dir, SOURCES, &ENV_READ),
            image: ImageRecipe {
                build_image: format!("golang:{v}-bookworm"),
                build_env: Vec::new(),
                runtime_image: "gcr.io/distroless/static-debian12:nonroot".into(),
                runtime_has_shell: false,
                dependency_files: dependency_files.clone(),
                install: vec![CachedCommand::new("go mod download", &["/go/pkg/mod"])],
                build: vec![CachedCommand::new(build, &["/go/pkg/mod", "/root/.cache/go-build"])],
                source_mount: false,
                artifacts: vec![("/out/app".into(), "/app".into())],
                writable_dirs: vec!["/tmp".into()],
                workdir: "/".into(),
                env: Vec::new(),
                runtime_setup: Vec::new(),
                uid: 65532,
                command: vec!["/app".into()],
                healthcheck,
                static_probe: true,
            },
            ci: CiCommands {
                image: format!("golang:{v}-bookworm"),
                install: vec!["go mod download".into()],
                test: vec!["go vet ./...".into(), "go test -race ./...".into()],
                audit: vec!["go install golang.org/x/vuln/cmd/govulncheck@v1.1.3".into(), "govulncheck ./...".into()],
                cache_paths: vec!["~/go/pkg/mod".into(), "~/.cache/go-build".into()],
                cache_key_files: dependency_files,
            },
        }
    }
}
