//! The Dockerfile and .dockerignore of a service, from a small Dockerfile
//! AST and its printer.

use std::fmt::Write as _;

use super::{GeneratedFile, KIT_MARKER};
use crate::plan::{CachedCommand, Plan, ServicePlan, Stack};

/// The static probe: a tiny Go program built in its own stage, for runtime
/// images with no shell or interpreter to run a health check with.
const PROBE_SOURCE: &[&str] = &[
    "package main",
    "import (\"net\"; \"net/http\"; \"os\"; \"strings\"; \"time\")",
    "func main() {",
    "\tif len(os.Args) != 2 { os.Exit(2) }",
    "\tif addr, ok := strings.CutPrefix(os.Args[1], \"tcp://\"); ok {",
    "\t\tc, err := net.DialTimeout(\"tcp\", addr, 3*time.Second)",
    "\t\tif err != nil { os.Exit(1) }",
    "\t\t_ = c.Close()",
    "\t\treturn",
    "\t}",
    "\tr, err := (&http.Client{Timeout: 3 * time.Second}).Get(os.Args[1])",
    "\tif err != nil || r.StatusCode >= 400 { os.Exit(1) }",
    "}",
];
/// Why the bases carry tags, not digests: init resolves nothing over the network.
const DIGEST_REASON: &str =
    "init works offline; pin digests with Renovate (pinDigests) or `docker buildx imagetools inspect`";

/// One Dockerfile instruction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Instruction {
    Comment(String),
    Blank,
    From {
        image: String,
        stage: Option<String>,
    },
    Env(Vec<(String, String)>),
    /// `ARG NAME=default`, one per line.
    Arg(Vec<(String, String)>),
    Label(Vec<(String, String)>),
    Workdir(String),
    Copy {
        from: Option<String>,
        chown: Option<String>,
        sources: Vec<String>,
        dest: String,
    },
    Run {
        mounts: Vec<String>,
        commands: Vec<String>,
    },
    User(String),
    Expose(u16),
    Healthcheck {
        interval: &'static str,
        timeout: &'static str,
        start_period: &'static str,
        retries: u8,
        command: Vec<String>,
    },
    /// `HEALTHCHECK NONE`: a worker has nothing to probe.
    HealthcheckNone,
    Entrypoint(Vec<String>),
}

fn json_array(words: &[String]) -> String {
    let quoted: Vec<String> =
        words.iter().map(|w| serde_json::to_string(w).unwrap_or_else(|_| "\"\"".to_string())).collect();
    format!("[{}]", quoted.join(", "))
}

/// Quotes an `ENV`/`LABEL` value when it needs it.
fn env_value(value: &str) -> String {
    if !value.is_empty() && value.chars().all(|c| c.is_ascii_alphanumeric() || "-_./:,+=@%".contains(c)) {
        value.to_string()
    } else {
        format!("\"{}\"", value.replace('\\', "\\\\").replace('"', "\\\""))
    }
}

fn pairs(pairs: &[(String, String)]) -> String {
    pairs.iter().map(|(k, v)| format!("{k}={}", env_value(v))).collect::<Vec<_>>().join(" \\\n    ")
}

impl Instruction {
    fn print(&self, out: &mut String) {
        let _ = match self {
            Instruction::Comment(text) => writeln!(out, "# {text}"),
            Instruction::Blank => writeln!(out),
            Instruction::From { image, stage } => {
                let _ = writeln!(out, "# shipshape: ignore[base-image-not-pinned-by-digest] {DIGEST_REASON}");
                match stage {
                    Some(stage) => writeln!(out, "FROM {image} AS {stage}"),
                    None => writeln!(out, "FROM {image}"),
                }
            }
            Instruction::Env(vars) => writeln!(out, "ENV {}", pairs(vars)),
            Instruction::Arg(args) => {
                args.iter().try_for_each(|(name, default)| writeln!(out, "ARG {name}={}", env_value(default)))
            }
            Instruction::Label(labels) => writeln!(out, "LABEL {}", pairs(labels)),
            Instruction::Workdir(dir) => writeln!(out, "WORKDIR {dir}"),
            Instruction::Copy { from, chown, sources, dest } => {
                out.push_str("COPY ");
                if let Some(from) = from {
                    let _ = write!(out, "--from={from} ");
                }
                if let Some(chown) = chown {
                    let _ = write!(out, "--chown={chown} ");
                }
                writeln!(out, "{} {dest}", sources.join(" "))
            }
            Instruction::Run { mounts, commands } => {
                out.push_str("RUN ");
                for mount in mounts {
                    let _ = write!(out, "--mount={mount} ");
                }
                writeln!(out, "{}", commands.join(" \\\n && "))
            }
            Instruction::User(user) => writeln!(out, "USER {user}"),
            Instruction::Expose(port) => writeln!(out, "EXPOSE {port}"),
            Instruction::Healthcheck { interval, timeout, start_period, retries, command } => writeln!(
                out,
                "HEALTHCHECK --interval={interval} --timeout={timeout} --start-period={start_period} --retries={retries} \\\n    CMD {}",
                json_array(command)
            ),
            Instruction::HealthcheckNone => writeln!(out, "HEALTHCHECK NONE"),
            Instruction::Entrypoint(command) => writeln!(out, "ENTRYPOINT {}", json_array(command)),
        };
    }
}

/// A Dockerfile: a syntax directive and instructions.
#[derive(Debug, Clone, Default)]
pub(crate) struct DockerfileAst {
    pub instructions: Vec<Instruction>,
}

impl DockerfileAst {
    pub fn print(&self) -> String {
        let mut out = String::from("# syntax=docker/dockerfile:1.7\n");
        for instruction in &self.instructions {
            instruction.print(&mut out);
        }
        out
    }

    fn push(&mut self, instruction: Instruction) {
        self.instructions.push(instruction);
    }
}

fn cache_mounts(command: &CachedCommand, uid: Option<u32>) -> Vec<String> {
    command
        .caches
        .iter()
        .map(|target| match uid {
            Some(uid) => format!("type=cache,target={target},uid={uid}"),
            None => format!("type=cache,target={target}"),
        })
        .collect()
}

/// The dependency files to copy before installing: files of one folder
/// together, at their own paths (restores name them by path), and each
/// folder on its own so it keeps its name.
fn dependency_copies(files: &[String]) -> Vec<Instruction> {
    let is_dir = |f: &String| matches!(f.as_str(), ".mvn" | "gradle");
    let mut groups: Vec<(String, Vec<String>)> = Vec::new();
    for file in files.iter().filter(|f| !is_dir(f)) {
        let dest = file.rsplit_once('/').map_or_else(|| "./".to_string(), |(parent, _)| format!("{parent}/"));
        match groups.iter_mut().find(|(d, _)| *d == dest) {
            Some((_, sources)) => sources.push(file.clone()),
            None => groups.push((dest, vec![file.clone()])),
        }
    }
    let mut out: Vec<Instruction> = groups
        .into_iter()
        .map(|(dest, sources)| Instruction::Copy { from: None, chown: None, sources, dest })
        .collect();
    for dir in files.iter().filter(|f| is_dir(f)) {
        out.push(Instruction::Copy {
            from: None,
            chown: None,
            sources: vec![format!("{dir}/")],
            dest: format!("{dir}/"),
        });
    }
    out
}

/// The build stage's working directory.
fn build_workdir(service: &ServicePlan) -> &'static str {
    match service.stack.value {
        Stack::Rust | Stack::Go => "/src",
        _ => "/app",
    }
}

pub(crate) fn dockerfile(plan: &Plan, service: &ServicePlan) -> DockerfileAst {
    let recipe = &service.image;
    let mut ast = DockerfileAst::default();
    let framework = service.framework.as_ref().map_or(String::new(), |f| format!(", {}", f.value));
    ast.push(Instruction::Comment(format!(
        "{} ({}{framework}): multi-stage build, non-root runtime. {KIT_MARKER}.",
        service.name,
        service.stack.value.as_str()
    )));
    ast.push(Instruction::Blank);
    ast.push(Instruction::From { image: recipe.build_image.clone(), stage: Some("build".into()) });
    if !recipe.build_args.is_empty() {
        ast.push(Instruction::Arg(recipe.build_args.clone()));
    }
    if !recipe.build_env.is_empty() {
        ast.push(Instruction::Env(recipe.build_env.clone()));
    }
    ast.push(Instruction::Workdir(build_workdir(service).into()));
    ast.instructions.extend(dependency_copies(&recipe.dependency_files));
    for command in &recipe.install {
        ast.push(Instruction::Run { mounts: cache_mounts(command, None), commands: vec![command.run.clone()] });
    }
    if recipe.source_mount {
        for command in &recipe.build {
            let mut mounts = vec!["type=bind,target=.,rw".to_string()];
            mounts.extend(cache_mounts(command, None));
            ast.push(Instruction::Run { mounts, commands: vec![command.run.clone()] });
        }
    } else {
        ast.push(Instruction::Copy { from: None, chown: None, sources: vec![".".into()], dest: ".".into() });
        for command in &recipe.build {
            ast.push(Instruction::Run { mounts: cache_mounts(command, None), commands: vec![command.run.clone()] });
        }
    }
    if recipe.static_probe {
        ast.push(Instruction::Blank);
        ast.push(Instruction::Comment("A static health probe: the runtime image has no shell or curl.".into()));
        ast.push(Instruction::From { image: crate::runtimes::golang_newest(), stage: Some("healthcheck".into()) });
        ast.push(Instruction::Workdir("/src".into()));
        let mut source = String::from("printf '%s\\n'");
        for line in PROBE_SOURCE {
            let _ = write!(source, " \\\n      '{line}'");
        }
        source.push_str(" > main.go");
        ast.push(Instruction::Run {
            mounts: vec!["type=cache,target=/root/.cache/go-build".into()],
            commands: vec![
                source,
                "CGO_ENABLED=0 go build -trimpath -ldflags=\"-s -w\" -o /out/healthcheck main.go".into(),
            ],
        });
    }
    ast.push(Instruction::Blank);
    ast.push(Instruction::From { image: recipe.runtime_image.clone(), stage: Some("runtime".into()) });
    ast.push(Instruction::Label(vec![
        ("org.opencontainers.image.title".into(), service.name.clone()),
        ("org.opencontainers.image.source".into(), plan.delivery.repo_url.value.trim_end_matches(".git").to_string()),
        ("org.opencontainers.image.description".into(), format!("{} service", service.name)),
    ]));
    if !recipe.env.is_empty() {
        ast.push(Instruction::Env(recipe.env.clone()));
    }
    ast.push(Instruction::Workdir(recipe.workdir.clone()));
    if !recipe.runtime_setup.is_empty() {
        ast.push(Instruction::Run { mounts: Vec::new(), commands: recipe.runtime_setup.clone() });
    }
    for (from, to) in &recipe.artifacts {
        ast.push(Instruction::Copy {
            from: Some("build".into()),
            chown: None,
            sources: vec![from.clone()],
            dest: to.clone(),
        });
    }
    let app_dirs: Vec<&String> = recipe
        .writable_dirs
        .iter()
        .filter(|d| recipe.workdir != "/" && d.starts_with(&format!("{}/", recipe.workdir)))
        .collect();
    if !app_dirs.is_empty() && recipe.runtime_has_shell {
        let dirs = app_dirs.iter().map(|d| d.as_str()).collect::<Vec<_>>().join(" ");
        ast.push(Instruction::Run {
            mounts: Vec::new(),
            commands: vec![format!("mkdir -p {dirs}"), format!("chown -R {uid}:{uid} {dirs}", uid = recipe.uid)],
        });
    }
    if recipe.static_probe {
        ast.push(Instruction::Copy {
            from: Some("healthcheck".into()),
            chown: None,
            sources: vec!["/out/healthcheck".into()],
            dest: "/usr/local/bin/healthcheck".into(),
        });
    }
    ast.push(Instruction::User(format!("{uid}:{uid}", uid = recipe.uid)));
    if service.is_worker() {
        // Nothing listens: nothing to expose or probe.
        ast.push(Instruction::HealthcheckNone);
    } else {
        ast.push(Instruction::Expose(service.port.value));
        ast.push(Instruction::Healthcheck {
            interval: "30s",
            timeout: "5s",
            start_period: "30s",
            retries: 3,
            command: recipe.healthcheck.clone(),
        });
    }
    ast.push(Instruction::Entrypoint(recipe.command.clone()));
    ast
}

/// Paths the build never needs, per stack.
fn ignored_paths(stack: Stack) -> &'static [&'static str] {
    match stack {
        Stack::Node => {
            &["node_modules", "**/node_modules", "npm-debug.log*", ".next/cache", "coverage", "dist", ".cache"]
        }
        Stack::Python => &["__pycache__", "*.py[cod]", ".venv", "venv", ".pytest_cache", ".mypy_cache", "*.egg-info"],
        Stack::Go => &["bin", "*.test", "vendor"],
        Stack::Rust => &["target"],
        Stack::Java => &["target", "build", ".gradle", "*.class"],
        Stack::Dotnet => &["bin", "obj", "*.user", "TestResults"],
        Stack::Ruby => &["log/*", "tmp/*", "vendor/bundle", ".bundle", "storage/*", "node_modules"],
        Stack::Php => &["vendor", "node_modules", "storage/logs/*", "storage/framework/cache/*", "bootstrap/cache/*"],
    }
}

pub(crate) fn dockerignore(service: &ServicePlan) -> String {
    let mut out = format!("# Keep the build context small and free of secrets. {KIT_MARKER}.\n");
    for line in [
        ".git",
        ".github",
        ".gitlab-ci.yml",
        "deploy",
        "Dockerfile",
        ".dockerignore",
        "*.md",
        ".env",
        ".env.*",
        "!.env.example",
        "*.pem",
        "*.key",
        ".DS_Store",
        ".idea",
        ".vscode",
    ] {
        out.push_str(line);
        out.push('\n');
    }
    // A workspace context holds every member: match at any depth.
    let any_depth = if service.build_context.is_some() { "**/" } else { "" };
    for line in ignored_paths(service.stack.value) {
        out.push_str(any_depth);
        out.push_str(line);
        out.push('\n');
    }
    if any_depth.is_empty() {
        return out;
    }
    for line in ["**/node_modules", "**/.venv", "**/target"] {
        if !out.contains(line) {
            out.push_str(line);
            out.push('\n');
        }
    }
    out
}

pub(crate) fn files(plan: &Plan, service: &ServicePlan, prefix: &str) -> Vec<GeneratedFile> {
    // BuildKit reads `<Dockerfile>.dockerignore` beside a Dockerfile whose
    // context is another folder.
    let ignore = if super::layout::context_elsewhere(service) { "Dockerfile.dockerignore" } else { ".dockerignore" };
    vec![
        GeneratedFile { path: format!("{prefix}Dockerfile"), contents: dockerfile(plan, service).print() },
        GeneratedFile { path: format!("{prefix}{ignore}"), contents: dockerignore(service) },
    ]
}
