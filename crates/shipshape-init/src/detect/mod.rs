//! Detection: an ordered list of stack providers, first match wins, each
//! filling the facts of a [`ServicePlan`] from the repository's own files.

mod app_metrics;
mod common;
mod dotnet;
mod fixed_hosts;
mod go;
mod java;
mod node;
mod node_env;
mod php;
mod python;
pub(crate) mod repo;
mod ruby;
mod rust;
mod static_site;
mod worker;

use std::path::{Component, Path};

use repo::ServiceDir;

use crate::plan::{
    AppMetrics, CiCommands, Detected, EnvVar, Evidence, ImageRecipe, Migration, Origin, ServicePlan, Stack, StaticSite,
};

/// What a provider finds in one service folder.
pub(crate) struct StackFacts {
    pub language_version: Detected<String>,
    pub package_manager: Detected<String>,
    pub framework: Option<Detected<String>>,
    pub start_command: Detected<Vec<String>>,
    pub build_command: Option<Detected<String>>,
    pub port: Detected<u16>,
    pub health_path: Detected<Option<String>>,
    pub migration: Option<Detected<Migration>>,
    pub secret_env: Vec<Detected<String>>,
    pub image: ImageRecipe,
    pub ci: CiCommands,
}

/// Values set in `shipshape.toml` that beat detection.
#[derive(Debug, Default, Clone)]
pub(crate) struct Overrides {
    pub port: Option<u16>,
    pub health_path: Option<Option<String>>,
    pub language_version: Option<String>,
}

/// The configured value when it differs from the detected one; a value
/// saved by `init` and left alone keeps its detected evidence.
pub(crate) fn prefer<T: PartialEq>(configured: Option<T>, detected: Detected<T>) -> Detected<T> {
    match configured {
        Some(value) if value != detected.value => Detected::configured(value),
        _ => detected,
    }
}

impl Overrides {
    pub fn port(&self, detected: Detected<u16>) -> Detected<u16> {
        prefer(self.port, detected)
    }

    pub fn health_path(&self, detected: Detected<Option<String>>) -> Detected<Option<String>> {
        prefer(self.health_path.clone(), detected)
    }

    pub fn language_version(&self, detected: Detected<String>) -> Detected<String> {
        prefer(self.language_version.clone(), detected)
    }
}

pub(crate) trait Provider: Sync {
    fn stack(&self) -> Stack;
    /// Evidence that the folder holds an app of this stack.
    fn matches(&self, dir: &ServiceDir) -> Option<Evidence>;
    /// The app's own name, from its manifest.
    fn name_hint(&self, _dir: &ServiceDir) -> Option<String> {
        None
    }
    fn detect(&self, dir: &ServiceDir, overrides: &Overrides) -> StackFacts;
    /// Non-secret configuration the app needs to start.
    fn config_env(&self, _dir: &ServiceDir, _facts: &StackFacts) -> Vec<Detected<EnvVar>> {
        Vec::new()
    }
    /// The app's own metrics endpoint, when its instrumentation is detected.
    fn metrics(&self, _dir: &ServiceDir, _facts: &StackFacts) -> Option<Detected<AppMetrics>> {
        None
    }
    /// The static site the image serves, when the app is a built front-end.
    fn static_site(&self, _dir: &ServiceDir) -> Option<Detected<StaticSite>> {
        None
    }
    /// The liveness probe's path when it differs from the health path.
    fn liveness_path(&self, _dir: &ServiceDir, _facts: &StackFacts) -> Option<Detected<String>> {
        None
    }
    /// What the provider could not determine or had to change.
    fn warnings(&self, _dir: &ServiceDir, _facts: &StackFacts) -> Vec<String> {
        Vec::new()
    }
    /// The build context (relative to the repository root) when it is not
    /// the service folder, e.g. a workspace root holding the lockfile.
    fn build_context(&self, _dir: &ServiceDir) -> Option<String> {
        None
    }
}

/// The providers, in the order they are tried. More specific stacks come
/// first: a Rails or Laravel app also has a package.json for its assets.
static PROVIDERS: &[&dyn Provider] =
    &[&java::Java, &dotnet::Dotnet, &go::Go, &rust::Rust, &ruby::Ruby, &php::Php, &python::Python, &node::Node];

fn provider_for(stack: Stack) -> Option<&'static dyn Provider> {
    PROVIDERS.iter().copied().find(|p| p.stack() == stack)
}

/// A language version that was not found: the default, saying so.
pub(crate) fn version_or_default(default: &str, language: &str) -> Detected<String> {
    Detected::default_value(
        default.to_string(),
        format!("no {language} version pinned in the repository; using {default}"),
    )
}

/// Folders that commonly hold one service each in a monorepo.
const SERVICE_PARENTS: &[&str] = &["services", "apps", "cmd-services", "microservices", "src/services"];

/// The service folders of a repository, relative to `root`, each with the
/// provider that matched it. `forced` skips detection of the stack. Folders
/// that leave the repository are skipped with a warning.
pub(crate) fn service_dirs(
    root: &Path,
    forced: Option<Stack>,
    warnings: &mut Vec<String>,
) -> Vec<(ServiceDir, &'static dyn Provider, Evidence)> {
    let mut out = Vec::new();
    for parent in SERVICE_PARENTS {
        let Ok(entries) = std::fs::read_dir(root.join(parent)) else { continue };
        let mut dirs: Vec<String> = entries
            .flatten()
            .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()))
            .map(|e| format!("{parent}/{}", e.file_name().to_string_lossy()))
            .collect();
        dirs.sort();
        for rel in dirs {
            if let Err(why) = confined(root, &rel) {
                warnings.push(format!("`{rel}` {why}; skipped"));
                continue;
            }
            if let Some(why) = not_a_service(root, &rel) {
                warnings.push(why);
                continue;
            }
            let dir = ServiceDir::new(root, &rel);
            if let Some((provider, evidence)) = matching_provider(&dir, forced) {
                out.push((dir, provider, evidence));
            }
        }
    }
    if out.is_empty() {
        for rel in workspace_services(root, warnings) {
            let dir = ServiceDir::new(root, &rel);
            if let Some((provider, evidence)) = matching_provider(&dir, forced) {
                out.push((dir, provider, evidence));
            }
        }
    }
    if out.is_empty() && own_manifest(root).is_none() && forced.is_none() {
        for rel in folder_services(root, warnings) {
            let dir = ServiceDir::new(root, &rel);
            if let Some((provider, evidence)) = matching_provider(&dir, forced) {
                out.push((dir, provider, evidence));
            }
        }
    }
    if out.is_empty() {
        let dir = ServiceDir::new(root, ".");
        if let Some((provider, evidence)) = matching_provider(&dir, forced) {
            out.push((dir, provider, evidence));
        }
    }
    out
}

/// Files that make a folder an app (or a workspace) of its own.
const MANIFESTS: &[&str] = &[
    "package.json",
    "pyproject.toml",
    "requirements.txt",
    "Pipfile",
    "setup.py",
    "manage.py",
    "go.mod",
    "Cargo.toml",
    "pom.xml",
    "build.gradle",
    "build.gradle.kts",
    "Gemfile",
    "composer.json",
    "index.php",
];
const PROJECT_FILES: &[&str] = &[".csproj", ".fsproj", ".sln", ".slnx"];

/// The manifest at the top of `dir`, if any.
fn own_manifest(dir: &Path) -> Option<String> {
    if let Some(found) = MANIFESTS.iter().find(|m| dir.join(m).is_file()) {
        return Some((*found).to_string());
    }
    let mut projects: Vec<String> = std::fs::read_dir(dir)
        .ok()?
        .flatten()
        .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|name| PROJECT_FILES.iter().any(|ext| name.ends_with(ext)))
        .collect();
    projects.sort();
    projects.into_iter().next()
}

/// Folder names of test, example, documentation and tooling projects.
const NON_SERVICE_FOLDERS: &[&str] = &[
    "test",
    "tests",
    "e2e",
    "integration-tests",
    "docs",
    "doc",
    "documentation",
    "example",
    "examples",
    "sample",
    "samples",
    "scripts",
    "tools",
    "hack",
    "bench",
    "benches",
    "benchmarks",
    "fixtures",
    "load-test",
    "load-tests",
    "loadtest",
    "loadtests",
    "perf",
];
const NON_SERVICE_SUFFIXES: &[&str] = &["-test", "-tests", "_test", "_tests", "-e2e", "_e2e"];
/// Dependencies that drive browsers or load: a package that needs only
/// them (and types or helpers) is a test project.
const TEST_RUNNERS: &[&str] = &[
    "@playwright/test",
    "playwright",
    "cypress",
    "puppeteer",
    "selenium-webdriver",
    "webdriverio",
    "testcafe",
    "nightwatch",
    "k6",
    "artillery",
];
const APP_SCRIPTS: &[&str] = &["start", "build", "dev", "serve", "preview"];

/// True when the folder `name` names a test, example or tooling project.
fn non_service_name(name: &str) -> bool {
    let name = name.to_ascii_lowercase();
    NON_SERVICE_FOLDERS.contains(&name.as_str()) || NON_SERVICE_SUFFIXES.iter().any(|s| name.ends_with(s))
}

/// The test runner the package.json of `dir` is made for, when it runs
/// tests only: it depends on a browser or load test runner, has no script
/// that builds or starts anything and no `main` file.
fn test_only_package(dir: &Path) -> Option<String> {
    let text = std::fs::read_to_string(dir.join("package.json")).ok()?;
    let pkg: serde_json::Value = serde_json::from_str(&text).ok()?;
    let has_app_script =
        pkg.get("scripts").and_then(|s| s.as_object()).is_some_and(|s| APP_SCRIPTS.iter().any(|k| s.contains_key(*k)));
    let has_main = pkg.get("main").and_then(|m| m.as_str()).is_some_and(|m| dir.join(m).is_file());
    if has_app_script || has_main {
        return None;
    }
    let deps: Vec<&str> = ["dependencies", "devDependencies"]
        .iter()
        .filter_map(|k| pkg.get(*k).and_then(|d| d.as_object()))
        .flat_map(|d| d.keys().map(String::as_str))
        .collect();
    TEST_RUNNERS.iter().find(|r| deps.contains(r)).map(|r| (*r).to_string())
}

/// Services of a repository whose root has no manifest: first-level
/// folders and `src/*` folders holding one, minus test, example and
/// documentation projects (each skipped with a warning).
fn folder_services(root: &Path, warnings: &mut Vec<String>) -> Vec<String> {
    let subfolders = |parent: &str| -> Vec<String> {
        let Ok(entries) = std::fs::read_dir(if parent.is_empty() { root.to_path_buf() } else { root.join(parent) })
        else {
            return Vec::new();
        };
        let mut dirs: Vec<String> = entries
            .flatten()
            .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()))
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|name| !name.starts_with('.') && !matches!(name.as_str(), "node_modules" | "vendor" | "target"))
            .map(|name| if parent.is_empty() { name } else { format!("{parent}/{name}") })
            .collect();
        dirs.sort();
        dirs
    };
    let mut out = Vec::new();
    for rel in subfolders("").into_iter().chain(subfolders("src")) {
        if confined(root, &rel).is_err() {
            continue;
        }
        if own_manifest(&root.join(&rel)).is_none() {
            continue;
        }
        match not_a_service(root, &rel) {
            Some(why) => warnings.push(why),
            None => out.push(rel),
        }
    }
    out
}

/// Why the folder `rel`, holding a manifest, is a test, example or tooling
/// project rather than a service, if it is one.
fn not_a_service(root: &Path, rel: &str) -> Option<String> {
    let manifest = own_manifest(&root.join(rel))?;
    let name = rel.rsplit('/').next().unwrap_or(rel);
    if non_service_name(name) {
        return Some(format!(
            "`{rel}` holds {manifest} but its name says it is a test, example or tooling project: not planned as a service"
        ));
    }
    test_only_package(&root.join(rel)).map(|runner| {
        format!("`{rel}/package.json` only runs tests ({runner}, no start or build script): not planned as a service")
    })
}

/// Why the folder `rel` is not inside `root`: an absolute path, a `..`
/// component, or a symbolic link on the way that resolves outside.
fn confined(root: &Path, rel: &str) -> Result<(), &'static str> {
    let path = Path::new(rel);
    if path.is_absolute()
        || rel.starts_with(['/', '\\'])
        || path.components().any(|c| matches!(c, Component::Prefix(_)))
    {
        return Err("is an absolute path, outside the repository");
    }
    if path.components().any(|c| c == Component::ParentDir) || rel.split(['/', '\\']).any(|part| part == "..") {
        return Err("goes up with `..`, outside the repository");
    }
    let (Ok(real_root), Ok(real)) = (std::fs::canonicalize(root), std::fs::canonicalize(root.join(rel))) else {
        return Ok(());
    };
    if real.starts_with(&real_root) {
        Ok(())
    } else {
        Err("resolves through a symbolic link to outside the repository")
    }
}

/// Folders a workspace pattern names: `packages/*` lists a folder's
/// subfolders, anything else names one folder. A pattern or folder outside
/// `root` is left out with a warning naming `source`.
fn expand_workspace_pattern(root: &Path, source: &str, pattern: &str, warnings: &mut Vec<String>) -> Vec<String> {
    let pattern = pattern.trim().trim_start_matches("./").trim_end_matches('/');
    if pattern.starts_with('!') || pattern.is_empty() {
        return Vec::new();
    }
    let dirs = match pattern.strip_suffix("/*").or_else(|| pattern.strip_suffix("/**")) {
        Some(parent) => {
            if let Err(why) = confined(root, parent) {
                warnings.push(format!("{source}: workspace member `{pattern}` {why}; skipped"));
                return Vec::new();
            }
            let mut dirs: Vec<String> = std::fs::read_dir(root.join(parent))
                .map(|entries| {
                    entries
                        .flatten()
                        .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()))
                        .map(|e| format!("{parent}/{}", e.file_name().to_string_lossy()))
                        .collect()
                })
                .unwrap_or_default();
            dirs.sort();
            dirs
        }
        None => vec![pattern.to_string()],
    };
    dirs.into_iter()
        .filter(|dir| match confined(root, dir) {
            Ok(()) => root.join(dir).is_dir(),
            Err(why) => {
                warnings.push(format!("{source}: workspace member `{dir}` {why}; skipped"));
                false
            }
        })
        .collect()
}

/// The paths a `go.work` file `use`s, in a `use ( … )` block or one per line.
fn go_work_uses(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut in_block = false;
    for line in text.lines() {
        let line = line.split("//").next().unwrap_or("").trim();
        let entry = if in_block {
            if line.starts_with(')') {
                in_block = false;
                continue;
            }
            line
        } else if let Some(rest) = line.strip_prefix("use").filter(|r| r.starts_with([' ', '\t', '('])) {
            let rest = rest.trim();
            if let Some(inner) = rest.strip_prefix('(') {
                in_block = !inner.contains(')');
                inner.trim_end_matches(')').trim()
            } else {
                rest
            }
        } else {
            continue;
        };
        let entry = entry.trim_matches(['"', '`']);
        if !entry.is_empty() {
            out.push(entry.to_string());
        }
    }
    out
}

/// The `<module>` entries of a Maven POM.
pub(crate) fn maven_modules(pom: &str) -> Vec<String> {
    pom.split("<module>")
        .skip(1)
        .filter_map(|rest| rest.split_once("</module>").map(|(m, _)| m.trim().to_string()))
        .filter(|m| !m.is_empty())
        .collect()
}

/// Members of npm/pnpm/yarn, Cargo and Go workspaces, Maven modules that run a server
/// (libraries of the workspace are not services).
fn workspace_services(root: &Path, warnings: &mut Vec<String>) -> Vec<String> {
    let read = |p: &str| std::fs::read_to_string(root.join(p)).ok();
    let mut patterns: Vec<(&str, String)> = Vec::new();
    if let Some(pkg) = read("package.json").and_then(|t| serde_json::from_str::<serde_json::Value>(&t).ok()) {
        let list =
            pkg.get("workspaces").and_then(|w| w.as_array().or_else(|| w.get("packages").and_then(|p| p.as_array())));
        patterns.extend(list.into_iter().flatten().filter_map(|v| v.as_str().map(|p| ("package.json", p.to_string()))));
    }
    if let Some(text) = read("pnpm-workspace.yaml") {
        patterns.extend(
            text.lines()
                .filter_map(|l| l.trim().strip_prefix("- "))
                .map(|p| ("pnpm-workspace.yaml", p.trim_matches(['"', '\'']).to_string())),
        );
    }
    if let Some(manifest) = read("Cargo.toml").and_then(|t| t.parse::<toml::Value>().ok()) {
        let members = manifest.get("workspace").and_then(|w| w.get("members")).and_then(toml::Value::as_array);
        patterns
            .extend(members.into_iter().flatten().filter_map(|m| m.as_str().map(|m| ("Cargo.toml", m.to_string()))));
    }
    if let Some(manifest) = read("pyproject.toml").and_then(|t| t.parse::<toml::Value>().ok()) {
        let members = manifest
            .get("tool")
            .and_then(|t| t.get("uv"))
            .and_then(|u| u.get("workspace"))
            .and_then(|w| w.get("members"))
            .and_then(toml::Value::as_array);
        patterns.extend(
            members.into_iter().flatten().filter_map(|m| m.as_str().map(|m| ("pyproject.toml", m.to_string()))),
        );
    }
    if let Some(text) = read("go.work") {
        patterns.extend(go_work_uses(&text).into_iter().filter(|p| p != ".").map(|p| ("go.work", p)));
    }
    if let Some(text) = read("pom.xml") {
        patterns.extend(maven_modules(&text).into_iter().map(|m| ("pom.xml", m)));
    }
    let runs_a_server = |dir: &str| {
        let text = |name: &str| read(&format!("{dir}/{name}")).unwrap_or_default();
        let pom = text("pom.xml");
        const JAVA_SERVERS: &[&str] = &["spring-boot", "io.quarkus", "io.micronaut"];
        if root.join(dir).join("src/main").is_dir() && JAVA_SERVERS.iter().any(|s| pom.contains(s)) {
            return true;
        }
        let package = text("package.json");
        let cargo = text("Cargo.toml");
        const NODE_SERVERS: &[&str] =
            &["\"express\"", "\"fastify\"", "\"koa\"", "\"next\"", "\"@nestjs/core\"", "\"@hapi/hapi\""];
        const RUST_SERVERS: &[&str] = &["axum", "actix-web", "rocket", "warp", "poem", "tonic", "hyper"];
        const PYTHON_SERVERS: &[&str] = &["fastapi", "flask", "django", "starlette", "litestar", "aiohttp"];
        let pyproject = text("pyproject.toml").to_ascii_lowercase();
        package.contains("\"start\"") && NODE_SERVERS.iter().any(|s| package.contains(s))
            || PYTHON_SERVERS.iter().any(|s| pyproject.contains(&format!("\"{s}")))
            || (root.join(dir).join("src/main.rs").is_file() && RUST_SERVERS.iter().any(|s| cargo.contains(s)))
            || (root.join(dir).join("go.mod").is_file()
                && (root.join(dir).join("main.go").is_file() || root.join(dir).join("cmd").is_dir()))
    };
    let mut out: Vec<String> = patterns
        .iter()
        .flat_map(|(source, pattern)| expand_workspace_pattern(root, source, pattern, warnings))
        .filter(|d| runs_a_server(d))
        .collect();
    out.sort();
    out.dedup();
    out
}

fn matching_provider(dir: &ServiceDir, forced: Option<Stack>) -> Option<(&'static dyn Provider, Evidence)> {
    if let Some(stack) = forced {
        let provider = provider_for(stack)?;
        let evidence = provider.matches(dir).unwrap_or_else(|| Evidence {
            file: "shipshape.toml".to_string(),
            line: None,
            detail: format!("stack set to {} in shipshape.toml", stack.as_str()),
        });
        return Some((provider, evidence));
    }
    PROVIDERS.iter().find_map(|p| p.matches(dir).map(|e| (*p, e)))
}

/// A DNS-1123 label made of `raw`: lower case, `[a-z0-9-]`, at most 40 characters.
pub(crate) fn dns_name(raw: &str) -> String {
    let mut out = String::new();
    for c in raw.chars() {
        let c = c.to_ascii_lowercase();
        if c.is_ascii_alphanumeric() {
            out.push(c);
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    let trimmed: String = out.trim_matches('-').chars().take(40).collect();
    let trimmed = trimmed.trim_end_matches('-').to_string();
    if trimmed.is_empty() || trimmed.starts_with(|c: char| c.is_ascii_digit()) {
        format!("app{}{trimmed}", if trimmed.is_empty() { "" } else { "-" })
    } else {
        trimmed
    }
}

/// Detects every service of the repository at `root`; `overrides` gives
/// the configured values of a service folder.
pub(crate) fn detect_services(
    root: &Path,
    forced: Option<Stack>,
    overrides: &dyn Fn(&str) -> (Option<Stack>, Overrides),
    warnings: &mut Vec<String>,
) -> Vec<ServicePlan> {
    let root_name = std::fs::canonicalize(root)
        .ok()
        .and_then(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
        .unwrap_or_else(|| "app".to_string());
    service_dirs(root, forced, warnings)
        .into_iter()
        .map(|(dir, detected_provider, detected_evidence)| {
            let (configured_stack, overrides) = overrides(&dir.rel);
            let (provider, evidence) = match configured_stack.and_then(|stack| matching_provider(&dir, Some(stack))) {
                Some(configured) => configured,
                None => (detected_provider, detected_evidence),
            };
            let raw_name = if dir.rel == "." {
                provider.name_hint(&dir).unwrap_or(root_name.clone())
            } else {
                dir.rel.rsplit('/').next().unwrap_or("app").to_string()
            };
            let mut facts = provider.detect(&dir, &overrides);
            let mut seen = std::collections::BTreeSet::new();
            facts.secret_env.retain(|s| seen.insert(s.value.clone()));
            let mut config_env = provider.config_env(&dir, &facts);
            config_env.retain(|v| seen.insert(v.value.name.clone()));
            let metrics = provider.metrics(&dir, &facts);
            let static_site = provider.static_site(&dir);
            let mut service_warnings = provider.warnings(&dir, &facts);
            service_warnings.extend(fixed_hosts::warnings(&dir));
            let worker = worker::detect(&dir, &facts, static_site.is_some() || metrics.is_some());
            if worker.is_some() {
                // Nothing to probe: no HEALTHCHECK and no probe binary.
                facts.image.healthcheck.clear();
                facts.image.static_probe = false;
            } else if facts.framework.is_none() && facts.health_path.value.is_none() && facts.port.origin == Origin::Default {
                service_warnings.push(format!(
                    "no web framework and no listening port found: its TCP probes assume port {}; set `port` in shipshape.toml if it listens elsewhere",
                    facts.port.value
                ));
            }
            let liveness_path = provider.liveness_path(&dir, &facts);
            let build_context = provider.build_context(&dir);
            ServicePlan {
                name: dns_name(&raw_name),
                dir: dir.rel.clone(),
                stack: Detected::found(provider.stack(), evidence),
                language_version: facts.language_version,
                package_manager: facts.package_manager,
                framework: facts.framework,
                start_command: facts.start_command,
                build_command: facts.build_command,
                port: facts.port,
                health_path: facts.health_path,
                liveness_path,
                migration: facts.migration,
                secret_env: facts.secret_env,
                config_env,
                static_site,
                metrics,
                worker,
                nohttp: common::nohttp(&dir),
                warnings: service_warnings,
                build_context,
                image: facts.image,
                ci: facts.ci,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::{confined, dns_name, go_work_uses};

    #[test]
    fn go_work_uses_blocks_and_single_lines() {
        let text = "go 1.22\n\nuse (\n\t./api // the server\n\t\"../lib\"\n)\nuse ./tools\nuser ./not\n";
        assert_eq!(go_work_uses(text), ["./api", "../lib", "./tools"]);
        assert_eq!(go_work_uses("use (./a)\nuse ./b\n"), ["./a", "./b"]);
    }

    #[test]
    fn members_outside_the_root_are_not_confined() {
        let dir = tempfile::tempdir().expect("temp dir");
        std::fs::create_dir(dir.path().join("api")).expect("mkdir");
        assert!(confined(dir.path(), "api").is_ok());
        assert!(confined(dir.path(), "../api").is_err());
        assert!(confined(dir.path(), "api/../../x").is_err());
        assert!(confined(dir.path(), "/tmp").is_err());
    }

    #[test]
    fn names_are_dns_labels() {
        assert_eq!(dns_name("@acme/Web_API"), "acme-web-api");
        assert_eq!(dns_name("123"), "app-123");
        assert_eq!(dns_name("--"), "app");
    }
}
