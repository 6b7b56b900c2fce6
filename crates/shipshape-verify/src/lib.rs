//! `shipshape verify`: builds each service's image from the kit `init`
//! wrote and runs it the way the kit's manifests run it (non-root user,
//! read-only root, only the `emptyDir` mounts, the ConfigMap's
//! environment), then waits for its port, requests its readiness path and
//! runs its `HEALTHCHECK`.
//!
//! With a Docker engine it uses `docker build` / `docker run`; without one
//! a host mode replays the Dockerfile in bubblewrap sandboxes ([`host`]).

pub mod db;
pub mod docker;
pub mod host;
pub mod kit;
pub mod probe;
pub mod recipe;
pub mod report;
pub mod sandbox;

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub use report::{Report, ServiceReport, Status, Step};

#[derive(Debug, thiserror::Error)]
pub enum VerifyError {
    #[error("{0}")]
    Plan(String),
    #[error("{path}: {message}")]
    Manifest { path: String, message: String },
    #[error("{0}: {1}")]
    Io(String, #[source] std::io::Error),
    #[error("database: {0}")]
    Database(String),
    #[error("no service named `{0}` in the plan (services: {1})")]
    NoSuchService(String, String),
    #[error("host mode needs bubblewrap (`bwrap`), which is not installed: apt-get install -y bubblewrap")]
    NoBubblewrap,
    #[error("--mode docker: no Docker engine answers `docker info`")]
    NoDocker,
    #[error("{0}")]
    Usage(String),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Mode {
    #[default]
    Auto,
    Docker,
    Host,
}

#[derive(Debug, Clone)]
pub struct Options {
    pub service: Option<String>,
    /// `--env` and `--env-file` values: secrets, never printed.
    pub env: Vec<(String, String)>,
    pub with: Vec<db::Engine>,
    pub mode: Mode,
    /// How long to wait for the port and the readiness path.
    pub timeout: Duration,
}

impl Default for Options {
    fn default() -> Self {
        Self { service: None, env: Vec::new(), with: Vec::new(), mode: Mode::Auto, timeout: Duration::from_secs(60) }
    }
}

/// `KEY=VALUE` lines of an env file (`#` comments, `export`, quotes).
pub fn parse_env_file(text: &str) -> Result<Vec<(String, String)>, String> {
    let mut out = Vec::new();
    for (index, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let line = line.strip_prefix("export ").unwrap_or(line);
        let (key, value) = line.split_once('=').ok_or_else(|| format!("line {}: expected KEY=VALUE", index + 1))?;
        let value = value.trim();
        let unquoted =
            ['"', '\''].iter().find_map(|q| value.strip_prefix(*q).and_then(|v| v.strip_suffix(*q))).unwrap_or(value);
        out.push((key.trim().to_string(), unquoted.to_string()));
    }
    Ok(out)
}

/// Verifies the kit at `root`.
pub fn verify(root: &Path, options: &Options) -> Result<Report, VerifyError> {
    let mut kits = kit::read(root)?;
    // In the namespace every service of the kit has a Service of its name.
    let peers: Vec<String> = kits.iter().filter(|k| !k.worker).map(|k| k.name.clone()).collect();
    if let Some(name) = &options.service {
        let names: Vec<String> = kits.iter().map(|k| k.name.clone()).collect();
        kits.retain(|k| k.name == *name);
        if kits.is_empty() {
            return Err(VerifyError::NoSuchService(name.clone(), names.join(", ")));
        }
    }
    let mode = match options.mode {
        Mode::Docker if !docker::available() => return Err(VerifyError::NoDocker),
        Mode::Auto if docker::available() => Mode::Docker,
        Mode::Auto | Mode::Host => Mode::Host,
        Mode::Docker => Mode::Docker,
    };
    if mode == Mode::Host && host::on_path("bwrap").is_none() {
        return Err(VerifyError::NoBubblewrap);
    }
    let mut databases = Vec::new();
    for engine in &options.with {
        databases.push(db::start(*engine)?);
    }
    let tools = if mode == Mode::Host { host::HostTools::discover() } else { host::HostTools::default() };
    let secrets: Vec<String> = options.env.iter().map(|(_, v)| v.clone()).collect();
    let mut services = Vec::new();
    for kit in &kits {
        let mut names: Vec<String> = kit.secret_env.clone();
        names.extend(kit.config_env.iter().map(|(k, _)| k.clone()));
        let mut env = kit.config_env.clone();
        for database in &databases {
            set(&mut env, database.engine.variable(&names), database.url.clone());
        }
        for (key, value) in &options.env {
            set(&mut env, key.clone(), value.clone());
        }
        let missing: Vec<&str> =
            kit.secret_env.iter().filter(|s| !env.iter().any(|(k, _)| k == *s)).map(String::as_str).collect();
        let mut report = match mode {
            Mode::Docker => run_docker(kit, &env, !databases.is_empty(), options.timeout, &secrets, &peers),
            _ => run_host(kit, &env, &tools, options.timeout, &secrets, &peers),
        };
        if !missing.is_empty() {
            report
                .not_emulated
                .push(format!("secrets not given (pass them with --env or --env-file): {}", missing.join(", ")));
        }
        let mut seen = std::collections::HashSet::new();
        report.not_emulated.retain(|note| seen.insert(note.clone()));
        services.push(report);
    }
    drop(databases);
    Ok(Report { version: report::REPORT_VERSION, services })
}

fn set(env: &mut Vec<(String, String)>, key: String, value: String) {
    env.retain(|(k, _)| *k != key);
    env.push((key, value));
}

fn read_log(path: &Path, secrets: &[String]) -> Vec<String> {
    report::tail(&std::fs::read_to_string(path).unwrap_or_default(), secrets)
}

/// Waits for the port, then the readiness path; the steps they make.
fn probe_steps(
    port: u16,
    path: Option<&str>,
    timeout: Duration,
    exited: &mut dyn FnMut() -> Option<String>,
    log: &dyn Fn() -> Vec<String>,
) -> Vec<Step> {
    let started = Instant::now();
    let deadline = started + timeout;
    let mut steps = Vec::new();
    loop {
        if probe::port_open(port) {
            steps.push(Step::passed(
                "port",
                format!("127.0.0.1:{port} accepted a connection after {}s", started.elapsed().as_secs()),
            ));
            break;
        }
        if let Some(status) = exited() {
            steps.push(Step::failed("port", format!("the app exited ({status}) before opening port {port}"), log()));
            return steps;
        }
        if Instant::now() > deadline {
            steps.push(Step::failed(
                "port",
                format!("nothing listened on 127.0.0.1:{port} within {}s", timeout.as_secs()),
                log(),
            ));
            return steps;
        }
        std::thread::sleep(Duration::from_millis(250));
    }
    let Some(path) = path else {
        steps.push(Step::skipped("readiness", "the readiness probe is a TCP probe"));
        return steps;
    };
    loop {
        let last = match probe::http_get(port, path) {
            Ok(code) if code < 400 => {
                steps.push(Step::passed("readiness", format!("GET {path} answered {code}")));
                return steps;
            }
            Ok(code) => format!("GET {path} answered {code}"),
            Err(e) => format!("GET {path}: {e}"),
        };
        if Instant::now() > deadline || exited().is_some() {
            steps.push(Step::failed("readiness", last, log()));
            return steps;
        }
        std::thread::sleep(Duration::from_millis(500));
    }
}

fn run_host(
    kit: &kit::ServiceKit,
    env: &[(String, String)],
    tools: &host::HostTools,
    timeout: Duration,
    secrets: &[String],
    peers: &[String],
) -> ServiceReport {
    let mut report =
        ServiceReport { name: kit.name.clone(), mode: "host".into(), steps: Vec::new(), not_emulated: Vec::new() };
    report.not_emulated.push(format!("architecture: the host's ({}) only", std::env::consts::ARCH));
    let text = match std::fs::read_to_string(&kit.dockerfile) {
        Ok(text) => text,
        Err(e) => {
            report.steps.push(Step::failed("build", format!("{}: {e}", kit.dockerfile.display()), Vec::new()));
            return report;
        }
    };
    let recipe = recipe::translate(&shipshape_dockerfile::parse(&text), &[]);
    let Some(last) = recipe.final_stage() else {
        report.steps.push(Step::failed("build", "the Dockerfile has no stage", Vec::new()));
        return report;
    };
    let work = match tempfile::Builder::new().prefix("shipshape-verify-").tempdir() {
        Ok(dir) => dir,
        Err(e) => {
            report.steps.push(Step::failed("build", format!("temporary folder: {e}"), Vec::new()));
            return report;
        }
    };
    let ignore_file = host::ignore_file(&kit.dockerfile, &kit.context);
    let mut build = host::HostBuild::new(&recipe, &kit.context, &ignore_file, work.path(), tools);
    build.build_all();
    let mut final_built = false;
    for index in recipe.needed_stages() {
        let Some(stage) = recipe.stages.get(index) else { continue };
        let name = format!("build:{}", stage.label());
        match build.outcomes.get(index).cloned().flatten() {
            Some(host::StageOutcome::Built { notes }) => {
                report.steps.push(Step::passed(&name, "replayed on the host"));
                report.not_emulated.extend(notes);
                final_built |= index == last.index;
            }
            Some(host::StageOutcome::Skipped(reason)) => report.steps.push(Step::skipped(&name, reason)),
            Some(host::StageOutcome::NotEmulated { detail, log }) => report.steps.push(Step {
                log_tail: report::tail(&log, secrets),
                ..Step::skipped(&name, report::mask(&detail, secrets))
            }),
            Some(host::StageOutcome::Failed { detail, log }) => {
                let detail = report::with_network_cause(&detail, &log);
                report.steps.push(Step::failed(&name, report::mask(&detail, secrets), report::tail(&log, secrets)))
            }
            None => {}
        }
    }
    if !final_built {
        report.steps.push(Step::skipped("start", "the final stage was not built"));
        report.steps.push(Step::skipped("port", "the app did not start"));
        return report;
    }
    let (uid, gid) = match (kit.uid, host::parse_user(&last.user)) {
        (Some(uid), parsed) => (uid, kit.gid.or(parsed.map(|p| p.1)).unwrap_or(uid)),
        (None, Some(parsed)) => (parsed.0, kit.gid.unwrap_or(parsed.1)),
        (None, None) => {
            report.not_emulated.push(format!("USER {}: names are not resolved; ran as 65534", last.user));
            (65534, 65534)
        }
    };
    let spec = host::RunSpec {
        uid,
        gid,
        read_only_root: kit.read_only_root,
        writable: kit.writable.clone(),
        env: env.to_vec(),
    };
    let mut command = last.command.clone();
    let mut healthcheck = last.healthcheck.clone().unwrap_or_default();
    if command.is_empty() {
        report.steps.push(Step::failed("start", "the final stage has no ENTRYPOINT or CMD", Vec::new()));
        return report;
    }
    let (sandbox, mut binds) = host::runtime_sandbox(&build, last, &spec, &mut [&mut command, &mut healthcheck]);
    if let Some(note) = nginx_stand_in(&build, last, work.path(), &mut binds) {
        report.not_emulated.push(note);
    }
    let others = other_services(kit, peers);
    if !others.is_empty() {
        let hosts = work.path().join("hosts");
        let mut text = std::fs::read_to_string("/etc/hosts").unwrap_or_else(|_| "127.0.0.1 localhost\n".into());
        text.push_str(&format!("127.0.0.1 {}\n", others.join(" ")));
        if std::fs::write(&hosts, text).is_ok() {
            binds.push(sandbox::Bind { source: hosts, dest: "/etc/hosts".into(), writable: false });
            report.not_emulated.push(peers_note(&others));
        }
    }
    if !kit.worker && probe::port_open(kit.port) {
        report.steps.push(Step::failed(
            "start",
            format!("port {} is already in use on this machine; stop what listens there", kit.port),
            Vec::new(),
        ));
        return report;
    }
    let log = work.path().join("logs/app.log");
    let mut child = match host::spawn(&sandbox, &binds, &command, &log) {
        Ok(child) => child,
        Err(e) => {
            report.steps.push(Step::failed("start", e.to_string(), Vec::new()));
            return report;
        }
    };
    let root_state = if kit.read_only_root { "read-only root" } else { "writable root" };
    report.steps.push(Step::passed(
        "start",
        format!(
            "`{}` as {uid}:{gid}, {root_state}, writable: {}",
            report::mask(&command.join(" "), secrets),
            if kit.writable.is_empty() { "none".to_string() } else { kit.writable.join(", ") }
        ),
    ));
    if kit.worker {
        let step = stay_up_step(timeout, &mut || child_exit(&mut child), &|| read_log(&log, secrets));
        report.steps.push(step);
        report.steps.push(Step::skipped("healthcheck", "a worker has no HEALTHCHECK"));
        host::stop(&mut child);
        return report;
    }
    let mut exited = || child_exited(&mut child);
    let steps = probe_steps(kit.port, kit.readiness_path.as_deref(), timeout, &mut exited, &|| read_log(&log, secrets));
    let answered = steps.iter().any(|s| s.name == "port" && s.status == Status::Passed);
    report.steps.extend(steps);
    report.steps.extend(site_step(&command, kit.port, answered, &|| read_log(&log, secrets)));
    report.steps.push(if !answered {
        Step::skipped("healthcheck", "the app is not listening")
    } else if healthcheck.is_empty() {
        Step::skipped("healthcheck", "the image has no HEALTHCHECK")
    } else {
        host_healthcheck(&sandbox, &binds, &healthcheck, work.path(), secrets, &build, last)
    });
    host::stop(&mut child);
    report
}

/// A static site served by nginx must answer its index page too, not only
/// the health location of its configuration.
fn site_step(command: &[String], port: u16, answered: bool, log: &dyn Fn() -> Vec<String>) -> Option<Step> {
    let serves_site = command.first().is_some_and(|program| program.rsplit('/').next() == Some("nginx"));
    if !serves_site || !answered {
        return None;
    }
    Some(match probe::http_get(port, "/") {
        Ok(code) if code < 400 => Step::passed("site", format!("GET / answered {code}")),
        Ok(code) => Step::failed("site", format!("GET / answered {code}"), log()),
        Err(e) => Step::failed("site", format!("GET /: {e}"), log()),
    })
}

/// How long a worker must run without exiting non-zero.
pub const WORKER_STAY_UP: Duration = Duration::from_secs(15);

/// How a process ended: whether it succeeded, and its status in words.
type Exit = (bool, String);

/// A worker listens on nothing, so it is proven by running: it must not
/// exit non-zero within [`WORKER_STAY_UP`] (or `timeout`, when shorter).
fn stay_up_step(timeout: Duration, exit: &mut dyn FnMut() -> Option<Exit>, log: &dyn Fn() -> Vec<String>) -> Step {
    let window = WORKER_STAY_UP.min(timeout);
    let started = Instant::now();
    loop {
        match exit() {
            Some((true, status)) => {
                return Step::passed(
                    report::STAYED_UP,
                    format!(
                        "a worker (no port): it finished ({status}) after {}s without an error; a Deployment restarts it, so a one-off task belongs in a Job",
                        started.elapsed().as_secs()
                    ),
                )
            }
            Some((false, status)) => {
                return Step::failed(
                    report::STAYED_UP,
                    format!("a worker (no port): it exited ({status}) after {}s", started.elapsed().as_secs()),
                    log(),
                )
            }
            None if started.elapsed() >= window => {
                return Step::passed(
                    report::STAYED_UP,
                    format!(
                        "a worker (no port, nothing to request): it started and stayed up for {}s without exiting",
                        window.as_secs()
                    ),
                )
            }
            None => std::thread::sleep(Duration::from_millis(250)),
        }
    }
}

fn child_exit(child: &mut Child) -> Option<Exit> {
    match child.try_wait() {
        Ok(Some(status)) => Some((status.success(), status.to_string())),
        _ => None,
    }
}

fn child_exited(child: &mut Child) -> Option<String> {
    match child.try_wait() {
        Ok(Some(status)) => Some(status.to_string()),
        _ => None,
    }
}

fn host_healthcheck(
    sandbox: &sandbox::Sandbox,
    binds: &[sandbox::Bind],
    argv: &[String],
    work: &Path,
    secrets: &[String],
    build: &host::HostBuild<'_>,
    stage: &recipe::Stage,
) -> Step {
    let Some(program) = argv.first() else { return Step::skipped("healthcheck", "empty HEALTHCHECK") };
    if program.starts_with('/') {
        let inside = build.stage_root(stage.index).join(program.trim_start_matches('/'));
        let provided = binds.iter().any(|b| b.dest == *program) || Path::new(program).is_file();
        if !inside.is_file() && !provided {
            let reason = recipe_origin(build, stage, program)
                .map(|s| format!("{program} comes from stage `{s}`, which was not built here"))
                .unwrap_or_else(|| format!("{program} is not in the image"));
            return Step::skipped("healthcheck", reason);
        }
    }
    let log = work.join("logs/healthcheck.log");
    let mut child = match host::spawn(sandbox, binds, argv, &log) {
        Ok(child) => child,
        Err(e) => return Step::failed("healthcheck", e.to_string(), Vec::new()),
    };
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        match child.try_wait() {
            Ok(Some(status)) if status.success() => {
                return Step::passed("healthcheck", format!("`{}` exited 0", report::mask(&argv.join(" "), secrets)))
            }
            Ok(Some(status)) => {
                return Step::failed("healthcheck", format!("exited with {status}"), read_log(&log, secrets))
            }
            Ok(None) if Instant::now() > deadline => {
                host::stop(&mut child);
                return Step::failed("healthcheck", "did not finish within 30s", read_log(&log, secrets));
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(100)),
            Err(e) => return Step::failed("healthcheck", e.to_string(), Vec::new()),
        }
    }
}

/// The stage a file of the final stage was copied from, when that stage was not built.
fn recipe_origin(build: &host::HostBuild<'_>, stage: &recipe::Stage, path: &str) -> Option<String> {
    stage.ops.iter().find_map(|op| match op {
        recipe::Op::Copy { from: recipe::Source::Stage(i), dest, .. }
            if recipe::normalize(dest) == path || path.starts_with(dest.as_str()) =>
        {
            let built = matches!(build.outcomes.get(*i), Some(Some(host::StageOutcome::Built { .. })));
            (!built).then(|| build.recipe.stages.get(*i).map(recipe::Stage::label)).flatten()
        }
        _ => None,
    })
}

/// The main configuration of the official nginx images, whose
/// `conf.d/*.conf` an app's server block is copied into: the unprivileged
/// image's (pid and temporary files under /tmp), logging to the console.
const NGINX_IMAGE_CONFIG: &str = "worker_processes auto;
pid /tmp/nginx.pid;
error_log stderr notice;
events {
    worker_connections 1024;
}
http {
    proxy_temp_path /tmp/proxy_temp;
    client_body_temp_path /tmp/client_temp;
    fastcgi_temp_path /tmp/fastcgi_temp;
    uwsgi_temp_path /tmp/uwsgi_temp;
    scgi_temp_path /tmp/scgi_temp;
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    access_log /dev/stdout;
    sendfile on;
    keepalive_timeout 65;
    include /etc/nginx/conf.d/*.conf;
}
";

/// An official nginx base image brings its own `/etc/nginx/nginx.conf`; the
/// host's (Debian's) would load other sites and write under /var. When the
/// stage does not write its own, the image's stands in.
fn nginx_stand_in(
    build: &host::HostBuild<'_>,
    stage: &recipe::Stage,
    work: &Path,
    binds: &mut Vec<sandbox::Bind>,
) -> Option<String> {
    let mut base = stage;
    while let recipe::Base::Stage(parent) = base.base {
        base = build.recipe.stages.get(parent)?;
    }
    let recipe::Base::Image(image) = &base.base else { return None };
    let official =
        ["nginx:", "nginxinc/nginx-unprivileged:", "docker.io/library/nginx:", "nginxinc/nginx-unprivileged@"];
    if !official.iter().any(|prefix| image.starts_with(prefix)) {
        return None;
    }
    if build.stage_root(stage.index).join("etc/nginx/nginx.conf").is_file() {
        return None;
    }
    let file = work.join("nginx.conf");
    std::fs::write(&file, NGINX_IMAGE_CONFIG).ok()?;
    binds.push(sandbox::Bind { source: file, dest: "/etc/nginx/nginx.conf".into(), writable: false });
    Some(format!(
        "base image `{image}`: its /etc/nginx/nginx.conf is stood in for by the official image's (conf.d/*.conf, temporary files under /tmp)"
    ))
}

/// The kit's other services, which the app may name as hosts.
fn other_services(kit: &kit::ServiceKit, peers: &[String]) -> Vec<String> {
    peers.iter().filter(|p| **p != kit.name).cloned().collect()
}

fn peers_note(others: &[String]) -> String {
    format!(
        "the kit's other services ({}) resolve to 127.0.0.1, as their Services would in the namespace; they are not started",
        others.join(", ")
    )
}

fn run_docker(
    kit: &kit::ServiceKit,
    env: &[(String, String)],
    host_network: bool,
    timeout: Duration,
    secrets: &[String],
    peers: &[String],
) -> ServiceReport {
    let mut report =
        ServiceReport { name: kit.name.clone(), mode: "docker".into(), steps: Vec::new(), not_emulated: Vec::new() };
    let work = match tempfile::Builder::new().prefix("shipshape-verify-").tempdir() {
        Ok(dir) => dir,
        Err(e) => {
            report.steps.push(Step::failed("build", format!("temporary folder: {e}"), Vec::new()));
            return report;
        }
    };
    let log = work.path().join("build.log");
    let status =
        logged(Command::new("docker").args(docker::build_args(&kit.name, &kit.dockerfile, &kit.context)), &log);
    match status {
        Ok(true) => report.steps.push(Step::passed("build", format!("docker build {}", docker::image_tag(&kit.name)))),
        Ok(false) => {
            let text = std::fs::read_to_string(&log).unwrap_or_default();
            let detail = report::with_network_cause("docker build failed", &text);
            report.steps.push(Step::failed("build", detail, read_log(&log, secrets)));
            return report;
        }
        Err(e) => {
            report.steps.push(Step::failed("build", format!("docker: {e}"), Vec::new()));
            return report;
        }
    }
    let container = format!("shipshape-verify-{}-{}", kit.name, std::process::id());
    let options = docker::RunOptions {
        container: &container,
        uid: kit.uid,
        gid: kit.gid,
        read_only_root: kit.read_only_root,
        writable: &kit.writable,
        env_names: env.iter().map(|(k, _)| k.as_str()).collect(),
        port: (!kit.worker).then_some(kit.port),
        host_network,
        hosts: other_services(kit, peers),
    };
    if !options.hosts.is_empty() {
        report.not_emulated.push(peers_note(&options.hosts));
    }
    let mut run = Command::new("docker");
    run.args(docker::run_args(&kit.name, &options)).envs(env.iter().map(|(k, v)| (k.as_str(), v.as_str())));
    let run_log = work.path().join("run.log");
    match logged(&mut run, &run_log) {
        Ok(true) => report.steps.push(Step::passed("start", format!("docker run {container}"))),
        _ => {
            report.steps.push(Step::failed("start", "docker run failed", read_log(&run_log, secrets)));
            return report;
        }
    }
    let app_log = work.path().join("app.log");
    let capture = || {
        let _ = logged(Command::new("docker").args(["logs", &container]), &app_log);
        read_log(&app_log, secrets)
    };
    if kit.worker {
        let mut exit = || {
            let out = Command::new("docker")
                .args(["inspect", "--format", "{{.State.Running}} {{.State.ExitCode}}", &container])
                .output()
                .ok()?;
            let state = String::from_utf8_lossy(&out.stdout).trim().to_string();
            let code = state.strip_prefix("false ")?;
            Some((code == "0", format!("exit status: {code}")))
        };
        report.steps.push(stay_up_step(timeout, &mut exit, &capture));
        report.steps.push(Step::skipped("healthcheck", "a worker has no HEALTHCHECK"));
        let _ = Command::new("docker")
            .args(["rm", "--force", &container])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status();
        return report;
    }
    let mut exited = || {
        let out =
            Command::new("docker").args(["inspect", "--format", "{{.State.Running}}", &container]).output().ok()?;
        (String::from_utf8_lossy(&out.stdout).trim() == "false").then(|| "container stopped".to_string())
    };
    let steps = probe_steps(kit.port, kit.readiness_path.as_deref(), timeout, &mut exited, &capture);
    let answered = steps.iter().any(|s| s.name == "port" && s.status == Status::Passed);
    report.steps.extend(steps);
    let healthcheck = std::fs::read_to_string(&kit.dockerfile).ok().and_then(|t| {
        recipe::translate(&shipshape_dockerfile::parse(&t), &[]).final_stage().and_then(|s| s.healthcheck.clone())
    });
    report.steps.push(match (answered, healthcheck) {
        (false, _) => Step::skipped("healthcheck", "the app is not listening"),
        (true, None) => Step::skipped("healthcheck", "the image has no HEALTHCHECK"),
        (true, Some(argv)) => {
            let log = work.path().join("healthcheck.log");
            match logged(Command::new("docker").args(docker::exec_args(&container, &argv)), &log) {
                Ok(true) => Step::passed("healthcheck", "exited 0"),
                _ => Step::failed("healthcheck", "the HEALTHCHECK command failed", read_log(&log, secrets)),
            }
        }
    });
    let _ =
        Command::new("docker").args(["rm", "--force", &container]).stdout(Stdio::null()).stderr(Stdio::null()).status();
    report
}

fn logged(command: &mut Command, log: &PathBuf) -> std::io::Result<bool> {
    let file = std::fs::File::create(log)?;
    let err = file.try_clone()?;
    Ok(command.stdin(Stdio::null()).stdout(file).stderr(err).status()?.success())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn env_files() {
        let parsed = parse_env_file("# c\nexport A=1\nB=\"two words\"\n\nC='x=y'\n");
        assert_eq!(
            parsed,
            Ok(vec![("A".into(), "1".into()), ("B".into(), "two words".into()), ("C".into(), "x=y".into())])
        );
        assert!(parse_env_file("nope").is_err());
    }
}
