use std::sync::LazyLock;

use regex::Regex;

use super::app_metrics;
use super::common::{self, first_port, health_route, is_secret_env, secret_env, tcp_health};
use super::repo::{line_of, re, ServiceDir};
use super::{version_or_default, Overrides, Provider, StackFacts};
use crate::plan::{
    AppMetrics, CachedCommand, CiCommands, Detected, EnvVar, Evidence, ImageRecipe, Migration, Origin, Stack,
};
use crate::runtimes::PYTHON;

pub(crate) struct Python;

const SOURCES: &[&str] = &[".py"];
const DEFAULT_VERSION: &str = "3.12";
const MARKERS: &[&str] = &["pyproject.toml", "requirements.txt", "Pipfile", "setup.py", "manage.py"];
const POETRY: &str = "poetry==1.8.5";
const UV: &str = "uv==0.9.26";
const PIPENV: &str = "pipenv==2024.4.0";

static APP_RUN_PORT: LazyLock<Regex> =
    LazyLock::new(|| re(r"(?:\.run|uvicorn\.run|web\.run_app)\([^)]*\bport\s*=\s*(\d{2,5})"));
static ENV_PORT_DEFAULT: LazyLock<Regex> =
    LazyLock::new(|| re(r#"(?:environ\.get|getenv)\(\s*['"]PORT['"]\s*,\s*['"]?(\d{2,5})"#));
static CLI_PORT: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r#"(?:--port(?:[= ]|["']\s*,\s*["'])|(?:--bind|-b)(?:[= ]\s*|["']\s*,\s*["'])[^\s"']*:|bind\s*=\s*['"][^'"]*:)(\d{2,5})"#,
    )
});
static ENV_READ: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r#"(?:os\.environ(?:\.get)?\s*[\[(]\s*|os\.getenv\(\s*|env(?:\.str|\.int)?\(\s*|config\(\s*)['"]([A-Z][A-Z0-9_]*)['"]"#,
    )
});
/// `Instrumentator().instrument(app).expose(app)`; `endpoint=` moves the route.
static INSTRUMENTATOR_EXPOSE: LazyLock<Regex> =
    LazyLock::new(|| re(r#"\.expose\((?:[^)\n]*?endpoint\s*=\s*['"](/[^'"]*)['"])?"#));
static APP_OBJECT: LazyLock<Regex> = LazyLock::new(|| re(r"(?m)^(\w+)\s*=\s*(FastAPI|Flask|Starlette|Litestar)\("));
static PROCFILE_WEB: LazyLock<Regex> = LazyLock::new(|| re(r"(?m)^web:\s*(.+)$"));
static REQUIRES_PYTHON: LazyLock<Regex> = LazyLock::new(|| re(r#"requires-python\s*=\s*['"][^'"]*?(3\.\d+)"#));

/// Every dependency declaration, lower-cased, for name lookups.
fn dependency_text(dir: &ServiceDir) -> String {
    let mut text = String::new();
    for file in ["pyproject.toml", "Pipfile", "setup.py", "setup.cfg"] {
        text.push_str(&dir.read(file).unwrap_or_default());
    }
    for file in dir.files().iter().filter(|f| !f.contains('/') && f.starts_with("requirements") && f.ends_with(".txt"))
    {
        text.push_str(&dir.read(file).unwrap_or_default());
    }
    text.to_ascii_lowercase()
}

fn depends_on(deps: &str, name: &str) -> bool {
    let pattern = format!(r#"(?m)(^|[\s"'\[,]){}\s*([\[=<>~!;"',\s]|$)"#, regex::escape(name));
    Regex::new(&pattern).is_ok_and(|r| r.is_match(deps))
}

fn dependency_evidence(dir: &ServiceDir, name: &str) -> Evidence {
    let file = ["requirements.txt", "pyproject.toml", "Pipfile", "setup.py"]
        .into_iter()
        .find(|f| dir.read(f).is_some_and(|t| t.to_ascii_lowercase().contains(name)))
        .unwrap_or("requirements.txt");
    let line = dir.read(file).and_then(|t| line_of(&t.to_ascii_lowercase(), name));
    dir.evidence(file, line, format!("depends on {name}"))
}

fn package_manager(dir: &ServiceDir) -> Detected<String> {
    if let Some(workspace) = uv_workspace(dir) {
        return Detected::found("uv".into(), workspace.evidence);
    }
    for (file, manager) in
        [("uv.lock", "uv"), ("poetry.lock", "poetry"), ("Pipfile.lock", "pipenv"), ("Pipfile", "pipenv")]
    {
        if dir.has(file) {
            return Detected::found(manager.to_string(), dir.evidence(file, None, format!("{file} is present")));
        }
    }
    if dir.read("pyproject.toml").is_some_and(|t| t.contains("[tool.poetry]")) {
        return Detected::found(
            "poetry".into(),
            dir.evidence_at("pyproject.toml", "[tool.poetry]", "a [tool.poetry] table"),
        );
    }
    if dir.has("requirements.txt") {
        return Detected::found("pip".into(), dir.evidence("requirements.txt", None, "requirements.txt is present"));
    }
    Detected::found("pip".into(), dir.evidence("pyproject.toml", None, "pyproject.toml without a lockfile: pip"))
}

fn python_version(dir: &ServiceDir) -> Detected<String> {
    if let Some(text) = dir.read(".python-version") {
        let version: String = text.trim().split('.').take(2).collect::<Vec<_>>().join(".");
        if version.starts_with('3') {
            return Detected::found(version, dir.evidence(".python-version", Some(1), ".python-version pins Python"));
        }
    }
    if let Some(text) = dir.read("pyproject.toml") {
        if let Some(caps) = REQUIRES_PYTHON.captures(&text) {
            if let Some(version) = caps.get(1) {
                return Detected::found(
                    version.as_str().to_string(),
                    dir.evidence_at("pyproject.toml", "requires-python", "requires-python (lowest allowed version)"),
                );
            }
        }
    }
    if let Some(text) = dir.read("runtime.txt") {
        if let Some(version) = text.trim().strip_prefix("python-") {
            let version: String = version.split('.').take(2).collect::<Vec<_>>().join(".");
            return Detected::found(version, dir.evidence("runtime.txt", Some(1), "runtime.txt pins Python"));
        }
    }
    version_or_default(DEFAULT_VERSION, "Python")
}

/// The module path of a source file (`app/main.py` → `app.main`).
fn module_of(file: &str) -> String {
    file.trim_end_matches(".py").trim_start_matches("src/").replace('/', ".")
}

/// `module:variable` of the ASGI/WSGI application object, e.g. `app.main:app`.
fn app_object(dir: &ServiceDir) -> Option<(String, Evidence)> {
    let hit = dir.grep(SOURCES, &APP_OBJECT).into_iter().next()?;
    let variable = hit.group(1)?.to_string();
    let target = format!("{}:{variable}", module_of(&hit.file));
    let evidence =
        dir.evidence(&hit.file, Some(hit.line), format!("application object `{variable}` ({})", hit.group(2)?));
    Some((target, evidence))
}

fn django_project(dir: &ServiceDir) -> Option<(String, Evidence)> {
    let wsgi = dir.files().iter().find(|f| f.ends_with("/wsgi.py") && f.matches('/').count() <= 2)?;
    let module = module_of(wsgi);
    Some((format!("{module}:application"), dir.evidence(wsgi, None, "Django WSGI module")))
}

struct Start {
    command: Vec<String>,
    evidence: Evidence,
}

fn words(command: &str) -> Vec<String> {
    command.split_whitespace().map(str::to_string).collect()
}

fn start_command(dir: &ServiceDir, deps: &str, framework: Option<&str>, port: u16) -> Start {
    let bind = format!("0.0.0.0:{port}");
    if let Some(text) = dir.read("Procfile") {
        if let Some(hit) = super::repo::grep_text("Procfile", &text, &PROCFILE_WEB).into_iter().next() {
            let line =
                hit.group(1).unwrap_or("").replace("$PORT", &port.to_string()).replace("${PORT}", &port.to_string());
            return Start {
                command: words(&line),
                evidence: dir.evidence("Procfile", Some(hit.line), "Procfile web process"),
            };
        }
    }
    match framework {
        Some("Django") => {
            if let Some((target, evidence)) = django_project(dir) {
                let command = if depends_on(deps, "gunicorn") {
                    vec!["gunicorn".into(), "--bind".into(), bind, target]
                } else {
                    vec!["python".into(), "manage.py".into(), "runserver".into(), bind, "--noreload".into()]
                };
                return Start { command, evidence };
            }
        }
        Some("FastAPI" | "Starlette" | "Litestar") => {
            if let Some((target, evidence)) = fastapi_entrypoint(dir).or_else(|| app_object(dir)) {
                let command = vec![
                    "uvicorn".into(),
                    target,
                    "--host".into(),
                    "0.0.0.0".into(),
                    "--port".into(),
                    port.to_string(),
                ];
                return Start { command, evidence };
            }
        }
        Some("Flask") => {
            if let Some((target, evidence)) = app_object(dir) {
                let command = if depends_on(deps, "gunicorn") {
                    vec!["gunicorn".into(), "--bind".into(), bind, target]
                } else {
                    let module = target.split(':').next().unwrap_or("app").to_string();
                    vec![
                        "flask".into(),
                        "--app".into(),
                        module,
                        "run".into(),
                        "--host".into(),
                        "0.0.0.0".into(),
                        "--port".into(),
                        port.to_string(),
                    ]
                };
                return Start { command, evidence };
            }
        }
        _ => {}
    }
    if let Some(main) =
        ["main.py", "app.py", "server.py", "src/main.py", "app/main.py"].into_iter().find(|f| dir.has(f))
    {
        return Start {
            command: vec!["python".into(), main.into()],
            evidence: dir.evidence(main, None, "entry script"),
        };
    }
    if let Some(hit) = dir.grep(SOURCES, &MAIN_GUARD).into_iter().find(|h| !h.file.contains("test")) {
        return Start {
            command: vec!["python".into(), hit.file.clone()],
            evidence: dir.evidence(&hit.file, Some(hit.line), "script with a `__main__` guard"),
        };
    }
    Start {
        command: vec!["python".into(), "main.py".into()],
        evidence: Evidence { file: String::new(), line: None, detail: "no entry point found; main.py assumed".into() },
    }
}

static MAIN_GUARD: LazyLock<Regex> = LazyLock::new(|| re(r#"(?m)^if\s+__name__\s*==\s*['"]__main__['"]"#));

/// `[tool.fastapi] entrypoint = "app.main:app"` in pyproject.toml.
fn fastapi_entrypoint(dir: &ServiceDir) -> Option<(String, Evidence)> {
    let value: toml::Value = toml::from_str(&dir.read("pyproject.toml")?).ok()?;
    let target = value.get("tool")?.get("fastapi")?.get("entrypoint")?.as_str()?.to_string();
    Some((target, dir.evidence_at("pyproject.toml", "entrypoint", "[tool.fastapi] entrypoint")))
}

/// Programs a start or migration command may run, with the dependency
/// that installs each; `python` is always there.
fn program_installed(program: &str, deps: &str) -> bool {
    match program {
        "python" | "python3" => true,
        "uvicorn" => depends_on(deps, "uvicorn") || deps.contains("fastapi[standard") || deps.contains("fastapi-cli"),
        "fastapi" => deps.contains("fastapi[standard") || depends_on(deps, "fastapi-cli"),
        "flask" => depends_on(deps, "flask"),
        other => depends_on(deps, other),
    }
}

fn framework(dir: &ServiceDir, deps: &str) -> Option<Detected<String>> {
    const FRAMEWORKS: &[(&str, &str)] = &[
        ("django", "Django"),
        ("fastapi", "FastAPI"),
        ("flask", "Flask"),
        ("litestar", "Litestar"),
        ("starlette", "Starlette"),
        ("aiohttp", "aiohttp"),
    ];
    FRAMEWORKS
        .iter()
        .find(|(dep, _)| depends_on(deps, dep))
        .map(|(dep, name)| Detected::found(name.to_string(), dependency_evidence(dir, dep)))
}

fn port(dir: &ServiceDir, framework: Option<&str>, deps: &str) -> Detected<u16> {
    let config_files: Vec<(&str, String)> = ["Procfile", "gunicorn.conf.py", "gunicorn_config.py", "Dockerfile"]
        .into_iter()
        .filter_map(|f| dir.read(f).map(|t| (f, t)))
        .collect();
    let cli_hits: Vec<_> = config_files.iter().flat_map(|(f, t)| super::repo::grep_text(f, t, &CLI_PORT)).collect();
    first_port(dir, &dir.grep(SOURCES, &APP_RUN_PORT), 1, "runs on port")
        .or_else(|| first_port(dir, &cli_hits, 1, "binds port"))
        .or_else(|| first_port(dir, &dir.grep(SOURCES, &ENV_PORT_DEFAULT), 1, "PORT defaults to"))
        .or_else(|| common::dotenv_port(dir))
        .unwrap_or_else(|| {
            let (port, why) = match framework {
                Some("Flask") if !depends_on(deps, "gunicorn") => (5000, "Flask's server listens on 5000 by default"),
                Some("aiohttp") => (8080, "aiohttp listens on 8080 by default"),
                Some(name) => (
                    8000,
                    if name == "Django" {
                        "Django and gunicorn listen on 8000 by default"
                    } else {
                        "uvicorn and gunicorn listen on 8000 by default"
                    },
                ),
                None => (8000, "no port found; 8000"),
            };
            Detected::default_value(port, why)
        })
}

fn migration(dir: &ServiceDir, deps: &str, framework: Option<&str>) -> Option<Detected<Migration>> {
    let make = |tool: &str, command: &[&str], evidence: Evidence| {
        Detected::found(
            Migration { tool: tool.into(), command: command.iter().map(|c| (*c).to_string()).collect() },
            evidence,
        )
    };
    if dir.has("alembic.ini") || dir.files().iter().any(|f| f.ends_with("alembic/env.py")) {
        let evidence = if dir.has("alembic.ini") {
            dir.evidence_at("alembic.ini", "script_location", "alembic.ini configures migrations")
        } else {
            dir.evidence("alembic/env.py", None, "Alembic environment")
        };
        return Some(make("alembic", &["alembic", "upgrade", "head"], evidence));
    }
    if framework == Some("Django") && dir.has("manage.py") {
        if let Some(file) = dir.files().iter().find(|f| f.contains("/migrations/0001_")) {
            return Some(make(
                "django",
                &["python", "manage.py", "migrate", "--noinput"],
                dir.evidence(file, None, "Django migrations"),
            ));
        }
        return Some(make(
            "django",
            &["python", "manage.py", "migrate", "--noinput"],
            dir.evidence("manage.py", None, "Django project"),
        ));
    }
    if depends_on(deps, "flask-migrate") {
        return Some(make("flask-migrate", &["flask", "db", "upgrade"], dependency_evidence(dir, "flask-migrate")));
    }
    None
}

static ROUTE_DECORATOR: LazyLock<Regex> =
    LazyLock::new(|| re(r#"@(\w+)\.(?:get|head|api_route|route)\(\s*["']([^"']*)["']"#));
static ROUTER_DEF: LazyLock<Regex> = LazyLock::new(|| {
    re(r"(?m)^(\w+)\s*=\s*(?:\w+\.)?(APIRouter|Blueprint|FastAPI|Flask|Starlette|Quart)\(((?s:[^()]|\([^()]*\))*)\)")
});
static PREFIX_ARG: LazyLock<Regex> = LazyLock::new(|| re(r"\b(?:url_)?prefix\s*=\s*([^,)\s]+)"));
static INCLUDE: LazyLock<Regex> = LazyLock::new(|| {
    re(r"(\w+)\.(?:include_router|register_blueprint)\(\s*([\w.]+)\s*((?:,(?:[^()]|\([^()]*\))*)?)\)")
});
static HEALTH_NAME: LazyLock<Regex> = LazyLock::new(|| {
    re(r"(?i)^(?:healthz|health|health[-_]?check|livez|readyz|liveness|readiness|live|ready|alive|ping|status)$")
});

/// How specific a health route's last segment is; lower is better.
fn health_rank(path: &str) -> Option<usize> {
    let last = path.trim_end_matches('/').rsplit('/').next().unwrap_or("");
    if !HEALTH_NAME.is_match(last) {
        return None;
    }
    const ORDER: &[&str] = &["healthz", "health", "health-check", "healthcheck", "health_check", "livez", "readyz"];
    Some(ORDER.iter().position(|o| last.eq_ignore_ascii_case(o)).unwrap_or(ORDER.len()))
}

/// The value of a simple constant: a string literal, or a name (`settings.API_V1_STR`)
/// assigned a string literal somewhere in the sources.
fn constant_value(expr: &str, sources: &[(String, String)]) -> Option<String> {
    let expr = expr.trim();
    if let Some(literal) = expr.strip_prefix(['"', '\'']).and_then(|e| e.strip_suffix(['"', '\''])) {
        return Some(literal.to_string());
    }
    let name = expr.rsplit('.').next().filter(|n| n.chars().all(|c| c.is_alphanumeric() || c == '_'))?;
    let assigned =
        Regex::new(&format!(r#"(?m)^\s*{}\s*(?::[^=\n]+)?=\s*["']([^"'\n]*)["']"#, regex::escape(name))).ok()?;
    sources.iter().find_map(|(_, text)| assigned.captures(text).and_then(|c| c.get(1)).map(|m| m.as_str().to_string()))
}

fn prefix_of(args: &str, sources: &[(String, String)]) -> Option<String> {
    match PREFIX_ARG.captures(args).and_then(|c| c.get(1)) {
        Some(expr) => constant_value(expr.as_str(), sources),
        None => Some(String::new()),
    }
}

/// The module name a file is imported by (`app/api/routes/utils.py` → `utils`).
fn module_stem(file: &str) -> &str {
    let file = file.trim_end_matches(".py");
    match file.strip_suffix("/__init__") {
        Some(package) => package.rsplit('/').next().unwrap_or(package),
        None => file.rsplit('/').next().unwrap_or(file),
    }
}

/// The full path of `path` served by `router` of `file`, following
/// `include_router`/`register_blueprint` prefixes up to the application.
fn mounted_path(file: &str, router: &str, path: &str, sources: &[(String, String)], depth: usize) -> Option<String> {
    if depth > 6 {
        return None;
    }
    let text = &sources.iter().find(|(f, _)| f == file)?.1;
    let definition = ROUTER_DEF.captures_iter(text).find(|c| c.get(1).is_some_and(|m| m.as_str() == router))?;
    let own_prefix = prefix_of(definition.get(3).map_or("", |m| m.as_str()), sources)?;
    let joined = format!("{own_prefix}{path}");
    if definition.get(2).is_some_and(|m| !matches!(m.as_str(), "APIRouter" | "Blueprint")) {
        return Some(joined);
    }
    let stem = module_stem(file);
    for (other, other_text) in sources {
        for include in INCLUDE.captures_iter(other_text) {
            let (Some(receiver), Some(expr)) = (include.get(1), include.get(2)) else { continue };
            let expr = expr.as_str();
            let same = expr == format!("{stem}.{router}")
                || (expr == router && (other == file || other_text.contains(&format!("{stem} import"))))
                || other_text.contains(&format!("{stem} import {router} as {expr}"));
            if !same {
                continue;
            }
            let include_prefix = prefix_of(include.get(3).map_or("", |m| m.as_str()), sources)?;
            if let Some(full) =
                mounted_path(other, receiver.as_str(), &format!("{include_prefix}{joined}"), sources, depth + 1)
            {
                return Some(full);
            }
        }
    }
    None
}

/// A health route declared on an app or router, with the prefixes of the
/// routers it is mounted through.
fn routed_health(dir: &ServiceDir) -> Option<Detected<Option<String>>> {
    let sources: Vec<(String, String)> =
        dir.files_ending(SOURCES).into_iter().filter_map(|f| dir.read(f).map(|t| (f.to_string(), t))).collect();
    let mut found: Vec<(usize, String, Evidence)> = Vec::new();
    for hit in dir.grep(SOURCES, &ROUTE_DECORATOR) {
        let (Some(router), Some(path)) = (hit.group(1), hit.group(2)) else { continue };
        let Some(rank) = health_rank(path) else { continue };
        let Some(full) = mounted_path(&hit.file, router, path, &sources, 0) else { continue };
        let full = full.replace("//", "/");
        let full = if full.starts_with('/') { full } else { format!("/{full}") };
        let detail = if full.trim_end_matches('/') == path.trim_end_matches('/') {
            format!("route `{full}` defined here")
        } else {
            format!("route `{full}`, through its router prefixes")
        };
        let evidence = dir.evidence(&hit.file, Some(hit.line), detail);
        found.push((rank, full, evidence));
    }
    found.sort_by_key(|(rank, _, _)| *rank);
    let (_, path, evidence) = found.into_iter().next()?;
    Some(Detected::found(Some(path), evidence))
}

/// The app's own `/` route answering GET, when it has no health route.
fn root_route(dir: &ServiceDir) -> Option<Detected<Option<String>>> {
    let sources: Vec<(String, String)> =
        dir.files_ending(SOURCES).into_iter().filter_map(|f| dir.read(f).map(|t| (f.to_string(), t))).collect();
    let hit = dir.grep(SOURCES, &ROUTE_DECORATOR).into_iter().find(|hit| {
        let (Some(router), Some("/")) = (hit.group(1), hit.group(2)) else { return false };
        let line = sources
            .iter()
            .find(|(f, _)| *f == hit.file)
            .and_then(|(_, t)| t.lines().nth(hit.line.saturating_sub(1)))
            .unwrap_or("");
        let answers_get = !line.contains("methods") || line.contains("GET");
        answers_get && mounted_path(&hit.file, router, "/", &sources, 0).is_some_and(|p| p.trim_matches('/').is_empty())
    })?;
    Some(Detected::found(Some("/".to_string()), dir.evidence(&hit.file, Some(hit.line), "the app answers `/`")))
}

static SETTINGS_CLASS: LazyLock<Regex> =
    LazyLock::new(|| re(r"(?m)^class\s+\w+\s*\(\s*(?:\w+\.)?BaseSettings\s*\)\s*:"));
static SETTINGS_FIELD: LazyLock<Regex> = LazyLock::new(|| re(r"^(\s+)([A-Za-z]\w*)\s*:\s*([^=#]+?)\s*(?:=\s*(.*))?$"));
static ENV_PREFIX: LazyLock<Regex> = LazyLock::new(|| re(r#"env_prefix\s*=\s*["']([^"']*)["']"#));
static REQUIRED_ENV_READ: LazyLock<Regex> =
    LazyLock::new(|| re(r#"os\.environ\s*\[\s*['"]([A-Z][A-Z0-9_]*)['"]\s*\]"#));

/// A variable the app cannot start without.
struct RequiredVar {
    name: String,
    /// The annotation, when read from a settings class.
    annotation: String,
    evidence: Evidence,
}

/// Fields of pydantic `BaseSettings` classes without a default, and
/// `os.environ["X"]` reads.
fn required_vars(dir: &ServiceDir) -> Vec<RequiredVar> {
    let mut out: Vec<RequiredVar> = Vec::new();
    for file in dir.files_ending(SOURCES) {
        let Some(text) = dir.read(file) else { continue };
        for class in SETTINGS_CLASS.find_iter(&text) {
            let first_line = text[..class.start()].matches('\n').count() + 1;
            let body: Vec<&str> = text[class.end()..]
                .lines()
                .skip(1)
                .take_while(|l| l.trim().is_empty() || l.starts_with([' ', '\t']))
                .collect();
            let prefix =
                body.iter().find_map(|l| ENV_PREFIX.captures(l)).and_then(|c| c.get(1)).map_or("", |m| m.as_str());
            let indent = body.iter().find(|l| !l.trim().is_empty()).map_or(0, |l| l.len() - l.trim_start().len());
            for (offset, line) in body.iter().enumerate() {
                if line.len() - line.trim_start().len() != indent {
                    continue;
                }
                let Some(field) = SETTINGS_FIELD.captures(line) else { continue };
                let (Some(name), Some(annotation)) = (field.get(2), field.get(3)) else { continue };
                let default = field.get(4).map(|d| d.as_str().trim());
                let required =
                    default.is_none_or(|d| d.starts_with("Field(...") || d == "Field()" || d.starts_with("Field(..."));
                if name.as_str() == "model_config" || annotation.as_str().starts_with("ClassVar") || !required {
                    continue;
                }
                let env = format!("{prefix}{}", name.as_str()).to_ascii_uppercase();
                out.push(RequiredVar {
                    evidence: dir.evidence(
                        file,
                        Some(first_line + 1 + offset),
                        format!("settings field `{}` has no default", name.as_str()),
                    ),
                    name: env,
                    annotation: annotation.as_str().to_string(),
                });
            }
        }
    }
    for hit in dir.grep(SOURCES, &REQUIRED_ENV_READ) {
        if let Some(name) = hit.group(1) {
            out.push(RequiredVar {
                name: name.to_string(),
                annotation: String::new(),
                evidence: dir.evidence(&hit.file, Some(hit.line), format!("reads `{name}` without a default")),
            });
        }
    }
    let mut seen = std::collections::BTreeSet::new();
    out.retain(|v| seen.insert(v.name.clone()));
    out
}

/// Required non-secret settings, each with the value the ConfigMap gives
/// it, and a warning for each value that is only a placeholder.
fn required_config(dir: &ServiceDir) -> (Vec<Detected<EnvVar>>, Vec<String>) {
    common::required_config(dir, required_vars(dir).into_iter().map(|v| (v.name, v.annotation, v.evidence)))
}

static STATIC_DIR: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r#"Path\(__file__\)(?:\.resolve\(\))?\.parent\s*/\s*["']([\w.-]+)["']|(?:StaticFiles|\.frontend)\([^)]*?\bdirectory\s*=\s*["']([\w./-]+)["']"#,
    )
});

/// Folders the app serves static files from that are not in the
/// repository (built by another tool), relative to the service folder.
fn missing_static_dirs(dir: &ServiceDir) -> Vec<(String, Evidence)> {
    let mut out: Vec<(String, Evidence)> = Vec::new();
    for hit in dir.grep(SOURCES, &STATIC_DIR) {
        let path = match (hit.group(1), hit.group(2)) {
            (Some(name), _) => match hit.file.rsplit_once('/') {
                Some((parent, _)) => format!("{parent}/{name}"),
                None => name.to_string(),
            },
            (None, Some(path)) => path.trim_start_matches("./").to_string(),
            _ => continue,
        };
        if path.contains("..") || dir.has_dir(&path) || dir.has(&path) || out.iter().any(|(p, _)| *p == path) {
            continue;
        }
        let evidence = dir.evidence(&hit.file, Some(hit.line), format!("serves static files from `{path}`"));
        out.push((path, evidence));
    }
    out
}

/// A uv workspace above the service, locked at its root.
struct UvWorkspace {
    /// The workspace root, relative to the repository root.
    root: String,
    /// The service folder relative to the workspace root.
    member: String,
    /// The member's package name.
    package: String,
    evidence: Evidence,
}

fn project_name(dir: &ServiceDir) -> Option<String> {
    let value: toml::Value = toml::from_str(&dir.read("pyproject.toml")?).ok()?;
    value.get("project")?.get("name")?.as_str().map(str::to_string)
}

fn uv_workspace(dir: &ServiceDir) -> Option<UvWorkspace> {
    if dir.has("uv.lock") {
        return None;
    }
    for folder in dir.ancestors() {
        let Some(text) = dir.read_in(&folder, "pyproject.toml") else { continue };
        if !text.contains("[tool.uv.workspace]") || dir.read_in(&folder, "uv.lock").is_none() {
            continue;
        }
        let file = if folder == "." { "pyproject.toml".to_string() } else { format!("{folder}/pyproject.toml") };
        let evidence = Evidence {
            file,
            line: line_of(&text, "[tool.uv.workspace]"),
            detail: "uv workspace locked by the uv.lock at its root".into(),
        };
        let member = dir.path_from(&folder)?;
        return Some(UvWorkspace { root: folder, member, package: project_name(dir)?, evidence });
    }
    None
}

/// How the image and CI install the app.
struct Install {
    /// Copied before installing, relative to the build context.
    files: Vec<String>,
    /// Installs the dependencies alone (cached layer).
    install: Vec<CachedCommand>,
    /// Installs the project itself, once its sources are copied.
    build: Vec<CachedCommand>,
    ci_install: Vec<String>,
    /// Runs a command in the project's environment in CI.
    ci_run: &'static str,
}

/// Extras of `[project.optional-dependencies]` that hold test tools.
fn test_extras(dir: &ServiceDir) -> Vec<String> {
    let Some(value) = dir.read("pyproject.toml").and_then(|t| toml::from_str::<toml::Value>(&t).ok()) else {
        return Vec::new();
    };
    let Some(extras) = value.get("project").and_then(|p| p.get("optional-dependencies")).and_then(|o| o.as_table())
    else {
        return Vec::new();
    };
    extras.keys().filter(|k| matches!(k.as_str(), "test" | "tests" | "testing" | "dev")).cloned().collect()
}

/// A package manager in a venv of its own (`/opt/<name>`), left out of the
/// runtime: the system Python may be externally managed (and is the host's,
/// read-only, in verify's host mode), and the app's venv stays the app's.
fn tool_venv(name: &str, requirement: &str) -> String {
    format!("python -m venv /opt/{name} && /opt/{name}/bin/pip install --no-cache-dir {requirement}")
}

fn install_commands(manager: &str, dir: &ServiceDir, workspace: Option<&UvWorkspace>) -> Install {
    // The app's own venv, owned by the image and copied to the runtime.
    let venv = "python -m venv /opt/venv";
    let uv = tool_venv("uv", UV);
    match (manager, workspace) {
        ("uv", Some(workspace)) => {
            let package = &workspace.package;
            Install {
                files: vec!["pyproject.toml".into(), "uv.lock".into()],
                install: vec![CachedCommand::new(
                    format!("{uv} && /opt/uv/bin/uv sync --frozen --no-dev --no-install-workspace --package {package}"),
                    &[],
                )],
                build: vec![CachedCommand::new(
                    format!("/opt/uv/bin/uv sync --frozen --no-dev --package {package}"),
                    &[],
                )],
                ci_install: vec![format!("pip install {UV}"), format!("uv sync --frozen --package {package}")],
                ci_run: "uv run --frozen ",
            }
        }
        ("uv", None) => Install {
            files: vec!["pyproject.toml".into(), "uv.lock".into()],
            install: vec![CachedCommand::new(
                format!("{uv} && /opt/uv/bin/uv sync --frozen --no-dev --no-install-project"),
                &[],
            )],
            build: vec![CachedCommand::new("/opt/uv/bin/uv sync --frozen --no-dev", &[])],
            ci_install: vec![format!("pip install {UV}"), "uv sync --frozen".into()],
            ci_run: "uv run --frozen ",
        },
        ("poetry", _) => {
            let mut files = vec!["pyproject.toml".to_string()];
            if dir.has("poetry.lock") {
                files.push("poetry.lock".into());
            }
            Install {
                files,
                install: vec![CachedCommand::new(
                    format!(
                        "{tool} && {venv} && /opt/poetry/bin/poetry install --only main --no-root --no-interaction",
                        tool = tool_venv("poetry", POETRY)
                    ),
                    &[],
                )],
                build: Vec::new(),
                ci_install: vec![format!("pip install {POETRY}"), "poetry install --no-root --no-interaction".into()],
                ci_run: "poetry run ",
            }
        }
        ("pipenv", _) => {
            let mut files = vec!["Pipfile".to_string()];
            if dir.has("Pipfile.lock") {
                files.push("Pipfile.lock".into());
            }
            Install {
                files,
                install: vec![CachedCommand::new(
                    format!("{tool} && {venv} && /opt/pipenv/bin/pipenv requirements > /tmp/requirements.txt && /opt/venv/bin/pip install --no-cache-dir -r /tmp/requirements.txt", tool = tool_venv("pipenv", PIPENV)),
                    &[],
                )],
                build: Vec::new(),
                ci_install: vec![format!("pip install {PIPENV}"), "pipenv install --dev --deploy".into()],
                ci_run: "pipenv run ",
            }
        }
        _ if dir.has("requirements.txt") => {
            let mut ci_install = vec!["pip install -r requirements.txt".to_string()];
            for file in dir.files().iter().filter(|f| {
                !f.contains('/')
                    && f.ends_with(".txt")
                    && *f != "requirements.txt"
                    && f.contains("requirements")
                    && (f.contains("dev") || f.contains("test"))
            }) {
                ci_install.push(format!("pip install -r {file}"));
            }
            Install {
                files: vec!["requirements.txt".into()],
                install: vec![CachedCommand::new(
                    format!("{venv} && /opt/venv/bin/pip install --no-cache-dir -r requirements.txt"),
                    &[],
                )],
                build: Vec::new(),
                ci_install,
                ci_run: "",
            }
        }
        // The build backend needs the package's sources: install once they are copied.
        _ => {
            let extras = test_extras(dir);
            let target = if extras.is_empty() { ".".to_string() } else { format!("'.[{}]'", extras.join(",")) };
            Install {
                files: vec!["pyproject.toml".into()],
                install: vec![CachedCommand::new(venv, &[])],
                build: vec![CachedCommand::new("/opt/venv/bin/pip install --no-cache-dir .", &[])],
                ci_install: vec![format!("pip install {target}")],
                ci_run: "",
            }
        }
    }
}

impl Provider for Python {
    fn stack(&self) -> Stack {
        Stack::Python
    }

    fn matches(&self, dir: &ServiceDir) -> Option<Evidence> {
        MARKERS.iter().find(|m| dir.has(m)).map(|m| dir.evidence(m, None, format!("{m} is present")))
    }

    fn name_hint(&self, dir: &ServiceDir) -> Option<String> {
        let text = dir.read("pyproject.toml")?;
        let value: toml::Value = toml::from_str(&text).ok()?;
        value
            .get("project")
            .or_else(|| value.get("tool").and_then(|t| t.get("poetry")))
            .and_then(|p| p.get("name"))
            .and_then(toml::Value::as_str)
            .map(str::to_string)
    }

    fn config_env(&self, dir: &ServiceDir, _facts: &StackFacts) -> Vec<Detected<EnvVar>> {
        required_config(dir).0
    }

    fn metrics(&self, dir: &ServiceDir, _facts: &StackFacts) -> Option<Detected<AppMetrics>> {
        let deps = dependency_text(dir);
        if depends_on(&deps, "prometheus-fastapi-instrumentator") {
            let expose = dir.grep(SOURCES, &INSTRUMENTATOR_EXPOSE).into_iter().next()?;
            let path = expose.group(1).unwrap_or("/metrics").to_string();
            let library = "prometheus-fastapi-instrumentator";
            return Some(Detected::found(
                AppMetrics { library: library.into(), path: path.clone() },
                dir.evidence(&expose.file, Some(expose.line), format!("{library} exposes its metrics at `{path}`")),
            ));
        }
        if depends_on(&deps, "prometheus-client") || depends_on(&deps, "prometheus_client") {
            return app_metrics::at_metrics_route(dir, SOURCES, "prometheus_client");
        }
        None
    }

    fn build_context(&self, dir: &ServiceDir) -> Option<String> {
        uv_workspace(dir).map(|w| w.root)
    }

    fn warnings(&self, dir: &ServiceDir, facts: &StackFacts) -> Vec<String> {
        let deps = dependency_text(dir);
        let mut warnings: Vec<String> = PYTHON.resolve(&facts.language_version.value).warning.into_iter().collect();
        warnings.extend(required_config(dir).1);
        warnings.extend(common::writable_paths(dir, SOURCES, &facts.image.workdir).1);
        for (path, evidence) in missing_static_dirs(dir) {
            warnings.push(format!(
                "{}:{} serves static files from `{path}`, which is not in the repository (another tool builds it): the image holds it empty so the app starts; build it into the image to serve it",
                evidence.file,
                evidence.line.unwrap_or(0)
            ));
        }
        if let Some(program) = facts.start_command.value.first() {
            if facts.start_command.evidence.iter().all(|e| e.file.is_empty()) {
                warnings.push("no entry point found (no ASGI/WSGI app object, Procfile or `__main__` script): set the start command in shipshape.toml".into());
            } else if !program_installed(program, &deps) {
                warnings.push(format!(
                    "the start command runs `{program}`, which no dependency installs: add it to the dependencies"
                ));
            }
        }
        if let Some(migration) = &facts.migration {
            if let Some(program) = migration.value.command.first().filter(|p| !program_installed(p, &deps)) {
                warnings.push(format!(
                    "the migration runs `{program}`, which no dependency installs: add it to the dependencies"
                ));
            }
        }
        warnings
    }

    fn detect(&self, dir: &ServiceDir, overrides: &Overrides) -> StackFacts {
        let deps = dependency_text(dir);
        let manager = package_manager(dir);
        let version = overrides.language_version(python_version(dir));
        let framework = framework(dir, &deps);
        let framework_name = framework.as_ref().map(|f| f.value.clone());
        let mut port = overrides.port(port(dir, framework_name.as_deref(), &deps));
        let mut start = start_command(dir, &deps, framework_name.as_deref(), port.value);
        // A non-root container cannot bind a port below 1024; the servers
        // the kit starts itself listen on 8000 instead.
        let kit_server = matches!(start.command.first().map(String::as_str), Some("gunicorn" | "uvicorn" | "flask"))
            || start.command.get(1).is_some_and(|c| c == "manage.py");
        if port.value < 1024 && port.origin == Origin::Detected && kit_server && !dir.has("Procfile") {
            let found =
                port.evidence.first().map_or(String::new(), |e| format!(" ({}:{})", e.file, e.line.unwrap_or(0)));
            port = Detected::default_value(
                8000,
                format!("port {}{found} needs root to bind; the kit's server listens on 8000", port.value),
            );
            start = start_command(dir, &deps, framework_name.as_deref(), port.value);
        }
        let health_path = overrides.health_path(
            routed_health(dir)
                .or_else(|| health_route(dir, SOURCES))
                .or_else(|| root_route(dir))
                .unwrap_or_else(tcp_health),
        );
        let workspace = uv_workspace(dir);
        let Install { files: dependency_files, install, build, mut ci_install, ci_run } =
            install_commands(&manager.value, dir, workspace.as_ref());
        let v = PYTHON.resolve(&version.value).version();
        let uses_uv = manager.value == "uv";
        let mut build_env = vec![("PIP_DISABLE_PIP_VERSION_CHECK".to_string(), "1".to_string())];
        if uses_uv {
            build_env.push(("UV_PROJECT_ENVIRONMENT".into(), "/opt/venv".into()));
            build_env.push(("UV_PYTHON_DOWNLOADS".into(), "never".into()));
            build_env.push(("UV_LINK_MODE".into(), "copy".into()));
        } else if manager.value == "poetry" {
            build_env.push(("VIRTUAL_ENV".into(), "/opt/venv".into()));
            build_env.push(("POETRY_VIRTUALENVS_CREATE".into(), "false".into()));
        }
        // pytest exits 5 when it collects no tests, which fails the job.
        let has_pytest = depends_on(&deps, "pytest");
        let test = if framework_name.as_deref() == Some("Django") && !has_pytest {
            format!("{ci_run}python manage.py test")
        } else if has_pytest {
            format!("{ci_run}python -m pytest")
        } else if uses_uv {
            "uv run --frozen --with pytest python -m pytest".to_string()
        } else {
            ci_install.push(format!("{ci_run}pip install pytest"));
            format!("{ci_run}python -m pytest")
        };
        let workdir = match &workspace {
            Some(w) if w.member != "." => format!("/app/{}", w.member),
            _ => "/app".to_string(),
        };
        let mut secrets = secret_env(dir, SOURCES, &ENV_READ);
        for var in required_vars(dir).into_iter().filter(|v| is_secret_env(&v.name)) {
            secrets.push(Detected::found(var.name, var.evidence));
        }
        let mut build = build;
        let static_dirs: Vec<String> = missing_static_dirs(dir)
            .into_iter()
            .map(|(path, _)| match &workspace {
                Some(w) if w.member != "." => format!("{}/{path}", w.member),
                _ => path,
            })
            .collect();
        if !static_dirs.is_empty() {
            build.push(CachedCommand::new(format!("mkdir -p {}", static_dirs.join(" ")), &[]));
        }
        let mut writable_dirs = vec!["/tmp".to_string()];
        writable_dirs.extend(common::writable_paths(dir, SOURCES, &workdir).0);
        let healthcheck = python_healthcheck(port.value, health_path.value.as_deref());
        let command = start.command.clone();
        StackFacts {
            language_version: version.clone(),
            package_manager: manager.clone(),
            framework,
            start_command: Detected::found(start.command, start.evidence),
            build_command: None,
            port,
            health_path,
            migration: migration(dir, &deps, framework_name.as_deref()),
            secret_env: secrets,
            image: ImageRecipe {
                build_args: Vec::new(),
                build_image: format!("python:{v}-slim-bookworm"),
                build_env,
                runtime_image: format!("python:{v}-slim-bookworm"),
                runtime_has_shell: true,
                dependency_files: dependency_files.clone(),
                install,
                build,
                source_mount: false,
                artifacts: vec![("/opt/venv".into(), "/opt/venv".into()), ("/app".into(), "/app".into())],
                writable_dirs,
                workdir,
                env: vec![
                    ("PATH".into(), "/opt/venv/bin:/usr/local/bin:/usr/bin:/bin".into()),
                    ("PYTHONUNBUFFERED".into(), "1".into()),
                    ("PYTHONDONTWRITEBYTECODE".into(), "1".into()),
                ],
                runtime_setup: Vec::new(),
                uid: 10001,
                command,
                healthcheck,
                static_probe: false,
            },
            ci: CiCommands {
                image: format!("python:{v}-slim-bookworm"),
                install: ci_install,
                test: vec![test],
                audit: vec!["pip install pip-audit==2.7.3".into(), "pip-audit --strict".into()],
                cache_paths: vec!["~/.cache/pip".into()],
                cache_key_files: dependency_files,
            },
        }
    }
}

fn python_healthcheck(port: u16, path: Option<&str>) -> Vec<String> {
    let script = match path {
        Some(path) => format!(
            "import sys, urllib.request; sys.exit(0 if urllib.request.urlopen('http://127.0.0.1:{port}{path}', timeout=3).status < 400 else 1)"
        ),
        None => format!("import socket; socket.create_connection(('127.0.0.1', {port}), timeout=3)"),
    };
    vec!["python".into(), "-c".into(), script]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dependency_names_match_whole_words() {
        let deps = "django==5.0\nflask-migrate\n\"fastapi>=0.110\",\n";
        assert!(depends_on(deps, "django"));
        assert!(depends_on(deps, "fastapi"));
        assert!(depends_on(deps, "flask-migrate"));
        assert!(!depends_on(deps, "flask"));
        assert_eq!(super::common::port_number("8000"), Some(8000));
        assert_eq!(module_of("src/app/main.py"), "app.main");
    }
}
