use std::sync::LazyLock;

use regex::Regex;
use serde_json::Value;

use super::app_metrics;
use super::common::{self, first_port, health_route, secret_env, tcp_health};
use super::node_env;
use super::repo::{grep_text, re, ServiceDir};
use super::{version_or_default, Overrides, Provider, StackFacts};
use crate::plan::{AppMetrics, CachedCommand, CiCommands, Detected, EnvVar, Evidence, ImageRecipe, Migration, Stack};

pub(crate) struct Node;

const SOURCES: &[&str] = &[".js", ".ts", ".mjs", ".cjs", ".jsx", ".tsx"];
const DEFAULT_VERSION: &str = "22";

static LISTEN_LITERAL: LazyLock<Regex> = LazyLock::new(|| re(r"\.listen\(\s*(\d{2,5})\b"));
static PORT_DEFAULT: LazyLock<Regex> = LazyLock::new(|| re(r#"process\.env\.PORT\s*(?:\|\||\?\?)\s*['"]?(\d{2,5})\b"#));
static PORT_CONST: LazyLock<Regex> = LazyLock::new(|| re(r#"(?i)\bport\s*[:=]\s*['"]?(\d{2,5})\b"#));
static PROM_BUNDLE_CALL: LazyLock<Regex> =
    LazyLock::new(|| re(r#"(require\(\s*['"]express-prom-bundle['"]\s*\)|from\s+['"]express-prom-bundle['"])"#));
static METRICS_PATH_OPTION: LazyLock<Regex> = LazyLock::new(|| re(r#"metricsPath\s*:\s*['"](/[^'"]*)['"]"#));
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

/// Node.js lines with official and distroless images that are still
/// supported (Node 20 reached end of life on 2026-04-30).
const SUPPORTED_MAJORS: &[u32] = &[22, 24];

/// The nearest supported line at or above `major`, else the newest.
fn supported_major(major: &str) -> String {
    let wanted: u32 = major.parse().unwrap_or(0);
    let newest = SUPPORTED_MAJORS.last().copied().unwrap_or(24);
    SUPPORTED_MAJORS.iter().copied().find(|m| *m >= wanted).unwrap_or(newest).to_string()
}

/// The Node.js major the repository asks for, before mapping to a supported line.
fn requested_node(dir: &ServiceDir, pkg: &Value) -> Option<(String, Evidence)> {
    if let Some(spec) = pkg.pointer("/engines/node").and_then(Value::as_str) {
        if let Some(major) = major_version(spec) {
            return Some((major, dir.evidence_at("package.json", "\"node\"", format!("engines.node is `{spec}`"))));
        }
    }
    [".nvmrc", ".node-version"].iter().find_map(|file| {
        let major = dir.read(file).as_deref().and_then(major_version)?;
        Some((major, dir.evidence(file, Some(1), format!("{file} pins Node"))))
    })
}

fn node_version(dir: &ServiceDir, pkg: &Value) -> Detected<String> {
    match requested_node(dir, pkg) {
        Some((major, mut evidence)) => {
            let supported = supported_major(&major);
            if supported != major {
                evidence.detail =
                    format!("{}; Node {major} has no supported image, using {supported}", evidence.detail);
            }
            Detected::found(supported, evidence)
        }
        None => version_or_default(DEFAULT_VERSION, "Node.js"),
    }
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

/// Programs of production dependencies a start script may call: the bin
/// name, its package, and the file `node` runs for it (under pnpm the
/// `.bin` links are shell scripts, so the file is named directly).
const BINS: &[(&str, &str, &str)] = &[
    ("next", "next", "node_modules/next/dist/bin/next"),
    ("fastify", "fastify-cli", "node_modules/fastify-cli/cli.js"),
    ("ts-node", "ts-node", "node_modules/ts-node/dist/bin.js"),
    ("pm2-runtime", "pm2", "node_modules/pm2/bin/pm2-runtime"),
    ("nuxt", "nuxt", "node_modules/nuxt/bin/nuxt.mjs"),
    ("remix-serve", "@remix-run/serve", "node_modules/@remix-run/serve/dist/cli.js"),
];

/// Commands of build and development tools: a start script that calls one
/// cannot run once development dependencies are pruned.
const BUILD_TOOLS: &[&str] = &[
    "nx",
    "nest",
    "tsc",
    "ts-node-dev",
    "nodemon",
    "vite",
    "webpack",
    "turbo",
    "concurrently",
    "tsx",
    "react-scripts",
    "npm-run-all",
    "run-p",
    "run-s",
];

/// How the runtime starts the app: the arguments after `node`, and the
/// environment the start needs.
pub(crate) struct Start {
    pub args: Vec<String>,
    pub evidence: Evidence,
    pub env: Vec<(String, String)>,
}

fn has_prod_dependency(pkg: &Value, name: &str) -> bool {
    pkg.get("dependencies").and_then(|d| d.get(name)).is_some()
}

/// The start script's words without leading `VAR=value` assignments.
fn script_words(script: &str) -> Vec<&str> {
    script.split_whitespace().skip_while(|w| w.contains('=') && !w.starts_with('-')).collect()
}

/// A start script that runs the app without a build tool: `node FILE` or a
/// production dependency's program.
fn start_from_script(
    dir: &ServiceDir,
    pkg: &Value,
    name: &str,
    port: u16,
    warnings: &mut Vec<String>,
) -> Option<Start> {
    let text = script(pkg, name)?;
    let evidence = dir.evidence_at("package.json", &format!("\"{name}\""), format!("{name} script `{text}`"));
    if text.contains("&&") || text.contains(';') || text.contains('|') || text.contains('$') {
        return None;
    }
    let words = script_words(text);
    let (program, rest) = words.split_first()?;
    if *program == "node" {
        return Some(Start { args: rest.iter().map(|w| (*w).to_string()).collect(), evidence, env: Vec::new() });
    }
    if let Some((bin, package, file)) = BINS.iter().find(|(bin, _, _)| bin == program) {
        if has_prod_dependency(pkg, package) {
            let mut args = vec![(*file).to_string()];
            args.extend(rest.iter().map(|w| (*w).to_string()));
            let mut env = Vec::new();
            if *bin == "next" && !rest.iter().any(|w| *w == "-p" || w.starts_with("--port")) {
                args.extend(["-p".to_string(), port.to_string()]);
            }
            if *bin == "fastify" {
                env.push(("FASTIFY_ADDRESS".to_string(), "0.0.0.0".to_string()));
            }
            return Some(Start { args, evidence, env });
        }
        warnings.push(format!(
            "the `{name}` script runs `{program}`, from `{package}`, a development dependency that pruning removes; the image starts the built entry point instead"
        ));
        return None;
    }
    if BUILD_TOOLS.contains(program) {
        warnings.push(format!(
            "the `{name}` script runs `{program}`, a build tool that pruning removes; the image starts the built entry point instead"
        ));
    }
    None
}

/// `main.js` built from an Nx project's `build` target (`outputPath` and `main`).
fn nx_entry(dir: &ServiceDir) -> Option<Start> {
    let project: Value = serde_json::from_str(&dir.read("project.json")?).ok()?;
    let options = project.pointer("/targets/build/options")?;
    let output = options.get("outputPath").and_then(Value::as_str)?.trim_end_matches('/');
    let main = options.get("main").and_then(Value::as_str).unwrap_or("src/main.ts");
    let stem = main.rsplit('/').next().unwrap_or(main);
    let stem = stem.rsplit_once('.').map_or(stem, |(s, _)| s);
    Some(Start {
        args: vec![format!("{output}/{stem}.js")],
        evidence: dir.evidence_at("project.json", "\"outputPath\"", format!("Nx builds `{main}` into `{output}`")),
        env: Vec::new(),
    })
}

/// The compiled path of a TypeScript file, from tsconfig's `outDir`/`rootDir`.
fn compiled(dir: &ServiceDir, file: &str) -> String {
    let Some(stem) = file.strip_suffix(".ts").or_else(|| file.strip_suffix(".mts")) else { return file.to_string() };
    let config: Value = dir.read("tsconfig.json").and_then(|t| serde_json::from_str(&t).ok()).unwrap_or(Value::Null);
    let out = config.pointer("/compilerOptions/outDir").and_then(Value::as_str).unwrap_or("dist");
    let root = config.pointer("/compilerOptions/rootDir").and_then(Value::as_str).unwrap_or("src");
    let out = out.trim_start_matches("./").trim_end_matches('/');
    let root = root.trim_start_matches("./").trim_end_matches('/');
    let stem = stem.trim_start_matches("./");
    let relative = stem.strip_prefix(&format!("{root}/")).unwrap_or(stem);
    format!("{out}/{relative}.js")
}

static STANDALONE: LazyLock<Regex> = LazyLock::new(|| re(r#"output\s*:\s*['"]standalone['"]"#));

/// Evidence that Next.js builds a self-contained server (`output: 'standalone'`).
fn next_standalone(dir: &ServiceDir) -> Option<Evidence> {
    ["next.config.js", "next.config.mjs", "next.config.ts", "next.config.cjs"].iter().find_map(|file| {
        let hit = grep_text(file, &dir.read(file)?, &STANDALONE).into_iter().next()?;
        Some(dir.evidence(file, Some(hit.line), "Next.js builds a standalone server"))
    })
}

/// How the runtime image starts the app, or `None` when only the package
/// manager can (`npm start`).
pub(crate) fn start(
    dir: &ServiceDir,
    pkg: &Value,
    framework: Option<&str>,
    port: u16,
    warnings: &mut Vec<String>,
) -> Option<Start> {
    if let Some(evidence) = next_standalone(dir).filter(|_| framework == Some("Next.js")) {
        return Some(Start {
            args: vec!["server.js".to_string()],
            evidence,
            env: vec![("HOSTNAME".to_string(), "0.0.0.0".to_string()), ("PORT".to_string(), port.to_string())],
        });
    }
    for name in ["start:prod", "start"] {
        if let Some(start) = start_from_script(dir, pkg, name, port, warnings) {
            return Some(start);
        }
    }
    if let Some(start) = nx_entry(dir) {
        return Some(start);
    }
    if framework == Some("Next.js") && has_prod_dependency(pkg, "next") {
        return Some(Start {
            args: vec![BINS[0].2.to_string(), "start".to_string(), "-p".to_string(), port.to_string()],
            evidence: dir.evidence_at("package.json", "\"next\"", "Next.js serves the build with `next start`"),
            env: Vec::new(),
        });
    }
    if framework == Some("NestJS") {
        return Some(Start {
            args: vec!["dist/main.js".to_string()],
            evidence: dir.evidence_at("package.json", "\"@nestjs/core\"", "NestJS builds to dist/main.js"),
            env: Vec::new(),
        });
    }
    let built = script(pkg, "build").is_some();
    if let Some(main) = pkg.get("main").and_then(Value::as_str) {
        let file = if built { compiled(dir, main) } else { main.to_string() };
        return Some(Start {
            args: vec![file],
            evidence: dir.evidence_at("package.json", "\"main\"", format!("main is `{main}`")),
            env: Vec::new(),
        });
    }
    ["server.js", "index.js", "app.js", "src/server.js", "src/index.js", "src/main.ts", "src/index.ts", "src/server.ts"]
        .iter()
        .find(|f| dir.has(f) && (built || !f.ends_with(".ts")))
        .map(|f| Start { args: vec![compiled(dir, f)], evidence: dir.evidence(f, None, "entry file"), env: Vec::new() })
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

/// Migration tools: the tool, its package, the file `node` runs and its arguments.
const MIGRATION_TOOLS: &[(&str, &str, &str, &[&str])] = &[
    ("prisma", "prisma", "prisma/build/index.js", &["migrate", "deploy"]),
    ("knex", "knex", "knex/bin/cli.js", &["migrate:latest"]),
    ("sequelize", "sequelize-cli", "sequelize-cli/lib/sequelize", &["db:migrate"]),
    ("drizzle", "drizzle-kit", "drizzle-kit/bin.cjs", &["migrate"]),
];

/// Where a migration tool that is only a development dependency is
/// installed in the image, so the pruned runtime still has it.
const MIGRATE_PREFIX: &str = "/opt/migrate";

/// The Prisma schema: package.json's `prisma.schema`, else the usual places.
pub(crate) fn prisma_schema(dir: &ServiceDir, pkg: &Value) -> Option<(String, Evidence)> {
    if !(has_dependency(pkg, "prisma") || has_dependency(pkg, "@prisma/client")) {
        return None;
    }
    if let Some(path) = pkg.pointer("/prisma/schema").and_then(Value::as_str) {
        let path = path.trim_start_matches("./").to_string();
        if dir.has(&path) || dir.has_dir(&path) {
            let evidence = dir.evidence_at(
                "package.json",
                "\"schema\"",
                format!("package.json sets the Prisma schema to `{path}`"),
            );
            return Some((path, evidence));
        }
    }
    let usual = ["prisma/schema.prisma", "schema.prisma"].iter().find(|f| dir.has(f)).map(|f| (*f).to_string());
    let found = usual.or_else(|| dir.files().iter().find(|f| f.ends_with("schema.prisma")).cloned())?;
    let evidence = dir.evidence_at(&found, "datasource", "Prisma schema with a datasource");
    Some((found, evidence))
}

static PRISMA_ENV: LazyLock<Regex> = LazyLock::new(|| re(r#"env\(\s*"([A-Z][A-Z0-9_]*)"\s*\)"#));

/// Variables the Prisma schema reads (`url = env("DATABASE_URL")`).
fn prisma_secrets(dir: &ServiceDir, schema: &str) -> Vec<Detected<String>> {
    let Some(text) = dir.read(schema) else { return Vec::new() };
    grep_text(schema, &text, &PRISMA_ENV)
        .into_iter()
        .filter_map(|hit| {
            let name = hit.group(1)?.to_string();
            Some(Detected::found(
                name.clone(),
                dir.evidence(schema, Some(hit.line), format!("the datasource reads `{name}`")),
            ))
        })
        .collect()
}

/// The migration, run by `node` in the runtime image, and the build
/// command that installs its tool there when pruning would remove it.
fn migration(dir: &ServiceDir, pkg: &Value, node: &str) -> Option<(Detected<Migration>, Option<String>)> {
    let schema = prisma_schema(dir, pkg);
    let (tool, evidence) = if let Some((_, evidence)) = &schema {
        ("prisma", evidence.clone())
    } else if let Some(file) =
        has_dependency(pkg, "knex").then(|| dir.files().iter().find(|f| f.starts_with("knexfile."))).flatten()
    {
        ("knex", dir.evidence(file, None, "knexfile configures migrations"))
    } else if has_dependency(pkg, "sequelize-cli") {
        ("sequelize", dir.evidence_at("package.json", "\"sequelize-cli\"", "depends on sequelize-cli"))
    } else if has_dependency(pkg, "drizzle-kit") {
        ("drizzle", dir.evidence_at("package.json", "\"drizzle-kit\"", "depends on drizzle-kit"))
    } else {
        return None;
    };
    let (_, package, file, args) = MIGRATION_TOOLS.iter().find(|(t, ..)| *t == tool)?;
    let (path, install) = if has_prod_dependency(pkg, package) {
        (format!("node_modules/{file}"), None)
    } else {
        (
            format!("{MIGRATE_PREFIX}/node_modules/{file}"),
            Some(format!(
                "npm install --prefix {MIGRATE_PREFIX} --no-save --no-audit --no-fund \"{package}@$(node -p \"require('{package}/package.json').version\")\""
            )),
        )
    };
    let mut command = vec![node.to_string(), path];
    command.extend(args.iter().map(|a| (*a).to_string()));
    if let Some((schema, _)) = &schema {
        command.extend(["--schema".to_string(), schema.clone()]);
    }
    Some((Detected::found(Migration { tool: tool.to_string(), command }, evidence), install))
}

static ROUTER_MOUNT: LazyLock<Regex> =
    LazyLock::new(|| re(r#"\.use\(\s*['"`](/[A-Za-z0-9_./-]*)['"`]\s*,\s*([A-Za-z_$][\w$]*)"#));
static IMPORT: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r#"(?:import\s+([A-Za-z_$][\w$]*)\s+from\s+|(?:const|let|var)\s+([A-Za-z_$][\w$]*)\s*=\s*require\(\s*)['"`]([^'"`]+)['"`]"#,
    )
});
static ROOT_ROUTE: LazyLock<Regex> =
    LazyLock::new(|| re(r#"\b(?:app|server|fastify|router|api)\s*\.get\(\s*['"`]/['"`]"#));

/// A file's name without folder and extension; `index` names its folder.
fn module_stem(path: &str) -> &str {
    let name = path.rsplit('/').next().unwrap_or(path);
    let stem = name.split('.').next().unwrap_or(name);
    if stem == "index" {
        path.rsplit('/').nth(1).unwrap_or(stem)
    } else {
        stem
    }
}

/// The prefix a router defined in `file` is mounted at: `app.use('/api', x)`
/// where `x` is imported from `file`.
fn router_prefix(dir: &ServiceDir, file: &str) -> Option<(String, Evidence)> {
    let stem = module_stem(file);
    for mount in dir.grep(SOURCES, &ROUTER_MOUNT) {
        let (Some(prefix), Some(ident)) = (mount.group(1), mount.group(2)) else { continue };
        let text = dir.read(&mount.file).unwrap_or_default();
        let imported = grep_text(&mount.file, &text, &IMPORT).iter().any(|i| {
            i.group(1).or(i.group(2)) == Some(ident) && i.group(3).is_some_and(|from| module_stem(from) == stem)
        });
        if imported || mount.file == file {
            let prefix = prefix.trim_end_matches('/').to_string();
            let evidence = dir.evidence(&mount.file, Some(mount.line), format!("routers are mounted at `{prefix}`"));
            return Some((prefix, evidence));
        }
    }
    None
}

/// Next.js API routes such as `app/api/health/route.ts` or `pages/api/health.ts`.
fn next_api_health(dir: &ServiceDir) -> Option<Detected<Option<String>>> {
    const NAMES: &[&str] = &["healthz", "health", "livez", "readyz", "healthcheck", "ready", "ping", "status"];
    for name in NAMES {
        for base in ["app/api", "src/app/api", "pages/api", "src/pages/api"] {
            let candidates = [format!("{base}/{name}/route"), format!("{base}/{name}"), format!("{base}/{name}/index")];
            let found = dir.files().iter().find(|f| {
                candidates.iter().any(|c| f.strip_prefix(c.as_str()).is_some_and(|ext| SOURCES.contains(&ext)))
            });
            if let Some(file) = found {
                let path = format!("/api/{name}");
                return Some(Detected::found(
                    Some(path.clone()),
                    dir.evidence(file, None, format!("API route `{path}`")),
                ));
            }
        }
    }
    None
}

/// The health route: a health path (behind its router's prefix), a Next.js
/// API route, else the root route the app defines, else the TCP port.
fn health(dir: &ServiceDir, framework: Option<&str>) -> Detected<Option<String>> {
    if let Some(mut found) = health_route(dir, SOURCES) {
        let file = found.evidence.first().map(|e| e.file.clone()).unwrap_or_default();
        let file = if dir.rel == "." {
            file
        } else {
            file.strip_prefix(&format!("{}/", dir.rel)).unwrap_or(&file).to_string()
        };
        let path = found.value.clone().unwrap_or_default();
        let text = dir.read(&file).unwrap_or_default();
        if text.contains("Router(") || text.contains("express.Router") {
            if let Some((prefix, evidence)) =
                router_prefix(dir, &file).filter(|(p, _)| !path.starts_with(&format!("{p}/")))
            {
                found.value = Some(format!("{prefix}{path}"));
                found.evidence.push(evidence);
            }
        }
        return found;
    }
    if let Some(found) = next_api_health(dir) {
        return found;
    }
    let root = if framework == Some("Next.js") {
        dir.files()
            .iter()
            .find(|f| {
                let f = f.strip_prefix("src/").unwrap_or(f);
                f.starts_with("pages/index.")
                    || (f.starts_with("app/")
                        && f.ends_with("/page.tsx")
                        && f.split('/').filter(|p| !(p.starts_with('(') || *p == "app")).count() == 1)
                    || f.starts_with("app/page.")
            })
            .map(|f| dir.evidence(f, None, "the home page"))
    } else {
        dir.grep(SOURCES, &ROOT_ROUTE).first().map(|hit| dir.evidence(&hit.file, Some(hit.line), "the app answers `/`"))
    };
    match root {
        Some(evidence) => Detected::found(Some("/".to_string()), evidence),
        None => tcp_health(),
    }
}
/// Files the test runners pick up.
fn has_tests(dir: &ServiceDir) -> bool {
    dir.files().iter().any(|f| {
        let name = f.rsplit('/').next().unwrap_or(f);
        SOURCES.iter().any(|s| name.ends_with(s))
            && !f.starts_with("node_modules/")
            && (name.contains(".test.")
                || name.contains(".spec.")
                || name.contains("_test.")
                || f.contains("__tests__/")
                || name.contains("-test.")
                || name.starts_with("test-")
                || f.starts_with("test/")
                || f.contains("/test/"))
    })
}

/// The commands that run the project's tests, or a warning saying why
/// there are none: a runner that finds no test must not pass CI.
fn test_commands(dir: &ServiceDir, pkg: &Value, manager: &str) -> Result<Vec<String>, String> {
    let tests = has_tests(dir);
    let script = script(pkg, "test").filter(|s| !s.contains("no test specified"));
    match script {
        Some(text) if tests => Ok(vec![run_script(manager, "test")]).map(|mut c| {
            if text.trim() == "node --test" {
                c = vec!["node --test".to_string()];
            }
            c
        }),
        Some(text) => {
            Err(format!("the test script `{text}` finds no test files; CI runs no tests until some are added"))
        }
        None if tests => {
            let runner = [
                ("vitest", "node_modules/.bin/vitest run"),
                ("jest", "node_modules/.bin/jest"),
                ("mocha", "node_modules/.bin/mocha"),
            ]
            .iter()
            .find(|(dep, _)| has_dependency(pkg, dep))
            .map_or("node --test", |(_, run)| run);
            Ok(vec![runner.to_string()])
        }
        None => {
            Err("no tests found (no test script and no test files); CI runs no tests until some are added".to_string())
        }
    }
}

/// The pnpm release that reads the lockfile: `packageManager`, else by lockfile version.
fn pnpm_version(dir: &ServiceDir, pkg: &Value) -> String {
    if let Some(field) = pkg.get("packageManager").and_then(Value::as_str) {
        if let Some(version) = field.strip_prefix("pnpm@") {
            return version.split('+').next().unwrap_or(version).to_string();
        }
    }
    let lock = dir.read("pnpm-lock.yaml").unwrap_or_default();
    let version =
        lock.lines().find_map(|l| l.strip_prefix("lockfileVersion:")).unwrap_or("").trim().trim_matches(['\'', '"']);
    match version.split('.').next() {
        Some("5") => "7.33.7",
        Some("6") => "8.15.9",
        _ => "9.15.9",
    }
    .to_string()
}

/// Install, prune and CI cache settings per package manager. Pruning skips
/// lifecycle scripts: a `postinstall` must not re-run once its tools are gone.
struct Manager {
    install: String,
    prune: String,
    /// Exports pointing the manager's cache into the CI workspace.
    ci_cache_env: String,
    ci_cache_paths: Vec<String>,
}

fn manager_commands(dir: &ServiceDir, pkg: &Value, manager: &str) -> Manager {
    match manager {
        "pnpm" => Manager {
            install: format!("npm install -g pnpm@{} && pnpm install --frozen-lockfile", pnpm_version(dir, pkg)),
            prune: "pnpm prune --prod --ignore-scripts".into(),
            ci_cache_env: "export npm_config_cache=\"$PWD/.cache/npm\" npm_config_store_dir=\"$PWD/.cache/pnpm-store\""
                .into(),
            ci_cache_paths: vec![".cache/npm".into(), ".cache/pnpm-store".into()],
        },
        "yarn" if dir.has(".yarnrc.yml") => Manager {
            install: "corepack enable && yarn install --immutable".into(),
            prune: "yarn workspaces focus --all --production".into(),
            ci_cache_env: "export YARN_CACHE_FOLDER=\"$PWD/.cache/yarn\"".into(),
            ci_cache_paths: vec![".cache/yarn".into()],
        },
        "yarn" => Manager {
            install: "yarn install --frozen-lockfile".into(),
            prune: "yarn install --frozen-lockfile --production --ignore-scripts".into(),
            ci_cache_env: "export YARN_CACHE_FOLDER=\"$PWD/.cache/yarn\"".into(),
            ci_cache_paths: vec![".cache/yarn".into()],
        },
        _ => Manager {
            install: if dir.has("package-lock.json") {
                "npm ci".into()
            } else {
                "npm install --no-audit --no-fund".into()
            },
            prune: "npm prune --omit=dev --ignore-scripts".into(),
            ci_cache_env: "export npm_config_cache=\"$PWD/.cache/npm\"".into(),
            ci_cache_paths: vec![".cache/npm".into()],
        },
    }
}

/// A lockfile above the service folder (npm/pnpm/yarn workspaces, Nx).
fn root_lockfile(dir: &ServiceDir) -> Option<String> {
    if dir.rel == "." {
        return None;
    }
    let depth = dir.rel.split('/').filter(|p| !p.is_empty() && *p != ".").count();
    let root = dir.abs.ancestors().nth(depth)?;
    ["pnpm-lock.yaml", "yarn.lock", "package-lock.json"]
        .iter()
        .find(|f| root.join(f).is_file())
        .map(|f| (*f).to_string())
}

/// An npm, pnpm or yarn workspace above the service, locked at its root:
/// the image is built from the root so the lockfile is in the context.
struct NodeWorkspace {
    /// The workspace root, relative to the repository root.
    root: String,
    /// The service folder relative to the workspace root.
    member: String,
    lockfile: String,
    /// Root manifests and every member's package.json, relative to the root.
    manifests: Vec<String>,
    evidence: Evidence,
}

fn node_workspace(dir: &ServiceDir) -> Option<NodeWorkspace> {
    const LOCKFILES: &[&str] = &["pnpm-lock.yaml", "yarn.lock", "package-lock.json"];
    if LOCKFILES.iter().any(|f| dir.has(f)) {
        return None;
    }
    for folder in dir.ancestors().into_iter().filter(|f| !f.starts_with("..")) {
        let Some(lockfile) = LOCKFILES.iter().find(|f| dir.read_in(&folder, f).is_some()) else { continue };
        let pkg: Value =
            dir.read_in(&folder, "package.json").and_then(|t| serde_json::from_str(&t).ok()).unwrap_or(Value::Null);
        let mut patterns: Vec<String> = pkg
            .get("workspaces")
            .and_then(|w| w.as_array().or_else(|| w.get("packages").and_then(Value::as_array)))
            .into_iter()
            .flatten()
            .filter_map(|v| v.as_str().map(str::to_string))
            .collect();
        let pnpm = dir.read_in(&folder, "pnpm-workspace.yaml");
        patterns.extend(
            pnpm.iter()
                .flat_map(|t| t.lines())
                .filter_map(|l| l.trim().strip_prefix("- "))
                .map(|p| p.trim_matches(['"', '\'']).to_string()),
        );
        if patterns.is_empty() {
            continue;
        }
        let member = dir.path_from(&folder)?;
        let depth = dir.rel.split('/').filter(|p| !p.is_empty() && *p != ".").count();
        let root_path = dir.abs.ancestors().nth(depth)?.join(if folder == "." { "" } else { folder.as_str() });
        let mut manifests = vec!["package.json".to_string(), (*lockfile).to_string()];
        if pnpm.is_some() {
            manifests.push("pnpm-workspace.yaml".to_string());
        }
        for pattern in &patterns {
            let pattern = pattern.trim_start_matches("./").trim_end_matches('/');
            if pattern.starts_with('!') || pattern.contains("..") {
                continue;
            }
            let folders: Vec<String> = match pattern.strip_suffix("/*").or_else(|| pattern.strip_suffix("/**")) {
                Some(parent) => std::fs::read_dir(root_path.join(parent))
                    .map(|entries| {
                        entries.flatten().map(|e| format!("{parent}/{}", e.file_name().to_string_lossy())).collect()
                    })
                    .unwrap_or_default(),
                None => vec![pattern.to_string()],
            };
            manifests.extend(
                folders.into_iter().map(|f| format!("{f}/package.json")).filter(|f| root_path.join(f).is_file()),
            );
        }
        manifests.sort();
        manifests.dedup();
        let file = if folder == "." { (*lockfile).to_string() } else { format!("{folder}/{lockfile}") };
        let evidence = Evidence { file, line: None, detail: "workspace locked at its root".into() };
        return Some(NodeWorkspace { root: folder, member, lockfile: (*lockfile).to_string(), manifests, evidence });
    }
    None
}

/// `command` run in the workspace member `member`, from the workspace root.
fn in_member(manager: &str, member: &str, command: &str) -> String {
    match manager {
        "pnpm" => format!("pnpm --filter ./{member} exec {command}"),
        "yarn" => format!("yarn --cwd {member} {command}"),
        _ => format!("npm exec --workspace {member} -- {command}"),
    }
}

/// The member's build script, from the workspace root.
fn member_build(manager: &str, member: &str) -> String {
    match manager {
        "pnpm" => format!("pnpm --filter ./{member} run build"),
        "yarn" => format!("yarn --cwd {member} run build"),
        _ => format!("npm run build --workspace {member}"),
    }
}

impl Provider for Node {
    fn stack(&self) -> Stack {
        Stack::Node
    }

    fn matches(&self, dir: &ServiceDir) -> Option<Evidence> {
        dir.has("package.json").then(|| dir.evidence("package.json", None, "package.json is present"))
    }

    fn name_hint(&self, dir: &ServiceDir) -> Option<String> {
        // An Nx root package is named after the workspace (`@org/source`); the project names the app.
        let project: Option<Value> = dir.read("project.json").and_then(|t| serde_json::from_str(&t).ok());
        if let Some(name) = project.as_ref().and_then(|p| p.get("name")).and_then(Value::as_str) {
            return Some(name.to_string());
        }
        package_json(dir).get("name").and_then(Value::as_str).map(|n| n.rsplit('/').next().unwrap_or(n).to_string())
    }

    fn detect(&self, dir: &ServiceDir, overrides: &Overrides) -> StackFacts {
        let pkg = package_json(dir);
        let workspace = node_workspace(dir);
        let manager = match &workspace {
            Some(ws) => {
                let name = match ws.lockfile.as_str() {
                    "pnpm-lock.yaml" => "pnpm",
                    "yarn.lock" => "yarn",
                    _ => "npm",
                };
                Detected::found(name.to_string(), ws.evidence.clone())
            }
            None => package_manager(dir, &pkg),
        };
        let version = overrides.language_version(node_version(dir, &pkg));
        let framework = framework(dir, &pkg);
        let framework_name = framework.as_ref().map(|f| f.value.as_str());
        let next = framework_name == Some("Next.js");
        let build_command = script(&pkg, "build").map(|b| {
            Detected::found(
                run_script(&manager.value, "build"),
                dir.evidence_at("package.json", "\"build\"", format!("build script `{b}`")),
            )
        });
        let port = overrides.port(port(dir, framework_name));
        let v = &version.value;
        let mut commands = manager_commands(dir, &pkg, &manager.value);
        if workspace.is_some() && manager.value == "npm" {
            commands.install = "npm ci".into();
        }
        let schema = prisma_schema(dir, &pkg);
        let mut dependency_files: Vec<String> = ["package.json", "package-lock.json", "pnpm-lock.yaml", "yarn.lock"]
            .iter()
            .filter(|f| dir.has(f))
            .map(|f| (*f).to_string())
            .collect();
        let lockfiles = dependency_files.clone();
        // A postinstall `prisma generate` needs the schema before the sources are copied.
        if let Some((path, _)) = schema.as_ref().filter(|(p, _)| dir.has(p)) {
            dependency_files.push(path.clone());
        }
        // In a workspace, paths are relative to its root, the build context.
        let member_path = |path: &str| match &workspace {
            Some(ws) if ws.member != "." => format!("{}/{path}", ws.member),
            _ => path.to_string(),
        };
        if let Some(ws) = &workspace {
            let schema_file = schema.as_ref().filter(|(p, _)| dir.has(p)).map(|(p, _)| member_path(p));
            dependency_files = ws.manifests.iter().cloned().chain(schema_file).collect();
        }
        // npm and yarn hoist packages to the workspace root's node_modules.
        let hoisted = |arg: String| match &workspace {
            Some(_) if manager.value != "pnpm" && arg.starts_with("node_modules/") => format!("/app/{arg}"),
            _ => arg,
        };
        let start = start(dir, &pkg, framework_name, port.value, &mut Vec::new());
        let (runtime_image, has_shell, command, start_command) = match &start {
            Some(start) => {
                let mut shown = vec!["node".to_string()];
                shown.extend(start.args.iter().cloned());
                let mut command = vec!["/nodejs/bin/node".to_string()];
                command.extend(start.args.iter().cloned().map(hoisted));
                (
                    format!("gcr.io/distroless/nodejs{v}-debian12:nonroot"),
                    false,
                    command,
                    Detected::found(shown, start.evidence.clone()),
                )
            }
            None => {
                let start = vec!["npm".to_string(), "start".to_string()];
                (
                    format!("node:{v}-bookworm-slim"),
                    true,
                    start.clone(),
                    Detected::found(start, dir.evidence_at("package.json", "\"start\"", "start script")),
                )
            }
        };
        let node_bin = if has_shell { "node" } else { "/nodejs/bin/node" };
        let mut migration = migration(dir, &pkg, node_bin);
        let prisma_generate = schema
            .as_ref()
            .filter(|_| has_dependency(&pkg, "prisma"))
            .map(|(path, _)| format!("node_modules/.bin/prisma generate --schema {path}"));
        let mut build = Vec::new();
        match &workspace {
            Some(ws) => {
                if let Some((path, _)) = schema.as_ref().filter(|_| has_dependency(&pkg, "prisma")) {
                    let generate = in_member(&manager.value, &ws.member, &format!("prisma generate --schema {path}"));
                    build.push(CachedCommand::new(generate, &[]));
                }
                if build_command.is_some() {
                    build.push(CachedCommand::new(member_build(&manager.value, &ws.member), &[]));
                }
                if let Some((m, install)) = &mut migration {
                    m.value.command = m.value.command.drain(..).map(hoisted).collect();
                    if let Some(install) = install {
                        // The tool's version is read where the member resolves it.
                        *install = install.replace(
                            "require('prisma/package.json')",
                            &format!(
                                "require(require.resolve('prisma/package.json', {{ paths: ['/app/{}'] }}))",
                                ws.member
                            ),
                        );
                    }
                }
            }
            None => {
                if let Some(generate) = &prisma_generate {
                    build.push(CachedCommand::new(generate.clone(), &[]));
                }
                if build_command.is_some() {
                    build.push(CachedCommand::new(run_script(&manager.value, "build"), &[]));
                }
            }
        }
        let mut artifacts = if next && next_standalone(dir).is_some() {
            // The standalone server carries its traced dependencies; static
            // assets are copied beside it.
            let mut copies = vec![
                ("/app/.next/standalone".to_string(), "/app".to_string()),
                ("/app/.next/static".to_string(), "/app/.next/static".to_string()),
            ];
            if dir.has_dir("public") {
                copies.push(("/app/public".to_string(), "/app/public".to_string()));
            }
            // The migration Job reads the schema and its migrations folder.
            if let Some((path, _)) = &schema {
                let folder = path.rsplit_once('/').map_or(path.as_str(), |(folder, _)| folder);
                copies.push((format!("/app/{folder}"), format!("/app/{folder}")));
            }
            copies
        } else {
            vec![("/app".to_string(), "/app".to_string())]
        };
        if let Some(install) = migration.as_ref().and_then(|(_, install)| install.clone()) {
            build.push(CachedCommand::new(install, &["/root/.npm"]));
            artifacts.push((MIGRATE_PREFIX.to_string(), MIGRATE_PREFIX.to_string()));
        }
        build.push(CachedCommand::new(commands.prune.clone(), &[]));
        let mut build_env = Vec::new();
        if next {
            build_env.push(("NEXT_TELEMETRY_DISABLED".to_string(), "1".to_string()));
        }
        if node_env::env_schema(dir).is_some_and(|s| s.skippable) {
            build_env.push(("SKIP_ENV_VALIDATION".to_string(), "1".to_string()));
        }
        let build_args = if next { node_env::public_build_env(dir) } else { Vec::new() };
        let mut env = vec![("NODE_ENV".to_string(), "production".to_string())];
        env.extend(start.as_ref().map(|s| s.env.clone()).unwrap_or_default());
        if schema.is_some() {
            // The Prisma CLI's update check writes to a home folder the read-only root lacks.
            env.push(("CHECKPOINT_DISABLE".to_string(), "1".to_string()));
        }
        let workdir = match &workspace {
            Some(ws) if ws.member != "." => format!("/app/{}", ws.member),
            _ => "/app".to_string(),
        };
        let mut writable_dirs = vec!["/tmp".to_string()];
        if next {
            writable_dirs.push(format!("{workdir}/.next/cache"));
        }
        let health_path = overrides.health_path(health(dir, framework_name));
        let healthcheck = node_healthcheck(node_bin, port.value, health_path.value.as_deref());
        let mut secrets = secret_env(dir, SOURCES, &ENV_READ);
        secrets.extend(node_env::schema_secrets(dir));
        if let Some((path, _)) = &schema {
            secrets.extend(prisma_secrets(dir, path));
        }
        // Prisma picks its engine by the OpenSSL it finds: the slim image has
        // none, the full one has OpenSSL 3 like the distroless runtime.
        let build_image =
            if schema.is_some() { format!("node:{v}-bookworm") } else { format!("node:{v}-bookworm-slim") };
        let mut ci_install = vec![commands.ci_cache_env.clone(), commands.install.clone()];
        ci_install.extend(prisma_generate);
        let test = test_commands(dir, &pkg, &manager.value).unwrap_or_default();
        StackFacts {
            language_version: version.clone(),
            package_manager: manager.clone(),
            framework,
            start_command,
            build_command,
            port,
            health_path,
            migration: migration.map(|(m, _)| m),
            secret_env: secrets,
            image: ImageRecipe {
                build_image: build_image.clone(),
                build_env,
                build_args,
                runtime_image,
                runtime_has_shell: has_shell,
                dependency_files,
                install: vec![CachedCommand::new(
                    commands.install.clone(),
                    &["/root/.npm", "/root/.cache/yarn", "/root/.local/share/pnpm/store"],
                )],
                build,
                source_mount: false,
                artifacts,
                writable_dirs,
                workdir,
                env,
                runtime_setup: Vec::new(),
                uid: if has_shell { 1000 } else { 65532 },
                command,
                healthcheck,
                static_probe: false,
            },
            ci: CiCommands {
                image: build_image,
                install: ci_install,
                test,
                audit: vec![match manager.value.as_str() {
                    "pnpm" => "pnpm audit --audit-level=high --prod".to_string(),
                    "yarn" => {
                        "yarn npm audit --severity high || yarn audit --level high --groups dependencies".to_string()
                    }
                    _ => "npm audit --audit-level=high --omit=dev".to_string(),
                }],
                cache_paths: commands.ci_cache_paths,
                cache_key_files: lockfiles,
            },
        }
    }

    fn metrics(&self, dir: &ServiceDir, _facts: &StackFacts) -> Option<Detected<AppMetrics>> {
        let pkg = package_json(dir);
        if has_prod_dependency(&pkg, "express-prom-bundle") {
            // The middleware answers `/metrics` itself unless `metricsPath` moves it.
            let moved = dir.grep(SOURCES, &METRICS_PATH_OPTION).into_iter().next();
            let path = moved.as_ref().and_then(|h| h.group(1)).unwrap_or("/metrics");
            return app_metrics::served_by_library(dir, SOURCES, "express-prom-bundle", &PROM_BUNDLE_CALL, path);
        }
        if has_prod_dependency(&pkg, "prom-client") {
            return app_metrics::at_metrics_route(dir, SOURCES, "prom-client");
        }
        None
    }

    fn config_env(&self, dir: &ServiceDir, _facts: &StackFacts) -> Vec<Detected<EnvVar>> {
        node_env::config_env(dir, SOURCES, &ENV_READ)
    }

    fn build_context(&self, dir: &ServiceDir) -> Option<String> {
        node_workspace(dir).map(|w| w.root)
    }

    fn warnings(&self, dir: &ServiceDir, facts: &StackFacts) -> Vec<String> {
        let pkg = package_json(dir);
        let framework = framework(dir, &pkg);
        let mut warnings = Vec::new();
        if let Some((major, _)) = requested_node(dir, &pkg).filter(|(m, _)| *m != supported_major(m)) {
            warnings.push(format!(
                "the app asks for Node {major}, which is end-of-life or has no image; the kit uses Node {}",
                supported_major(&major)
            ));
        }
        if start(dir, &pkg, framework.as_ref().map(|f| f.value.as_str()), facts.port.value, &mut warnings).is_none() {
            warnings.push(
                "no built entry point found; the image starts with `npm start`, whose program must be a production dependency".to_string(),
            );
        }
        if let Err(why) = test_commands(dir, &pkg, &facts.package_manager.value) {
            warnings.push(why);
        }
        let unset = node_env::unset_reads(dir, SOURCES, &ENV_READ);
        if !unset.is_empty() {
            warnings.push(format!(
                "the code reads these variables with no default and the kit sets none of them (add the ones the app needs to the ConfigMap): {}",
                unset.join(", ")
            ));
        }
        if let Some(builder) = static_front_end(&pkg) {
            warnings.push(format!(
                "this looks like a static front-end (`{builder}`, no server dependency, no start script): the kit's image starts `{}`, which the build does not produce; serve the built files with a web server image (for example nginx with the app's own configuration) and set the start command, or keep the app's own Dockerfile",
                facts.start_command.value.join(" ")
            ));
        }
        if let Some(lock) = root_lockfile(dir)
            .filter(|_| node_workspace(dir).is_none())
            .filter(|_| !["package-lock.json", "pnpm-lock.yaml", "yarn.lock"].iter().any(|f| dir.has(f)))
        {
            warnings.push(format!(
                "the lockfile `{lock}` is at the repository root, outside the build context `{}`; the image installs without it",
                dir.rel
            ));
        }
        if let Some(schema) = node_env::env_schema(dir) {
            if !schema.skippable && schema.vars.iter().any(|v| v.required) {
                warnings.push(format!(
                    "{} validates the environment at build time and cannot skip it (no SKIP_ENV_VALIDATION); the build needs its variables",
                    schema.file
                ));
            }
        }
        let empty: Vec<String> = node_env::config_env(dir, SOURCES, &ENV_READ)
            .into_iter()
            .filter(|v| v.value.value.as_deref() == Some(""))
            .map(|v| v.value.name)
            .collect();
        if !empty.is_empty() {
            warnings
                .push(format!("required settings without a known value, empty in the ConfigMap: {}", empty.join(", ")));
        }
        for (name, value) in node_env::public_build_env(dir) {
            warnings.push(format!(
                "`{name}` is inlined into the client bundle at build time: a build argument defaulting to `{value}`; CI passes the repository variable `{name}` when it is set"
            ));
        }
        warnings
    }
}

/// Builds whose output is a static site.
const STATIC_BUILDERS: &[&str] =
    &["vite build", "vue-cli-service build", "react-scripts build", "ng build", "parcel build"];
/// Dependencies that serve HTTP from Node.
const SERVER_DEPENDENCIES: &[&str] = &[
    "express",
    "fastify",
    "koa",
    "next",
    "nuxt",
    "@nestjs/core",
    "@hapi/hapi",
    "@remix-run/serve",
    "hono",
    "@sveltejs/kit",
];

/// The static-site build a package runs, when it has no server to start.
fn static_front_end(pkg: &Value) -> Option<&'static str> {
    let scripts = pkg.get("scripts").and_then(Value::as_object)?;
    if scripts.contains_key("start") || SERVER_DEPENDENCIES.iter().any(|d| has_prod_dependency(pkg, d)) {
        return None;
    }
    STATIC_BUILDERS.iter().copied().find(|b| scripts.values().filter_map(Value::as_str).any(|s| s.contains(b)))
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
