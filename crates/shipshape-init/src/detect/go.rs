use std::sync::LazyLock;

use regex::Regex;

use super::common::{self, first_port, health_route, probe_healthcheck, secret_env, tcp_health};
use super::repo::{re, ServiceDir};
use super::{version_or_default, Overrides, Provider, StackFacts};
use crate::plan::{CachedCommand, CiCommands, Detected, Evidence, ImageRecipe, Migration, Stack};
use crate::runtimes::{self, GO};

pub(crate) struct Go;

const SOURCES: &[&str] = &[".go"];
const DEFAULT_VERSION: &str = "1.26";

static GO_DIRECTIVE: LazyLock<Regex> = LazyLock::new(|| re(r"(?m)^go\s+(\d+\.\d+)"));
static MODULE: LazyLock<Regex> = LazyLock::new(|| re(r"(?m)^module\s+(\S+)"));
static LISTEN_ADDR: LazyLock<Regex> = LazyLock::new(|| {
    re(r#"(?:ListenAndServe(?:TLS)?|\.Run|\.Start|\.Listen|net\.Listen)\(\s*(?:"tcp",\s*)?"[^"]*:(\d{2,5})""#)
});
static ADDR_LITERAL: LazyLock<Regex> =
    LazyLock::new(|| re(r#"(?i)(?:addr|port|listen)\w*\s*:?=\s*"(?:[\w.]*):?(\d{2,5})""#));
static ENV_READ: LazyLock<Regex> = LazyLock::new(|| re(r#"os\.(?:Getenv|LookupEnv)\(\s*"([A-Z][A-Z0-9_]*)""#));

/// Modules that wrap C libraries: the binary needs cgo and a libc at run time.
const CGO_MODULES: &[&str] = &[
    "github.com/mattn/go-sqlite3",
    "github.com/confluentinc/confluent-kafka-go",
    "gopkg.in/gographics/imagick",
    "github.com/google/gopacket/pcap",
    "github.com/tecbot/gorocksdb",
];
static IMPORT_C: LazyLock<Regex> = LazyLock::new(|| re(r#"(?m)^\s*import\s+"C"\s*$"#));
/// `gorm.Open("sqlite3", "./app.db")`, `sql.Open("sqlite3", …)`, `sqlite.Open("…")`.
static SQLITE_OPEN: LazyLock<Regex> = LazyLock::new(|| {
    re(r#"(?:\.Open\(\s*"sqlite3?"\s*,\s*|sqlite\.Open\(\s*)"(?:file:)?([^"?:]+\.(?:db|sqlite3?))[?"]"#)
});
/// `v1 := r.Group("/api")`: a router group and its prefix (gin, echo, fiber).
static ROUTE_GROUP: LazyLock<Regex> = LazyLock::new(|| re(r#"(\w+)\s*:?=\s*(\w+)\.Group\(\s*"([^"]*)""#));
/// `g.GET("/", …)`, `mux.HandleFunc("/healthz", …)`.
static ROUTE: LazyLock<Regex> =
    LazyLock::new(|| re(r#"(\w+)\.(?:GET|Get|HEAD|Head|Any|HandleFunc|Handle)\(\s*"(?:GET\s+)?(/[^"]*)""#));
/// Last path segments that name a health route, most specific first.
const HEALTH_SEGMENTS: &[&str] =
    &["healthz", "health", "livez", "liveness", "readyz", "readiness", "healthcheck", "_health", "ping", "status"];

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

/// Why the binary needs cgo, as evidence.
fn cgo_evidence(dir: &ServiceDir, go_mod: &str) -> Option<Evidence> {
    if let Some(module) = CGO_MODULES.iter().find(|m| go_mod.contains(*m)) {
        return Some(dir.evidence_at("go.mod", module, format!("{module} wraps a C library: cgo")));
    }
    dir.grep(SOURCES, &IMPORT_C)
        .into_iter()
        .find(|hit| !hit.file.ends_with("_test.go"))
        .map(|hit| dir.evidence(&hit.file, Some(hit.line), "`import \"C\"`: cgo"))
}

/// Health routes registered on router groups: the group prefixes joined
/// with the route, so `r.Group("/api/ping")` + `.GET("/")` is `/api/ping/`.
fn grouped_health_route(dir: &ServiceDir) -> Option<Detected<Option<String>>> {
    let mut found: Vec<(usize, String, Evidence)> = Vec::new();
    for file in dir.files_ending(SOURCES) {
        if file.ends_with("_test.go") {
            continue;
        }
        let Some(text) = dir.read(file) else { continue };
        let mut prefixes: std::collections::HashMap<String, String> = std::collections::HashMap::new();
        for caps in ROUTE_GROUP.captures_iter(&text) {
            let parent = prefixes.get(&caps[2]).cloned().unwrap_or_default();
            prefixes.insert(caps[1].to_string(), format!("{parent}{}", &caps[3]));
        }
        for caps in ROUTE.captures_iter(&text) {
            let prefix = prefixes.get(&caps[1]).cloned().unwrap_or_default();
            let path = format!("{prefix}{}", &caps[2]).replace("//", "/");
            let last = path.trim_end_matches('/').rsplit('/').next().unwrap_or("").to_string();
            let Some(rank) = HEALTH_SEGMENTS.iter().position(|s| *s == last) else { continue };
            let at = caps.get(0).map_or(0, |m| m.start());
            let line = text[..at].matches('\n').count() + 1;
            found.push((rank, path.clone(), dir.evidence(file, Some(line), format!("route `{path}` registered here"))));
        }
    }
    found.sort_by_key(|(rank, _, _)| *rank);
    found.into_iter().next().map(|(_, path, evidence)| Detected::found(Some(path), evidence))
}

/// The SQLite file the app opens, relative paths resolved against a working
/// directory chosen so the file's folder can be an empty volume: each `..`
/// adds a level under `/data` (the runtime creates a missing working
/// directory inside the mounted volume).
fn sqlite_layout(dir: &ServiceDir) -> Option<(String, String, Evidence)> {
    let hit = dir.grep(SOURCES, &SQLITE_OPEN).into_iter().find(|h| !h.file.ends_with("_test.go"))?;
    let path = hit.group(1)?.to_string();
    let evidence = dir.evidence(&hit.file, Some(hit.line), format!("opens the SQLite file `{path}`"));
    if path.starts_with('/') {
        let parent = path.rsplit_once('/').map(|(p, _)| p).filter(|p| !p.is_empty())?;
        return Some(("/app".into(), parent.to_string(), evidence));
    }
    let ups = path.split('/').filter(|part| *part == "..").count();
    let workdir = format!("/data{}", "/app".repeat(ups));
    let mut resolved: Vec<&str> = workdir.split('/').filter(|p| !p.is_empty()).collect();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                resolved.pop();
            }
            other => resolved.push(other),
        }
    }
    resolved.pop();
    let data = format!("/{}", resolved.join("/"));
    Some((workdir, data, evidence))
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
        let health_path = overrides
            .health_path(grouped_health_route(dir).or_else(|| health_route(dir, SOURCES)).unwrap_or_else(tcp_health));
        let (package, package_evidence) = main_package(dir);
        let go = GO.resolve(&version.value);
        let go_image = runtimes::golang_image(&go);
        let cgo = cgo_evidence(dir, &go_mod).is_some();
        let build = format!(
            "CGO_ENABLED={} go build -trimpath -ldflags=\"-s -w\" -o /out/app {package}",
            if cgo { 1 } else { 0 }
        );
        let (workdir, mut writable_dirs) = match sqlite_layout(dir) {
            Some((workdir, data, _)) => (workdir, vec!["/tmp".to_string(), data]),
            None => ("/".to_string(), vec!["/tmp".to_string()]),
        };
        writable_dirs.dedup();
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
                build_args: Vec::new(),
                build_image: go_image.clone(),
                build_env: Vec::new(),
                runtime_image: if cgo { runtimes::DISTROLESS_BASE } else { runtimes::DISTROLESS_STATIC }.into(),
                runtime_has_shell: false,
                dependency_files: dependency_files.clone(),
                install: vec![CachedCommand::new("go mod download", &["/go/pkg/mod"])],
                build: vec![CachedCommand::new(build, &["/go/pkg/mod", "/root/.cache/go-build"])],
                source_mount: false,
                artifacts: vec![("/out/app".into(), "/app".into())],
                writable_dirs,
                workdir,
                env: Vec::new(),
                runtime_setup: Vec::new(),
                uid: 65532,
                command: vec!["/app".into()],
                healthcheck,
                static_probe: true,
            },
            ci: CiCommands {
                image: go_image,
                install: vec!["go mod download".into()],
                test: vec!["go vet ./...".into(), "go test -race ./...".into()],
                audit: vec!["go install golang.org/x/vuln/cmd/govulncheck@v1.1.3".into(), "govulncheck ./...".into()],
                cache_paths: vec!["~/go/pkg/mod".into(), "~/.cache/go-build".into()],
                cache_key_files: dependency_files,
            },
        }
    }

    fn warnings(&self, dir: &ServiceDir, facts: &StackFacts) -> Vec<String> {
        let mut out: Vec<String> = GO.resolve(&facts.language_version.value).warning.into_iter().collect();
        let go_mod = dir.read("go.mod").unwrap_or_default();
        if let Some(evidence) = cgo_evidence(dir, &go_mod) {
            out.push(format!(
                "{} ({}): built with CGO_ENABLED=1 and run on distroless/base (glibc), not static",
                evidence.detail, evidence.file
            ));
        }
        if let Some((_, data, evidence)) = sqlite_layout(dir) {
            out.push(format!(
                "{} ({}): its folder {data} is an emptyDir volume, so the database is lost when the pod restarts; use a PersistentVolumeClaim or a database server in production",
                evidence.detail, evidence.file
            ));
        }
        out
    }
}
