use std::sync::LazyLock;

use regex::Regex;

use super::common::{self, first_port, health_route, secret_env, tcp_health};
use super::repo::{line_of, re, ServiceDir};
use super::{version_or_default, Overrides, Provider, StackFacts};
use crate::plan::{CachedCommand, CiCommands, Detected, Evidence, ImageRecipe, Migration, Stack};

pub(crate) struct Python;

const SOURCES: &[&str] = &[".py"];
const DEFAULT_VERSION: &str = "3.12";
const MARKERS: &[&str] = &["pyproject.toml", "requirements.txt", "Pipfile", "setup.py", "manage.py"];
const POETRY: &str = "poetry==1.8.5";
const UV: &str = "uv==0.5.11";
const PIPENV: &str = "pipenv==2024.4.0";

static APP_RUN_PORT: LazyLock<Regex> =
    LazyLock::new(|| re(r"(?:\.run|uvicorn\.run|web\.run_app)\([^)]*\bport\s*=\s*(\d{2,5})"));
static ENV_PORT_DEFAULT: LazyLock<Regex> =
    LazyLock::new(|| re(r#"(?:environ\.get|getenv)\(\s*['"]PORT['"]\s*,\s*['"]?(\d{2,5})"#));
static CLI_PORT: LazyLock<Regex> =
    LazyLock::new(|| re(r#"(?:--port[= ]|--bind[= ]\S*:|-b\s+\S*:|bind\s*=\s*['"][^'"]*:)(\d{2,5})"#));
static ENV_READ: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r#"(?:os\.environ(?:\.get)?\s*[\[(]\s*|os\.getenv\(\s*|env(?:\.str|\.int)?\(\s*|config\(\s*)['"]([A-Z][A-Z0-9_]*)['"]"#,
    )
});
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
            if let Some((target, evidence)) = app_object(dir) {
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
    let main = ["main.py", "app.py", "server.py", "src/main.py", "app/main.py"]
        .into_iter()
        .find(|f| dir.has(f))
        .unwrap_or("main.py");
    Start { command: vec!["python".into(), main.into()], evidence: dir.evidence(main, None, "entry script") }
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

fn install_commands(manager: &str, dir: &ServiceDir) -> (Vec<String>, Vec<CachedCommand>, Vec<String>) {
    let venv = "python -m venv /opt/venv";
    match manager {
        "uv" => (
            vec!["pyproject.toml".into(), "uv.lock".into()],
            vec![CachedCommand::new(
                format!("pip install --no-cache-dir {UV} && uv sync --frozen --no-dev --no-install-project"),
                &[],
            )],
            vec![format!("pip install {UV}"), "uv sync --frozen".into()],
        ),
        "poetry" => {
            let mut files = vec!["pyproject.toml".to_string()];
            if dir.has("poetry.lock") {
                files.push("poetry.lock".into());
            }
            (
                files,
                vec![CachedCommand::new(
                    format!("pip install --no-cache-dir {POETRY} && {venv} && poetry install --only main --no-root --no-interaction"),
                    &[],
                )],
                vec![format!("pip install {POETRY}"), "poetry install --no-interaction".into()],
            )
        }
        "pipenv" => {
            let mut files = vec!["Pipfile".to_string()];
            if dir.has("Pipfile.lock") {
                files.push("Pipfile.lock".into());
            }
            (
                files,
                vec![CachedCommand::new(
                    format!("pip install --no-cache-dir {PIPENV} && {venv} && pipenv requirements > /tmp/requirements.txt && /opt/venv/bin/pip install --no-cache-dir -r /tmp/requirements.txt"),
                    &[],
                )],
                vec![format!("pip install {PIPENV}"), "pipenv install --dev --deploy".into()],
            )
        }
        _ if dir.has("requirements.txt") => (
            vec!["requirements.txt".into()],
            vec![CachedCommand::new(
                format!("{venv} && /opt/venv/bin/pip install --no-cache-dir -r requirements.txt"),
                &[],
            )],
            vec!["pip install -r requirements.txt".into()],
        ),
        _ => (
            vec!["pyproject.toml".into()],
            vec![CachedCommand::new(format!("{venv} && /opt/venv/bin/pip install --no-cache-dir ."), &[])],
            vec!["pip install .".into()],
        ),
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

    fn detect(&self, dir: &ServiceDir, overrides: &Overrides) -> StackFacts {
        let deps = dependency_text(dir);
        let manager = package_manager(dir);
        let version = overrides.language_version(python_version(dir));
        let framework = framework(dir, &deps);
        let framework_name = framework.as_ref().map(|f| f.value.clone());
        let port = overrides.port(port(dir, framework_name.as_deref(), &deps));
        let start = start_command(dir, &deps, framework_name.as_deref(), port.value);
        let health_path = overrides.health_path(health_route(dir, SOURCES).unwrap_or_else(tcp_health));
        let (dependency_files, install, ci_install) = install_commands(&manager.value, dir);
        let v = &version.value;
        let uses_uv = manager.value == "uv";
        let mut build_env = vec![("PIP_DISABLE_PIP_VERSION_CHECK".to_string(), "1".to_string())];
        if uses_uv {
            build_env.push(("UV_PROJECT_ENVIRONMENT".into(), "/opt/venv".into()));
        } else if manager.value == "poetry" {
            build_env.push(("VIRTUAL_ENV".into(), "/opt/venv".into()));
            build_env.push(("POETRY_VIRTUALENVS_CREATE".into(), "false".into()));
        }
        let test = if depends_on(&deps, "pytest") || dir.has("pytest.ini") || dir.has("conftest.py") {
            "python -m pytest".to_string()
        } else if framework_name.as_deref() == Some("Django") {
            "python manage.py test".to_string()
        } else {
            "python -m unittest discover".to_string()
        };
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
            secret_env: secret_env(dir, SOURCES, &ENV_READ),
            image: ImageRecipe {
                build_image: format!("python:{v}-slim-bookworm"),
                build_env,
                runtime_image: format!("python:{v}-slim-bookworm"),
                runtime_has_shell: true,
                dependency_files: dependency_files.clone(),
                install,
                build: Vec::new(),
                source_mount: false,
                artifacts: vec![("/opt/venv".into(), "/opt/venv".into()), ("/app".into(), "/app".into())],
                writable_dirs: vec!["/tmp".into()],
                workdir: "/app".into(),
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
