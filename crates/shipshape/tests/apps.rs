//! The real applications of `../shared/apps` (see its MANIFEST.md): each is
//! copied to a temporary folder without the delivery files it ships, then
//! `plan`, `init` and `check` run on it, and for Node, Python and Rust
//! services `verify --mode host` builds and starts the kit's image beside
//! throwaway databases. Each test prints its rows of a markdown table to
//! stderr and writes them under `CARGO_TARGET_TMPDIR/apps-table/`.
//!
//! A Node, Python or Rust service must build, start and answer, unless it
//! is in [`BLOCKED`] with the reason this machine (not the kit) stops it,
//! and that reason is what verify reports. Every kit must pass `check`.

use std::path::Path;
use std::process::Output;
use std::time::Instant;

use serde_json::Value;

/// Services stopped by this machine, not by their kit: (app, service,
/// what verify's report must name, why).
const BLOCKED: &[(&str, &str, &str, &str)] = &[
    (
        "gothinkster+node-express-realworld-example-app",
        "api",
        "binaries.prisma.sh cannot be resolved",
        "Prisma 4 downloads its engines from binaries.prisma.sh, unreachable here",
    ),
    (
        "shadcn-ui+taxonomy",
        "taxonomy",
        "github.com cannot be resolved",
        "sharp 0.31 downloads libvips from github.com while installing (and Prisma 4 its engines from binaries.prisma.sh), unreachable here",
    ),
    (
        "fastapi+full-stack-fastapi-template",
        "backend",
        "host-mode limitation: the image's python3 3.14 is not on this machine",
        "requires-python >=3.14: no reachable registry (PyPI, npm, Debian 12) has a Python 3.14 interpreter for host mode",
    ),
    (
        "Azure-Samples+aks-store-demo",
        "order-service",
        "registry 404: registry.npmjs.org has no rabbitmq-amqp-js-client@0.2.0",
        "its lockfile pins rabbitmq-amqp-js-client 0.2.0, for which the npm registry reached from here answers 404",
    ),
];

/// Apps whose Node, Python and Rust services are verified and shown but do
/// not fail the test yet: (app, why). None: every app is asserted.
const NOT_YET_ASSERTED: &[(&str, &str)] = &[];

/// Stacks whose images host mode builds here (their registries are reachable).
const BUILT_HERE: &[&str] = &["node", "python", "rust"];

const HEADER: &str = "| app | service | stack | port | health path | start command | migration | required variables | check findings | build | start | health | seconds |\n| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |";

fn shipshape(args: &[&str], dir: &Path) -> Output {
    shipshape_testkit::run_shipshape(env!("CARGO_BIN_EXE_shipshape"), args, dir)
}

fn on_path(program: &str) -> bool {
    std::env::var_os("PATH").is_some_and(|p| std::env::split_paths(&p).any(|d| d.join(program).is_file()))
}

/// Copies `from` into `to` (files, folders, links).
fn copy_tree(from: &Path, to: &Path) -> std::io::Result<()> {
    let meta = from.symlink_metadata()?;
    if meta.file_type().is_symlink() {
        return std::os::unix::fs::symlink(std::fs::read_link(from)?, to);
    }
    if meta.is_dir() {
        std::fs::create_dir_all(to)?;
        for entry in std::fs::read_dir(from)? {
            let entry = entry?;
            copy_tree(&entry.path(), &to.join(entry.file_name()))?;
        }
        return Ok(());
    }
    std::fs::copy(from, to).map(|_| ())
}

/// Paths of the files under `root`, relative to it.
fn files_under(root: &Path) -> Vec<String> {
    shipshape_testkit::files_under(root)
        .iter()
        .filter_map(|p| p.strip_prefix(root).ok().map(|r| r.to_string_lossy().into_owned()))
        .collect()
}

/// Delivery files an app ships, which `init` is to write anew.
fn is_delivery_file(name: &str, path: &Path) -> bool {
    let lower = name.to_ascii_lowercase();
    let yaml = lower.ends_with(".yml") || lower.ends_with(".yaml");
    lower.starts_with("dockerfile")
        || lower.ends_with(".dockerfile")
        || lower == ".dockerignore"
        || lower == ".gitlab-ci.yml"
        || (yaml
            && (lower.starts_with("docker-compose")
                || lower.starts_with("compose")
                || lower.starts_with("docker-stack")))
        || (yaml && is_kubernetes_manifest(path))
}

fn is_kubernetes_manifest(path: &Path) -> bool {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    text.lines().any(|l| l.starts_with("apiVersion:")) && text.lines().any(|l| l.starts_with("kind:"))
}

const DELIVERY_DIRS: &[&str] =
    &["k8s", "k8s-specifications", "kubernetes", "manifests", "sample-manifests", "helm", "charts", "deploy"];

/// Removes Dockerfiles, ignore files, compose files, CI workflows and
/// Kubernetes folders and manifests under `dir`.
fn strip_delivery_files(dir: &Path) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        let path = entry.path();
        let name = entry.file_name().to_string_lossy().into_owned();
        let kind = entry.file_type()?;
        if kind.is_dir() {
            let workflows = name == "workflows" && dir.file_name().is_some_and(|n| n == ".github");
            if DELIVERY_DIRS.contains(&name.as_str()) || workflows {
                std::fs::remove_dir_all(&path)?;
            } else if name == ".github" {
                let _ = std::fs::remove_file(path.join("dependabot.yml"));
                strip_delivery_files(&path)?;
            } else if name != "node_modules" && name != ".git" {
                strip_delivery_files(&path)?;
            }
        } else if kind.is_file() && is_delivery_file(&name, &path) {
            std::fs::remove_file(&path)?;
        }
    }
    Ok(())
}

/// The `value` of a detected plan field.
fn value(field: &Value) -> &Value {
    field.get("value").unwrap_or(field)
}

fn cell(text: &str) -> String {
    let one_line = text.split_whitespace().collect::<Vec<_>>().join(" ").replace('|', "\\|");
    if one_line.chars().count() > 110 {
        format!("{}…", one_line.chars().take(110).collect::<String>())
    } else {
        one_line
    }
}

/// Names of the variables a service needs: secrets, then configuration.
fn required_names(service: &Value) -> Vec<String> {
    let mut names: Vec<String> = service["secret_env"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|s| value(s).as_str().map(str::to_string))
        .collect();
    names.extend(
        service["config_env"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|c| value(c)["name"].as_str().map(str::to_string)),
    );
    names
}

/// Configuration variables the plan knows no value for.
fn empty_config(service: &Value) -> Vec<String> {
    service["config_env"]
        .as_array()
        .into_iter()
        .flatten()
        .map(value)
        .filter(|c| c["value"].as_str().is_none_or(str::is_empty))
        .filter_map(|c| c["name"].as_str().map(str::to_string))
        .collect()
}

/// Files the plan cites as evidence for a service's database variables.
fn database_evidence(root: &Path, service: &Value) -> String {
    let dir = root.join(service["dir"].as_str().unwrap_or("."));
    let mut fields: Vec<&Value> = service["secret_env"].as_array().into_iter().flatten().collect();
    fields.extend(service["migration"].as_object().map(|_| &service["migration"]));
    let mut text = String::new();
    for field in fields {
        for evidence in field["evidence"].as_array().into_iter().flatten() {
            if let Some(file) = evidence["file"].as_str() {
                text.push_str(&std::fs::read_to_string(dir.join(file)).unwrap_or_default());
            }
        }
    }
    text.to_ascii_lowercase()
}

/// The throwaway databases a service's variables ask for.
fn databases(root: &Path, service: &Value, names: &[String]) -> Vec<&'static str> {
    let upper: Vec<String> = names.iter().map(|n| n.to_ascii_uppercase()).collect();
    let mut out = Vec::new();
    let sql = upper.iter().any(|n| {
        n == "DATABASE_URL" || n.starts_with("POSTGRES") || n.starts_with("MYSQL") || n == "DB_URL" || n == "PG_URL"
    });
    if sql {
        let evidence = database_evidence(root, service);
        let mysql = upper.iter().any(|n| n.starts_with("MYSQL") || n.starts_with("MARIADB"))
            || (evidence.contains("mysql") && !evidence.contains("postgres"));
        out.push(if mysql { "mysql" } else { "postgres" });
    }
    if upper.iter().any(|n| n.contains("REDIS")) {
        out.push("redis");
    }
    out
}

/// A made-up value of the right shape for a variable, assembled at run time.
fn fake_value(name: &str) -> String {
    let upper = name.to_ascii_uppercase();
    if upper.ends_with("_URL") || upper.ends_with("_URI") {
        "http://127.0.0.1:9/".into()
    } else if upper.contains("EMAIL") || upper.ends_with("_FROM") {
        "verify@example.com".into()
    } else {
        format!("{}-{}-{}", "verify", "only", name.to_ascii_lowercase()).repeat(2)
    }
}

fn step<'a>(service: &'a Value, name: &str) -> Option<&'a Value> {
    service["steps"].as_array()?.iter().find(|s| s["name"] == name)
}

/// A step's status, and for a failure the detail and its log's last line.
fn outcome(step: &Value) -> String {
    let status = step["status"].as_str().unwrap_or("?");
    let detail = step["detail"].as_str().unwrap_or("");
    match status {
        "failed" => {
            let last = step["log_tail"]
                .as_array()
                .and_then(|lines| lines.iter().rev().filter_map(Value::as_str).find(|l| !l.trim().is_empty()))
                .unwrap_or("");
            let name = step["name"].as_str().unwrap_or("");
            let why = match detail.split_once("; cause: ") {
                Some((_, cause)) => cause,
                None if detail.starts_with("RUN ") && !last.is_empty() => last,
                None => detail,
            };
            format!("failed: {name}: {why}")
        }
        _ => format!("{status}: {detail}"),
    }
}

/// The build cell: the first failed or skipped stage, or passed.
fn build_outcome(service: &Value) -> String {
    let steps: Vec<&Value> = service["steps"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|s| s["name"].as_str().is_some_and(|n| n.starts_with("build")))
        .collect();
    if let Some(failed) = steps.iter().find(|s| s["status"] == "failed") {
        return outcome(failed);
    }
    match steps.last() {
        Some(last) if last["status"] == "passed" => {
            let skipped: Vec<String> = steps
                .iter()
                .filter(|s| s["status"] == "skipped")
                .map(|s| format!("{} ({})", s["name"].as_str().unwrap_or(""), s["detail"].as_str().unwrap_or("")))
                .collect();
            if skipped.is_empty() {
                "passed".into()
            } else {
                format!("passed; skipped {}", skipped.join(", "))
            }
        }
        // The first stage that did not pass is the cause.
        Some(_) => steps.iter().find(|s| s["status"] != "passed").map_or_else(String::new, |s| outcome(s)),
        None => "skipped: no build step".into(),
    }
}

fn health_outcome(service: &Value) -> String {
    if let Some(stayed) = step(service, "stayed-up") {
        return outcome(stayed);
    }
    match (step(service, "readiness"), step(service, "port")) {
        (Some(readiness), _) if readiness["status"] != "skipped" => outcome(readiness),
        (_, Some(port)) => outcome(port),
        _ => "skipped: not started".into(),
    }
}

/// It answered over TCP or, for a worker (no port), stayed up.
fn answered(service: &Value) -> bool {
    ["port", "stayed-up"].iter().any(|name| step(service, name).is_some_and(|s| s["status"] == "passed"))
        && step(service, "readiness").is_none_or(|s| s["status"] != "failed")
        && !service["steps"].as_array().into_iter().flatten().any(|s| s["status"] == "failed")
}

/// Runs verify on one service; its JSON report's service entry.
fn verify_service(root: &Path, service: &Value) -> Value {
    let name = service["name"].as_str().unwrap_or_default();
    let names = required_names(service);
    let dbs = databases(root, service, &names);
    let mut args: Vec<String> =
        ["verify", ".", "--mode", "host", "--format", "json", "--timeout", "120", "--service", name]
            .iter()
            .map(|s| s.to_string())
            .collect();
    for db in &dbs {
        args.extend(["--with".into(), db.to_string()]);
    }
    let given_by_database = |n: &str| {
        let upper = n.to_ascii_uppercase();
        (!dbs.is_empty() && (upper == "DATABASE_URL" || upper == "DB_URL" || upper == "PG_URL"))
            || (dbs.contains(&"redis") && upper.contains("REDIS"))
    };
    let mut secrets: Vec<String> = service["secret_env"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|s| value(s).as_str().map(str::to_string))
        .collect();
    secrets.extend(empty_config(service));
    for secret in secrets.iter().filter(|n| !given_by_database(n)) {
        args.extend(["--env".into(), format!("{secret}={}", fake_value(secret))]);
    }
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let output = shipshape(&args, root);
    let report: Value = serde_json::from_slice(&output.stdout).unwrap_or_else(|_| {
        serde_json::json!({"services": [{"name": name, "steps": [{"name": "verify", "status": "failed",
            "detail": String::from_utf8_lossy(&output.stderr).trim().to_string(), "log_tail": []}]}]})
    });
    report["services"][0].clone()
}

/// Plans, writes, checks and (for Node, Python and Rust) verifies the kit of
/// one app; prints its rows and fails on what the kit got wrong.
fn run_app(app: &str) {
    let Some(apps) = shipshape_testkit::shared_apps() else { return };
    let have_tools = on_path("bwrap") && on_path("node") && on_path("python3") && on_path("cargo");
    assert!(have_tools || std::env::var_os("CI").is_none(), "bwrap, node, python3 or cargo is missing in CI");
    let started = Instant::now();
    let work = tempfile::tempdir().expect("temp dir");
    let root = work.path().join(app);
    copy_tree(&apps.join(app), &root).expect("copy the app");
    strip_delivery_files(&root).expect("remove the app's delivery files");

    let mut rows = Vec::new();
    let mut problems = Vec::new();
    let plan = shipshape(&["plan", "."], &root);
    let plan: Value = match serde_json::from_slice(&plan.stdout) {
        Ok(plan) if has_services(&plan) => plan,
        _ => {
            let reason = String::from_utf8_lossy(&plan.stderr).lines().next().unwrap_or("").to_string();
            rows.push(format!(
                "| {app} | — | — | — | — | — | — | — | — | skipped | skipped | skipped: {} | {} |",
                cell(&reason),
                started.elapsed().as_secs()
            ));
            print_rows(app, &rows);
            return;
        }
    };
    let before = files_under(&root);
    let init = shipshape(&["init", "."], &root);
    assert_eq!(init.status.code(), Some(0), "{app}: init failed: {}", String::from_utf8_lossy(&init.stderr));
    let written: Vec<String> = files_under(&root).into_iter().filter(|f| !before.contains(f)).collect();
    let check = shipshape(&["check", ".", "--format", "json"], &root);
    let findings: Value = serde_json::from_slice(&check.stdout).unwrap_or_default();
    // The app's own files may hold findings; the kit's must not.
    let findings: Vec<Value> = findings["findings"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|f| f["path"].as_str().is_some_and(|p| written.iter().any(|w| w == p)))
        .cloned()
        .collect();
    if !findings.is_empty() {
        problems.push(format!("{app}: check found {} finding(s): {}", findings.len(), Value::Array(findings.clone())));
    }
    problems.extend(plain_http_literals(&root, &plan, &written));
    for service in plan["services"].as_array().into_iter().flatten() {
        let service_started = Instant::now();
        let name = service["name"].as_str().unwrap_or("?");
        let stack = value(&service["stack"]).as_str().unwrap_or("?");
        let worker = service["worker"].is_object();
        let port = if worker { "none (worker)".to_string() } else { value(&service["port"]).to_string() };
        let health = match value(&service["health_path"]).as_str() {
            _ if worker => "stays up".to_string(),
            Some(path) => path.to_string(),
            None => "TCP".to_string(),
        };
        let start: Vec<&str> =
            value(&service["start_command"]).as_array().into_iter().flatten().filter_map(Value::as_str).collect();
        let migration = service["migration"]
            .as_object()
            .map(|_| value(&service["migration"])["tool"].as_str().unwrap_or("?").to_string())
            .unwrap_or_else(|| "none".into());
        let required = required_names(service).len();
        let (build, start_cell, health_cell) = if !BUILT_HERE.contains(&stack) {
            let why = format!("skipped: {stack} is not built here (its registry is unreachable)");
            (why, "skipped".to_string(), "skipped".to_string())
        } else if !have_tools {
            let why = "skipped: bwrap, node, python3 or cargo missing".to_string();
            (why, "skipped".to_string(), "skipped".to_string())
        } else {
            let report = verify_service(&root, service);
            let blocked = BLOCKED.iter().find(|(a, s, _, _)| *a == app && *s == name);
            let text = report.to_string();
            match blocked {
                _ if answered(&report) => {}
                Some((_, _, needle, _)) if text.contains(needle) => {}
                Some((_, _, needle, why)) => problems.push(format!(
                    "{app}/{name}: blocked by this machine ({why}), but verify's report does not name `{needle}`: {text}"
                )),
                None if NOT_YET_ASSERTED.iter().any(|(a, _)| *a == app) => {}
                None => problems.push(format!(
                    "{app}/{name}: did not build, start and answer: {}",
                    serde_json::to_string_pretty(&report).unwrap_or_default()
                )),
            }
            let note =
                blocked.filter(|_| !answered(&report)).map(|(_, _, _, why)| format!(" — **blocked here**: {why}"));
            let start = step(&report, "start").map(outcome).unwrap_or_default();
            (
                cell(&build_outcome(&report)),
                cell(&start),
                format!("{}{}", cell(&health_outcome(&report)), note.unwrap_or_default()),
            )
        };
        rows.push(format!(
            "| {app} | {name} | {stack} | {port} | {} | `{}` | {migration} | {required} | {} | {} | {} | {} | {} |",
            cell(&health),
            cell(&start.join(" ")),
            findings.len(),
            build,
            start_cell,
            health_cell,
            service_started.elapsed().as_secs()
        ));
    }
    print_rows(app, &rows);
    assert!(problems.is_empty(), "{}", problems.join("\n\n"));
}

/// When the app's build runs nohttp, the `http://` literals the kit wrote
/// outside nohttp's allowlist (loopback hosts), which would fail the build.
fn plain_http_literals(root: &Path, plan: &Value, written: &[String]) -> Vec<String> {
    let nohttp = plan["services"].as_array().into_iter().flatten().any(|s| s["nohttp"].is_object());
    if !nohttp {
        return Vec::new();
    }
    let url = regex::Regex::new(r"http://[^\s\x22'`)>\]]*").expect("regex");
    let mut out = Vec::new();
    for file in written {
        let text = std::fs::read_to_string(root.join(file)).unwrap_or_default();
        for found in url.find_iter(&text) {
            if !["http://localhost", "http://127.0.0.1"].iter().any(|a| found.as_str().starts_with(a)) {
                out.push(format!("{file}: `{}` would fail the app's nohttp check", found.as_str()));
            }
        }
    }
    out
}

fn has_services(plan: &Value) -> bool {
    plan["services"].as_array().is_some_and(|s| !s.is_empty())
}

fn print_rows(app: &str, rows: &[String]) {
    eprintln!("{HEADER}\n{}", rows.join("\n"));
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("apps-table");
    if std::fs::create_dir_all(&dir).is_ok() {
        let _ = std::fs::write(dir.join(format!("{app}.md")), rows.join("\n") + "\n");
    }
}

macro_rules! apps {
    ($($test:ident => $app:literal,)*) => {
        $(
            #[test]
            fn $test() {
                run_app($app);
            }
        )*
    };
}

apps! {
    app_node_express_realworld => "gothinkster+node-express-realworld-example-app",
    app_taxonomy => "shadcn-ui+taxonomy",
    app_full_stack_fastapi => "fastapi+full-stack-fastapi-template",
    app_golang_gin_realworld => "gothinkster+golang-gin-realworld-example-app",
    app_realworld_axum_sqlx => "launchbadge+realworld-axum-sqlx",
    app_spring_petclinic => "spring-projects+spring-petclinic",
    app_aspnetcore_realworld => "gothinkster+aspnetcore-realworld-example-app",
    app_rails_realworld => "gothinkster+rails-realworld-example-app",
    app_laravel_realworld => "gothinkster+laravel-realworld-example-app",
    app_aks_store_demo => "Azure-Samples+aks-store-demo",
    app_example_voting_app => "dockersamples+example-voting-app",
    app_spring_petclinic_microservices => "spring-petclinic+spring-petclinic-microservices",
}
