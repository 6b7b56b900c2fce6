//! Detection shared by every stack: the listening port, the health
//! endpoint and the secrets an app reads, found in its sources.

use std::collections::BTreeSet;
use std::sync::LazyLock;

use regex::Regex;

use super::repo::{re, Hit, ServiceDir};
use crate::plan::{Detected, EnvVar, Evidence};

/// Health routes, most specific first.
const HEALTH_PATHS: &[&str] = &[
    "/healthz",
    "/health",
    "/livez",
    "/readyz",
    "/api/health",
    "/api/healthz",
    "/_health",
    "/health/live",
    "/health/ready",
    "/healthcheck",
    "/ready",
    "/ping",
    "/status",
    "/up",
];

static HEALTH_ROUTE: LazyLock<Regex> = LazyLock::new(|| {
    re(r#"["'`](/(?:api/)?(?:_?health(?:z|check)?(?:/live|/ready)?|livez|readyz|ready|ping|status|up)/?)["'`]"#)
});
/// Django's `path("healthz/", view)`: routes without a leading slash.
static DJANGO_ROUTE: LazyLock<Regex> = LazyLock::new(|| {
    re(r#"\b(?:re_)?path\(\s*r?["']\^?((?:api/)?(?:health(?:z|check)?|livez|readyz|ready|ping|status)/?)\$?["']"#)
});

/// A route string such as `"/healthz"` in the sources, preferring the most
/// specific health path.
pub(crate) fn health_route(dir: &ServiceDir, sources: &[&str]) -> Option<Detected<Option<String>>> {
    let mut hits = dir.grep(sources, &HEALTH_ROUTE);
    if sources.contains(&".py") {
        for mut hit in dir.grep(&["urls.py"], &DJANGO_ROUTE) {
            let route = format!("/{}", hit.group(1).unwrap_or(""));
            hit.captures = vec![None, Some(route)];
            hits.push(hit);
        }
    }
    for wanted in HEALTH_PATHS {
        let found = hits.iter().find(|h| h.group(1).is_some_and(|p| p.trim_end_matches('/') == *wanted));
        if let Some(hit) = found {
            let path = hit.group(1).unwrap_or(wanted).to_string();
            return Some(Detected::found(
                Some(path.clone()),
                dir.evidence(&hit.file, Some(hit.line), format!("route `{path}` defined here")),
            ));
        }
    }
    None
}

/// No health route found: probes use the TCP port.
/// The build file that runs nohttp (the `io.spring.nohttp` Gradle plugin or
/// Maven's `nohttp-checkstyle`), which rejects plain `http://` URLs.
pub(crate) fn nohttp(dir: &ServiceDir) -> Option<Evidence> {
    ["pom.xml", "build.gradle", "build.gradle.kts"].into_iter().find_map(|file| {
        let text = dir.read(file)?;
        let needle = ["io.spring.nohttp", "nohttp-checkstyle"].into_iter().find(|n| text.contains(n))?;
        Some(dir.evidence_at(file, needle, "runs nohttp, which fails the build on plain `http` URL literals"))
    })
}

pub(crate) fn tcp_health() -> Detected<Option<String>> {
    Detected::default_value(None, "no health route found in the sources; probes check the TCP port")
}

/// A port number in 1..=65535 from text.
pub(crate) fn port_number(text: &str) -> Option<u16> {
    text.trim().parse::<u16>().ok().filter(|p| *p > 0)
}

/// The first hit whose `group` is a port number, as a detected port.
pub(crate) fn first_port(dir: &ServiceDir, hits: &[Hit], group: usize, what: &str) -> Option<Detected<u16>> {
    hits.iter().find_map(|hit| {
        let port = port_number(hit.group(group)?)?;
        Some(Detected::found(port, dir.evidence(&hit.file, Some(hit.line), format!("{what} {port}"))))
    })
}

static EXPOSE: LazyLock<Regex> = LazyLock::new(|| re(r"(?mi)^\s*EXPOSE\s+(\d+)"));

/// A port from an existing Dockerfile's `EXPOSE`.
pub(crate) fn dockerfile_port(dir: &ServiceDir) -> Option<Detected<u16>> {
    let hits: Vec<Hit> = ["Dockerfile", "Containerfile"]
        .iter()
        .filter_map(|name| dir.read(name).map(|text| super::repo::grep_text(name, &text, &EXPOSE)))
        .flatten()
        .collect();
    first_port(dir, &hits, 1, "the existing Dockerfile exposes port")
}

/// A port from `PORT=` in `.env` files checked into the repository.
pub(crate) fn dotenv_port(dir: &ServiceDir) -> Option<Detected<u16>> {
    static PORT_LINE: LazyLock<Regex> = LazyLock::new(|| re(r"(?m)^\s*(?:APP_)?PORT\s*=\s*(\d+)"));
    let hits: Vec<Hit> = [".env.example", ".env.sample", ".env"]
        .iter()
        .filter_map(|name| dir.read(name).map(|text| super::repo::grep_text(name, &text, &PORT_LINE)))
        .flatten()
        .collect();
    first_port(dir, &hits, 1, "PORT is set to")
}

/// Environment variable names that hold credentials, as opposed to settings.
pub(crate) fn is_secret_env(name: &str) -> bool {
    let upper = name.to_ascii_uppercase();
    const WORDS: &[&str] =
        &["PASSWORD", "PASSWD", "SECRET", "TOKEN", "API_KEY", "APIKEY", "PRIVATE_KEY", "CREDENTIALS", "HMAC"];
    const URLS: &[&str] = &["DATABASE_URL", "DB_URL", "REDIS_URL", "MONGO_URL", "MONGODB_URI", "AMQP_URL", "_DSN"];
    const NOT: &[&str] = &["_FILE", "_PATH", "_NAME", "_TTL", "_EXPIRY", "_EXPIRES_IN", "_LENGTH", "_HEADER"];
    if NOT.iter().any(|s| upper.ends_with(s)) {
        return false;
    }
    WORDS.iter().any(|w| upper.contains(w))
        || URLS.iter().any(|u| upper.ends_with(u))
        || (upper.ends_with("_KEY") && !upper.ends_with("PUBLIC_KEY"))
}

static DOTENV_KEY: LazyLock<Regex> = LazyLock::new(|| re(r"(?m)^\s*(?:export\s+)?([A-Z][A-Z0-9_]*)\s*="));

/// Secret variables the app reads, found with `env_read` (group 1 is the
/// name) in the sources and in `.env.example`-style files.
pub(crate) fn secret_env(dir: &ServiceDir, sources: &[&str], env_read: &Regex) -> Vec<Detected<String>> {
    let mut seen = BTreeSet::new();
    let mut out = Vec::new();
    let mut hits = dir.grep(sources, env_read);
    for name in [".env.example", ".env.sample", ".env.dist", ".env.template"] {
        if let Some(text) = dir.read(name) {
            hits.extend(super::repo::grep_text(name, &text, &DOTENV_KEY));
        }
    }
    for hit in hits {
        let Some(name) = hit.group(1) else { continue };
        if is_secret_env(name) && seen.insert(name.to_string()) {
            out.push(Detected::found(
                name.to_string(),
                dir.evidence(&hit.file, Some(hit.line), format!("reads `{name}`")),
            ));
        }
    }
    out
}

/// Where the static probe binary lives in runtime images without a shell.
pub(crate) const PROBE_PATH: &str = "/usr/local/bin/healthcheck";

/// The HEALTHCHECK command of the static probe: an HTTP GET of the health
/// path, or a TCP connect when there is none.
pub(crate) fn probe_healthcheck(port: u16, path: Option<&str>) -> Vec<String> {
    let target = match path {
        Some(path) => format!("http://127.0.0.1:{port}{path}"),
        None => format!("tcp://127.0.0.1:{port}"),
    };
    vec![PROBE_PATH.to_string(), target]
}

static DOTENV_LINE: LazyLock<Regex> =
    LazyLock::new(|| re(r#"(?m)^\s*(?:export\s+)?([A-Z][A-Z0-9_]*)\s*=\s*["']?([^"'\n#]*?)["']?\s*$"#));

/// Values of `.env.example`-style files in the service folder and the
/// folders above it, nearest first.
fn dotenv_values(dir: &ServiceDir) -> Vec<(String, String, Evidence)> {
    let mut out = Vec::new();
    let mut folders = vec![String::new()];
    folders.extend(dir.ancestors());
    for folder in folders {
        for name in [".env.example", ".env.sample", ".env.template", ".env.dist", ".env"] {
            let text = if folder.is_empty() { dir.read(name) } else { dir.read_in(&folder, name) };
            let Some(text) = text else { continue };
            let file = match folder.as_str() {
                "" => dir.repo_path(name),
                "." => name.to_string(),
                other => format!("{other}/{name}"),
            };
            for hit in super::repo::grep_text(&file, &text, &DOTENV_LINE) {
                if let (Some(key), Some(value)) = (hit.group(1), hit.group(2)) {
                    let evidence =
                        Evidence { file: file.clone(), line: Some(hit.line), detail: format!("`{key}` set here") };
                    out.push((key.to_string(), value.trim().to_string(), evidence));
                }
            }
        }
    }
    out
}

/// A value that satisfies a type annotation, for a variable with no default.
fn placeholder(annotation: &str) -> &'static str {
    let annotation = annotation.to_ascii_lowercase();
    if annotation.contains("email") {
        "admin@example.com"
    } else if annotation.contains("url") || annotation.contains("dsn") {
        "http://localhost"
    } else if annotation.starts_with("int") || annotation.starts_with("float") || annotation.starts_with('u') {
        "0"
    } else if annotation.starts_with("bool") {
        "false"
    } else if annotation.starts_with("list") || annotation.starts_with("dict") || annotation.starts_with("set") {
        "[]"
    } else {
        "change-me"
    }
}

/// The non-secret ones of the variables an app cannot start without
/// (name, type annotation, evidence), each with the value the ConfigMap
/// gives it: the example value of a `.env.example`-style file, else a
/// placeholder with a warning.
pub(crate) fn required_config(
    dir: &ServiceDir,
    required: impl Iterator<Item = (String, String, Evidence)>,
) -> (Vec<Detected<EnvVar>>, Vec<String>) {
    let dotenv = dotenv_values(dir);
    let mut config = Vec::new();
    let mut warnings = Vec::new();
    for (name, annotation, evidence) in required.filter(|(name, _, _)| !is_secret_env(name)) {
        let example = dotenv.iter().find(|(k, v, _)| *k == name && !v.is_empty() && !v.contains("${"));
        let mut detected = Detected::found(EnvVar { name: name.clone(), value: None }, evidence.clone());
        match example {
            Some((_, value, example_evidence)) => {
                detected.value.value = Some(value.clone());
                detected.evidence.push(example_evidence.clone());
            }
            None => {
                let value = placeholder(&annotation).to_string();
                warnings.push(format!(
                    "`{name}` is required ({}:{}) and has no example value; the ConfigMap sets `{value}`: replace it",
                    evidence.file,
                    evidence.line.unwrap_or(0)
                ));
                detected.value.value = Some(value);
            }
        }
        config.push(detected);
    }
    (config, warnings)
}

static SQLITE_FILE: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r#"["'](?:sqlite(?:\+\w+)?:(?:///?)?|file:)([\w./-]+\.(?:db|sqlite3?))(?:\?[^"']*)?["']|sqlite3\.connect\(\s*["']([\w./-]+)["']"#,
    )
});
static CREATED_DIR: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r#"(?:os\.makedirs|os\.mkdir|create_dir_all|create_dir)\(\s*["']([\w.-]+(?:/[\w.-]+)*)["']|(?i:upload_(?:folder|dir))\s*=\s*["']([\w.-]+(?:/[\w.-]+)*)["']"#,
    )
});

/// Folders under `workdir` the app writes to (SQLite files, uploads,
/// folders it creates), as absolute paths for empty volumes, and a warning
/// for each file written straight into `workdir`, which stays read-only.
pub(crate) fn writable_paths(dir: &ServiceDir, sources: &[&str], workdir: &str) -> (Vec<String>, Vec<String>) {
    let mut dirs = Vec::new();
    let mut warnings = Vec::new();
    let mut hits = dir.grep(sources, &SQLITE_FILE);
    hits.extend(dir.grep(sources, &CREATED_DIR).into_iter().map(|mut hit| {
        // A created folder: keep it whole.
        let path = hit.group(1).or(hit.group(2)).unwrap_or("").to_string();
        hit.captures = vec![None, Some(format!("{path}/"))];
        hit
    }));
    for hit in hits {
        let Some(path) = hit.group(1).or(hit.group(2)) else { continue };
        let path = path.trim_start_matches("./");
        if path.starts_with('/') || path.starts_with("..") || path == ":memory:" {
            continue;
        }
        match path.rsplit_once('/') {
            Some((folder, _)) if !folder.is_empty() => {
                let absolute = format!("{}/{folder}", workdir.trim_end_matches('/'));
                if !dirs.contains(&absolute) {
                    dirs.push(absolute);
                }
            }
            _ => warnings.push(format!(
                "{}:{} writes `{path}` in the working directory {workdir}, which is read-only in the kit: move it under a folder (it then gets a volume) or to /tmp",
                dir.repo_path(&hit.file),
                hit.line
            )),
        }
    }
    (dirs, warnings)
}
