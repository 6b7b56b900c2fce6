use std::sync::LazyLock;

use regex::Regex;
use serde_json::Value;

use super::common::{self, first_port, health_route, secret_env, tcp_health};
use super::repo::{re, ServiceDir};
use super::{version_or_default, Overrides, Provider, StackFacts};
use crate::plan::{CachedCommand, CiCommands, Detected, Evidence, ImageRecipe, Migration, Stack};

pub(crate) struct Node;

const SOURCES: &[&str] = &[".js", ".ts", ".mjs", ".cjs", ".jsx", ".tsx"];
const DEFAULT_VERSION: &str = "22";

static LISTEN_LITERAL: LazyLock<Regex> = LazyLock::new(|| re(r"\.listen\(\s*(\d{2,5})\b"));
static PORT_DEFAULT: LazyLock<Regex> = LazyLock::new(|| re(r#"process\.env\.PORT\s*(?:\|\||\?\?)\s*['"]?(\d{2,5})\b"#));
static PORT_CONST: LazyLock<Regex> = LazyLock::new(|| re(r#"(?i)\bport\s*[:=]\s*['"]?(\d{2,5})\b"#));
static ENV_READ: LazyLock<Regex> =
    LazyLock::new(|| re(r#"process\.env(?:\.([A-Z][A-Z0-9_]*)|\[\s*['"]([A-Z][A-Z0-9_]*)['"]\s*\])"#));

fn package_json(dir: &ServiceDir) -> Value {
    dir.read("package.json").and_then(|t| serde_json::from_str(&t).ok()).unwrap_or(Value::Null)
}

fn has_dependency(pkg: &Value, name: &str) -> bool {
    ["dependencies", "devDependencies"].iter().any(|k| pkg.get(k).and_then(|d| d.get(name)).is_some())
}

fn package_manager(dir: &ServiceDir, pkg: &Value) -> Detected<String> {
    for (lock, manager) in [("pnpm-lock.yaml", "pnpm"), ("yarn.lock", "yarn"), ("package-lock.json", "npm")] {
        if dir.has(lock) {
            return Detected::found(manager.to_string(), dir.evidence(lock, None, format!("{lock} is present")));
        }
    }
    if let Some(field) = pkg.get("packageManager").and_then(Value::as_str) {
        let manager = field.split('@').next().unwrap_or("npm").to_string();
        return Detected::found(
            manager,
            dir.evidence_at("package.json", "\"packageManager\"", format!("packageManager: {field}")),
        );
    }
    Detected::default_value(
        "npm".to_string(),
        "no lockfile; npm (commit a package-lock.json for reproducible installs)",
    )
}

fn major_version(spec: &str) -> Option<String> {
    let digits: String =
        spec.trim_start_matches(|c: char| !c.is_ascii_digit()).chars().take_while(|c| c.is_ascii_digit()).collect();
    (!digits.is_empty()).then_some(digits)
}

fn node_version(dir: &ServiceDir, pkg: &Value) -> Detected<String> {
    if let Some(spec) = pkg.pointer("/engines/node").and_then(Value::as_str) {
        if let Some(major) = major_version(spec) {
            return Detected::found(
                major,
                dir.evidence_at("package.json", "\"node\"", format!("engines.node is `{spec}`")),
            );
        }
    }
    for file in [".nvmrc", ".node-version"] {
        if let Some(major) = dir.read(file).as_deref().and_then(major_version) {
            return Detected::found(major, dir.evidence(file, Some(1), format!("{file} pins Node")));
        }
    }
    version_or_default(DEFAULT_VERSION, "Node.js")
}

fn framework(dir: &ServiceDir, pkg: &Value) -> Option<Detected<String>> {
    const FRAMEWORKS: &[(&str, &str)] = &[
        ("next", "Next.js"),
        ("@nestjs/core", "NestJS"),
        ("nuxt", "Nuxt"),
        ("@remix-run/node", "Remix"),
        ("fastify", "Fastify"),
        ("koa", "Koa"),
        ("@hapi/hapi", "hapi"),
        ("express", "Express"),
    ];
    FRAMEWORKS.iter().find(|(dep, _)| has_dependency(pkg, dep)).map(|(dep, name)| {
        Detected::found(
            name.to_string(),
            dir.evidence_at("package.json", &format!("\"{dep}\""), format!("depends on {dep}")),
        )
    })
}

fn script<'a>(pkg: &'a Value, name: &str) -> Option<&'a str> {
    pkg.pointer(&format!("/scripts/{name}")).and_then(Value::as_str)
}

fn run_script(manager: &str, name: &str) -> String {
    match manager {
        "yarn" => format!("yarn {name}"),
        "pnpm" => format!("pnpm run {name}"),
        _ => format!("npm run {name}"),
    }
}

/// The file `node` runs, when the start command is `node FILE`.
fn node_entry(dir: &ServiceDir, pkg: &Value, framework: Option<&str>) -> Option<(String, Evidence)> {
    if let Some(start) = script(pkg, "start") {
        let words: Vec<&str> = start.split_whitespace().collect();
        if words.first() == Some(&"node") {
            if let Some(file) = words.iter().skip(1).find(|w| !w.starts_with('-')) {
                return Some((
                    file.to_string(),
                    dir.evidence_at("package.json", "\"start\"", format!("start script `{start}`")),
                ));
            }
        }
    }
    if framework == Some("NestJS") {
        return Some((
            "dist/main.js".to_string(),
            dir.evidence_at("package.json", "\"@nestjs/core\"", "NestJS builds to dist/main.js"),
        ));
    }
    if let Some(main) = pkg.get("main").and_then(Value::as_str) {
        return Some((main.to_string(), dir.evidence_at("package.json", "\"main\"", format!("main is `{main}`"))));
    }
    ["server.js", "index.js", "app.js", "src/server.js", "src/index.js"]
        .iter()
        .find(|f| dir.has(f))
        .map(|f| (f.to_string(), dir.evidence(f, None, "entry file")))
}

fn port(dir: &ServiceDir, framework: Option<&str>) -> Detected<u16> {
    first_port(dir, &dir.grep(SOURCES, &LISTEN_LITERAL), 1, "listens on port")
        .or_else(|| first_port(dir, &dir.grep(SOURCES, &PORT_DEFAULT), 1, "PORT defaults to"))
        .or_else(|| common::dotenv_port(dir))
        .or_else(|| common::dockerfile_port(dir))
        .or_else(|| first_port(dir, &dir.grep(&[".js", ".ts", ".mjs", ".cjs"], &PORT_CONST), 1, "port is set to"))
        .unwrap_or_else(|| {
            Detected::default_value(
                3000,
                format!("{} listens on 3000 by default", framework.unwrap_or("a Node.js server")),
            )
        })
}

fn migration(dir: &ServiceDir, pkg: &Value) -> Option<Detected<Migration>> {
    let tool = |tool: &str, command: &[&str]| Migration {
        tool: tool.to_string(),
        command: command.iter().map(|c| (*c).to_string()).collect(),
    };
    if dir.has("prisma/schema.prisma") && (has_dependency(pkg, "prisma") || has_dependency(pkg, "@prisma/client")) {
        return Some(Detected::found(
            tool("prisma", &["npx", "--no-install", "prisma", "migrate", "deploy"]),
            dir.evidence_at("prisma/schema.prisma", "datasource", "Prisma schema with a datasource"),
        ));
    }
    if has_dependency(pkg, "knex") {
        if let Some(file) = dir.files().iter().find(|f| f.starts_with("knexfile.")) {
            return Some(Detected::found(
                tool("knex", &["npx", "--no-install", "knex", "migrate:latest"]),
                dir.evidence(file, None, "knexfile configures migrations"),
            ));
        }
    }
    if has_dependency(pkg, "sequelize-cli") {
        return Some(Detected::found(
            tool("sequelize", &["npx", "--no-install", "sequelize-cli", "db:migrate"]),
            dir.evidence_at("package.json", "\"sequelize-cli\"", "depends on sequelize-cli"),
        ));
    }
    if has_dependency(pkg, "drizzle-kit") {
        return Some(Detected::found(
            tool("drizzle", &["npx", "--no-install", "drizzle-kit", "migrate"]),
            dir.evidence_at("package.json", "\"drizzle-kit\"", "depends on drizzle-kit"),
        ));
    }
    None
}

impl Provider for Node {
    fn stack(&self) -> Stack {
        Stack::Node
    }

    fn matches(&self, dir: &ServiceDir) -> Option<Evidence> {
        dir.has("package.json").then(|| dir.evidence("package.json", None, "package.json is present"))
    }

    fn name_hint(&self, dir: &ServiceDir) -> Option<String> {
        package_json(dir).get("name").and_then(Value::as_str).map(|n| n.rsplit('/').next().unwrap_or(n).to_string())
    }

    fn detect(&self, dir: &ServiceDir, overrides: &Overrides) -> StackFacts {
        let pkg = package_json(dir);
        let manager = package_manager(dir, &pkg);
        let version = overrides.language_version(node_version(dir, &pkg));
        let framework = framework(dir, &pkg);
        let framework_name = framework.as_ref().map(|f| f.value.as_str());
        let build_command = script(&pkg, "build").map(|b| {
            Detected::found(
                run_script(&manager.value, "build"),
                dir.evidence_at("package.json", "\"build\"", format!("build script `{b}`")),
            )
        });
        let port = overrides.port(port(dir, framework_name));
        let v = &version.value;
        let (install, prune) = match manager.value.as_str() {
            "pnpm" => ("corepack enable && pnpm install --frozen-lockfile", "pnpm prune --prod"),
            "yarn" => {
                ("corepack enable && yarn install --frozen-lockfile", "yarn install --frozen-lockfile --production")
            }
            _ if dir.has("package-lock.json") => ("npm ci", "npm prune --omit=dev"),
            _ => ("npm install --no-audit --no-fund", "npm prune --omit=dev"),
        };
        let lockfiles: Vec<String> = ["package.json", "package-lock.json", "pnpm-lock.yaml", "yarn.lock"]
            .iter()
            .filter(|f| dir.has(f))
            .map(|f| (*f).to_string())
            .collect();
        let entry = node_entry(dir, &pkg, framework_name);
        let next = framework_name == Some("Next.js");
        let (runtime_image, has_shell, command, start) = match (&entry, next) {
            (Some((file, evidence)), false) => (
                format!("gcr.io/distroless/nodejs{v}-debian12:nonroot"),
                false,
                vec!["/nodejs/bin/node".to_string(), file.clone()],
                Detected::found(vec!["node".to_string(), file.clone()], evidence.clone()),
            ),
            _ => {
                let start = if next {
                    vec![
                        "node_modules/.bin/next".to_string(),
                        "start".to_string(),
                        "-p".to_string(),
                        port.value.to_string(),
                    ]
                } else {
                    vec!["npm".to_string(), "start".to_string()]
                };
                (
                    format!("node:{v}-bookworm-slim"),
                    true,
                    start.clone(),
                    Detected::found(start, dir.evidence_at("package.json", "\"start\"", "start script")),
                )
            }
        };
        let node_bin = if has_shell { "node" } else { "/nodejs/bin/node" };
        let mut build = Vec::new();
        if build_command.is_some() {
            build.push(CachedCommand::new(run_script(&manager.value, "build"), &[]));
        }
        build.push(CachedCommand::new(prune, &[]));
        let health_path = overrides.health_path(health_route(dir, SOURCES).unwrap_or_else(tcp_health));
        let healthcheck = node_healthcheck(node_bin, port.value, health_path.value.as_deref());
        StackFacts {
            language_version: version.clone(),
            package_manager: manager.clone(),
            framework,
            start_command: start,
            build_command,
            port,
            health_path,
            migration: migration(dir, &pkg),
            secret_env: secret_env(dir, SOURCES, &ENV_READ),
            image: ImageRecipe {
                build_image: format!("node:{v}-bookworm-slim"),
                build_env: Vec::new(),
                runtime_image,
                runtime_has_shell: has_shell,
                dependency_files: lockfiles.clone(),
                install: vec![CachedCommand::new(
                    install,
                    &["/root/.npm", "/root/.cache/yarn", "/root/.local/share/pnpm/store"],
                )],
                build,
                source_mount: false,
                artifacts: vec![("/app".to_string(), "/app".to_string())],
                writable_dirs: vec!["/tmp".into()],
                workdir: "/app".to_string(),
                env: vec![("NODE_ENV".to_string(), "production".to_string())],
                runtime_setup: Vec::new(),
                uid: if has_shell { 1000 } else { 65532 },
                command,
                healthcheck,
                static_probe: false,
            },
            ci: CiCommands {
                image: format!("node:{v}-bookworm-slim"),
                install: vec![install.to_string()],
                test: vec![if script(&pkg, "test").is_some() {
                    run_script(&manager.value, "test")
                } else {
                    "node --test".to_string()
                }],
                audit: vec![match manager.value.as_str() {
                    "pnpm" => "pnpm audit --audit-level=high --prod".to_string(),
                    "yarn" => {
                        "yarn npm audit --severity high || yarn audit --level high --groups dependencies".to_string()
                    }
                    _ => "npm audit --audit-level=high --omit=dev".to_string(),
                }],
                cache_paths: vec!["~/.npm".to_string()],
                cache_key_files: lockfiles,
            },
        }
    }
}

fn node_healthcheck(node: &str, port: u16, path: Option<&str>) -> Vec<String> {
    let script = match path {
        Some(path) => format!(
            "require('http').get('http://127.0.0.1:{port}{path}', r => process.exit(r.statusCode < 400 ? 0 : 1)).on('error', () => process.exit(1))"
        ),
        None => format!(
            "require('net').connect({port}, '127.0.0.1').on('connect', () => process.exit(0)).on('error', () => process.exit(1))"
        ),
    };
    vec![node.to_string(), "-e".to_string(), script]
}
