//! A Dockerfile translated into steps a host can replay: each stage's
//! operations with variables expanded and paths made absolute.

use shipshape_dockerfile::{Args, Dockerfile, Instruction};

/// Where a stage starts from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Base {
    /// An image from a registry; its contents are not emulated.
    Image(String),
    /// An earlier stage, by index.
    Stage(usize),
    Scratch,
}

/// Where a `COPY` or a bind mount reads from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    Context,
    Stage(usize),
    /// `--from` naming an image: not emulated.
    Image(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RunMount {
    /// A cache kept between builds.
    Cache {
        target: String,
    },
    /// The build context (or a stage) bound at `target`.
    Bind {
        target: String,
        from: Source,
        source: String,
        writable: bool,
    },
    Tmpfs {
        target: String,
    },
    /// `secret` or `ssh`: not emulated.
    Other {
        kind: String,
    },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Op {
    Mkdir(String),
    Copy {
        from: Source,
        sources: Vec<String>,
        dest: String,
    },
    Run {
        argv: Vec<String>,
        env: Vec<(String, String)>,
        workdir: String,
        user: String,
        mounts: Vec<RunMount>,
    },
    /// An instruction the host cannot replay (e.g. `ADD` of a URL).
    Unsupported(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stage {
    pub index: usize,
    pub name: Option<String>,
    pub base: Base,
    pub ops: Vec<Op>,
    /// Environment at the end of the stage (`ENV`).
    pub env: Vec<(String, String)>,
    pub workdir: String,
    pub user: String,
    /// `ENTRYPOINT` then `CMD`, exec form (shell form wrapped in `/bin/sh -c`).
    pub command: Vec<String>,
    /// The `HEALTHCHECK` command; `None` without one (or with `NONE`).
    pub healthcheck: Option<Vec<String>>,
    pub exposed: Vec<u16>,
}

impl Stage {
    /// The label used in reports: the stage name or its index.
    pub fn label(&self) -> String {
        self.name.clone().unwrap_or_else(|| self.index.to_string())
    }

    /// The stages whose files this stage reads.
    pub fn needs(&self) -> Vec<usize> {
        let mut out = Vec::new();
        if let Base::Stage(i) = self.base {
            out.push(i);
        }
        for op in &self.ops {
            match op {
                Op::Copy { from: Source::Stage(i), .. } => out.push(*i),
                Op::Run { mounts, .. } => {
                    for mount in mounts {
                        if let RunMount::Bind { from: Source::Stage(i), .. } = mount {
                            out.push(*i);
                        }
                    }
                }
                _ => {}
            }
        }
        out.sort_unstable();
        out.dedup();
        out
    }

    /// Absolute paths this stage's operations create or mount.
    pub fn owned_paths(&self) -> Vec<String> {
        let mut out = vec![self.workdir.clone()];
        for op in &self.ops {
            match op {
                Op::Mkdir(path) => out.push(path.clone()),
                Op::Copy { dest, sources, .. } => {
                    if dest.ends_with('/') || sources.len() > 1 {
                        out.extend(sources.iter().filter_map(|s| file_name(s)).map(|n| join(dest, &n)));
                    } else {
                        out.push(dest.clone());
                    }
                }
                Op::Run { mounts, .. } => out.extend(mounts.iter().filter_map(|m| match m {
                    RunMount::Cache { target } | RunMount::Tmpfs { target } | RunMount::Bind { target, .. } => {
                        Some(target.clone())
                    }
                    RunMount::Other { .. } => None,
                })),
                Op::Unsupported(_) => {}
            }
        }
        out.into_iter().map(|p| normalize(&p)).collect()
    }
}

fn file_name(path: &str) -> Option<String> {
    let trimmed = path.trim_end_matches('/');
    let name = trimmed.rsplit('/').next()?;
    (!name.is_empty() && name != "." && !name.contains('*')).then(|| name.to_string())
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recipe {
    pub stages: Vec<Stage>,
    /// Parse errors of the Dockerfile.
    pub errors: Vec<String>,
}

impl Recipe {
    pub fn final_stage(&self) -> Option<&Stage> {
        self.stages.last()
    }

    /// Indices of the stages the final stage needs, in build order (as
    /// BuildKit builds only those).
    pub fn needed_stages(&self) -> Vec<usize> {
        let Some(last) = self.stages.last() else {
            return Vec::new();
        };
        let mut needed = vec![false; self.stages.len()];
        let mut pending = vec![last.index];
        while let Some(i) = pending.pop() {
            if i < needed.len() && !needed[i] {
                needed[i] = true;
                pending.extend(self.stages[i].needs());
            }
        }
        (0..self.stages.len()).filter(|i| needed[*i]).collect()
    }
}

/// `/a/b/../c/.` → `/a/c`.
pub fn normalize(path: &str) -> String {
    shipshape_dockerfile::absolute_path(None, path)
}

/// `path` resolved against `workdir`, keeping a trailing `/`.
fn absolute(workdir: &str, path: &str) -> String {
    let joined = if path.starts_with('/') { path.to_string() } else { format!("{workdir}/{path}") };
    let mut out = normalize(&joined);
    if (path.ends_with('/') || path == "." || path.ends_with("/.")) && out != "/" {
        out.push('/');
    }
    out
}

fn join(dir: &str, name: &str) -> String {
    format!("{}/{}", dir.trim_end_matches('/'), name)
}

struct StageState {
    env: Vec<(String, String)>,
    args: Vec<(String, String)>,
    workdir: String,
    user: String,
    entrypoint: Vec<String>,
    cmd: Vec<String>,
}

impl StageState {
    fn lookup(&self, name: &str) -> Option<String> {
        self.env.iter().chain(self.args.iter()).rev().find(|(k, _)| k == name).map(|(_, v)| v.clone())
    }

    fn expand(&self, text: &str) -> String {
        shipshape_dockerfile::expand(text, &|name| Some(self.lookup(name).unwrap_or_default()))
            .unwrap_or_else(|| text.to_string())
    }

    fn set(list: &mut Vec<(String, String)>, key: String, value: String) {
        list.retain(|(k, _)| *k != key);
        list.push((key, value));
    }
}

/// Exec-form words, or the shell form wrapped in `/bin/sh -c`.
fn command_words(instruction: &Instruction) -> Vec<String> {
    match &instruction.args {
        Args::Exec(words) => words.iter().map(|w| w.value.clone()).collect(),
        Args::Shell(text) => vec!["/bin/sh".into(), "-c".into(), text.value.trim().to_string()],
    }
}

/// Translates a Dockerfile into replayable stages. `build_args` beat `ARG` defaults.
pub fn translate(file: &Dockerfile, build_args: &[(String, String)]) -> Recipe {
    let mut global: Vec<(String, String)> = Vec::new();
    for instruction in file.global_args() {
        for (key, value) in instruction.key_values() {
            let value = build_args
                .iter()
                .find(|(k, _)| *k == key.value)
                .map(|(_, v)| v.clone())
                .or(value.map(|w| w.value))
                .unwrap_or_default();
            StageState::set(&mut global, key.value, value);
        }
    }
    let mut stages: Vec<Stage> = Vec::new();
    for stage in &file.stages {
        let find_stage = |name: &str| -> Option<usize> {
            stages
                .iter()
                .find(|s| s.name.as_deref().is_some_and(|n| n.eq_ignore_ascii_case(name)))
                .map(|s| s.index)
                .or_else(|| name.parse::<usize>().ok().filter(|i| *i < stages.len()))
        };
        let image = shipshape_dockerfile::expand(&stage.image.value, &|n| {
            global.iter().find(|(k, _)| k == n).map(|(_, v)| v.clone())
        })
        .unwrap_or_else(|| stage.image.value.clone());
        let base = if image.eq_ignore_ascii_case("scratch") {
            Base::Scratch
        } else if let Some(i) = find_stage(&image) {
            Base::Stage(i)
        } else {
            Base::Image(image)
        };
        let mut state = match &base {
            Base::Stage(i) => StageState {
                env: stages[*i].env.clone(),
                args: Vec::new(),
                workdir: stages[*i].workdir.clone(),
                user: stages[*i].user.clone(),
                entrypoint: Vec::new(),
                cmd: stages[*i].command.clone(),
            },
            _ => StageState {
                env: Vec::new(),
                args: Vec::new(),
                workdir: "/".into(),
                user: "0".into(),
                entrypoint: Vec::new(),
                cmd: Vec::new(),
            },
        };
        let mut ops = Vec::new();
        let mut healthcheck = match &base {
            Base::Stage(i) => stages[*i].healthcheck.clone(),
            _ => None,
        };
        let mut exposed = Vec::new();
        for instruction in file.instructions.get(stage.instructions.clone()).unwrap_or_default().iter().skip(1) {
            match instruction.keyword.as_str() {
                "ARG" => {
                    for (key, value) in instruction.key_values() {
                        let value = build_args
                            .iter()
                            .find(|(k, _)| *k == key.value)
                            .map(|(_, v)| v.clone())
                            .or_else(|| value.map(|w| state.expand(&w.value)))
                            .or_else(|| global.iter().find(|(k, _)| *k == key.value).map(|(_, v)| v.clone()))
                            .unwrap_or_default();
                        StageState::set(&mut state.args, key.value, value);
                    }
                }
                "ENV" => {
                    for (key, value) in instruction.key_values() {
                        let value = value.map(|w| state.expand(&w.value)).unwrap_or_default();
                        StageState::set(&mut state.env, key.value, value);
                    }
                }
                "WORKDIR" => {
                    let path = instruction.words().first().map(|w| state.expand(&w.value)).unwrap_or_default();
                    state.workdir = normalize(&absolute(&state.workdir, &path));
                    ops.push(Op::Mkdir(state.workdir.clone()));
                }
                "USER" => {
                    state.user = instruction.words().first().map(|w| state.expand(&w.value)).unwrap_or_default();
                }
                "COPY" | "ADD" => {
                    let words: Vec<String> = instruction.words().iter().map(|w| state.expand(&w.value)).collect();
                    let Some((dest, sources)) = words.split_last() else { continue };
                    let remote = sources.iter().any(|s| s.contains("://") || s.starts_with("git@"));
                    if remote || !instruction.heredocs.is_empty() {
                        ops.push(Op::Unsupported(format!("{} {}", instruction.keyword, words.join(" "))));
                        continue;
                    }
                    let from = match instruction.flag("from").and_then(|f| f.value.clone()) {
                        None => Source::Context,
                        Some(name) => find_stage(&name).map_or(Source::Image(name), Source::Stage),
                    };
                    ops.push(Op::Copy { from, sources: sources.to_vec(), dest: absolute(&state.workdir, dest) });
                }
                "RUN" => {
                    let mut argv = command_words(instruction);
                    if let Some(script) = argv.get_mut(2).filter(|_| !instruction.heredocs.is_empty()) {
                        let bodies: Vec<String> = instruction.heredocs.iter().map(|h| h.body.value.clone()).collect();
                        *script = format!("{script}\n{}", bodies.join("\n"));
                    }
                    let mounts = instruction
                        .flags
                        .iter()
                        .filter(|f| f.name.eq_ignore_ascii_case("mount"))
                        .filter_map(|f| f.value.as_deref())
                        .map(|spec| run_mount(&state.expand(spec), &state.workdir, &find_stage))
                        .collect();
                    let mut env = state.args.clone();
                    for (key, value) in &state.env {
                        StageState::set(&mut env, key.clone(), value.clone());
                    }
                    ops.push(Op::Run { argv, env, workdir: state.workdir.clone(), user: state.user.clone(), mounts });
                }
                "ENTRYPOINT" => {
                    state.entrypoint = command_words(instruction);
                    state.cmd.clear();
                }
                "CMD" => state.cmd = command_words(instruction),
                "HEALTHCHECK" => {
                    let words = command_words(instruction);
                    healthcheck = match words.first().map(String::as_str) {
                        Some(w) if w.eq_ignore_ascii_case("NONE") => None,
                        _ => healthcheck_command(instruction),
                    };
                }
                "EXPOSE" => exposed.extend(
                    instruction
                        .words()
                        .iter()
                        .filter_map(|w| state.expand(&w.value).split('/').next().and_then(|p| p.parse::<u16>().ok())),
                ),
                _ => {}
            }
        }
        let mut command = state.entrypoint.clone();
        command.extend(state.cmd.clone());
        stages.push(Stage {
            index: stage.index,
            name: stage.name.as_ref().map(|n| n.value.clone()),
            base,
            ops,
            env: state.env,
            workdir: state.workdir,
            user: state.user,
            command,
            healthcheck,
            exposed,
        });
    }
    Recipe { stages, errors: file.errors.iter().map(|e| e.message.clone()).collect() }
}

/// The command of `HEALTHCHECK [OPTIONS] CMD …`.
fn healthcheck_command(instruction: &Instruction) -> Option<Vec<String>> {
    match &instruction.args {
        Args::Exec(words) => Some(words.iter().map(|w| w.value.clone()).collect()),
        Args::Shell(text) => {
            let rest = text.value.trim();
            let (keyword, rest) = rest.split_once(char::is_whitespace)?;
            if !keyword.eq_ignore_ascii_case("CMD") {
                return None;
            }
            let rest = rest.trim();
            match serde_json::from_str::<Vec<String>>(rest) {
                Ok(words) => Some(words),
                Err(_) => Some(vec!["/bin/sh".into(), "-c".into(), rest.to_string()]),
            }
        }
    }
}

fn run_mount(spec: &str, workdir: &str, find_stage: &dyn Fn(&str) -> Option<usize>) -> RunMount {
    let mut kind = "bind".to_string();
    let mut target = String::new();
    let mut from = None;
    let mut source = String::from("/");
    let mut writable = false;
    for field in spec.split(',') {
        let (key, value) = field.split_once('=').unwrap_or((field, ""));
        match key.trim() {
            "type" => kind = value.to_string(),
            "target" | "dst" | "destination" => target = value.to_string(),
            "from" => from = Some(value.to_string()),
            "source" | "src" => source = value.to_string(),
            "rw" | "readwrite" => writable = value.is_empty() || value == "true",
            _ => {}
        }
    }
    let target = normalize(&absolute(workdir, &target));
    match kind.as_str() {
        "cache" => RunMount::Cache { target },
        "tmpfs" => RunMount::Tmpfs { target },
        "bind" => {
            let from = match from {
                None => Source::Context,
                Some(name) => find_stage(&name).map_or(Source::Image(name), Source::Stage),
            };
            RunMount::Bind { target, from, source, writable }
        }
        other => RunMount::Other { kind: other.to_string() },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn recipe(text: &str) -> Recipe {
        translate(&shipshape_dockerfile::parse(text), &[])
    }

    #[test]
    fn workdir_copy_and_run_become_absolute_steps() {
        let r = recipe(
            "FROM node:20 AS build\nWORKDIR /app\nCOPY package.json ./\nRUN --mount=type=cache,target=/root/.npm npm ci\nCOPY . .\n\
             FROM gcr.io/distroless/nodejs20-debian12 AS runtime\nENV NODE_ENV=production\nWORKDIR /app\n\
             COPY --from=build /app /app\nUSER 65532:65532\nEXPOSE 8080\n\
             HEALTHCHECK --interval=30s CMD [\"/nodejs/bin/node\", \"-e\", \"1\"]\nENTRYPOINT [\"/nodejs/bin/node\", \"src/server.js\"]\n",
        );
        let build = &r.stages[0];
        assert_eq!(build.base, Base::Image("node:20".into()));
        assert_eq!(build.ops[0], Op::Mkdir("/app".into()));
        assert_eq!(
            build.ops[1],
            Op::Copy { from: Source::Context, sources: vec!["package.json".into()], dest: "/app/".into() }
        );
        let Op::Run { argv, mounts, workdir, user, .. } = &build.ops[2] else {
            panic!("not a run: {:?}", build.ops[2])
        };
        assert_eq!(argv, &["/bin/sh", "-c", "npm ci"]);
        assert_eq!(mounts, &[RunMount::Cache { target: "/root/.npm".into() }]);
        assert_eq!((workdir.as_str(), user.as_str()), ("/app", "0"));
        let runtime = &r.stages[1];
        assert_eq!(
            runtime.ops[1],
            Op::Copy { from: Source::Stage(0), sources: vec!["/app".into()], dest: "/app".into() }
        );
        assert_eq!(runtime.user, "65532:65532");
        assert_eq!(runtime.command, ["/nodejs/bin/node", "src/server.js"]);
        assert_eq!(
            runtime.healthcheck.as_deref(),
            Some(&["/nodejs/bin/node".to_string(), "-e".into(), "1".into()][..])
        );
        assert_eq!(runtime.exposed, [8080]);
        assert_eq!(runtime.env, [("NODE_ENV".to_string(), "production".to_string())]);
        assert_eq!(r.needed_stages(), [0, 1]);
    }

    #[test]
    fn bind_mounts_of_the_context_resolve_against_the_workdir() {
        let r = recipe("FROM rust:1 AS build\nWORKDIR /src\nRUN --mount=type=bind,target=.,rw --mount=type=cache,target=/target cargo build\n");
        let Op::Run { mounts, .. } = &r.stages[0].ops[1] else { panic!("not a run") };
        assert_eq!(
            mounts[0],
            RunMount::Bind { target: "/src".into(), from: Source::Context, source: "/".into(), writable: true }
        );
        assert_eq!(mounts[1], RunMount::Cache { target: "/target".into() });
    }

    #[test]
    fn unused_stages_are_not_needed_and_args_expand() {
        let r = recipe(
            "ARG V=3.12\nFROM python:${V}-slim AS build\nRUN true\nFROM alpine AS unused\nFROM build AS final\nARG APP=/srv\nWORKDIR $APP\nCMD python -m app\n",
        );
        assert_eq!(r.stages[0].base, Base::Image("python:3.12-slim".into()));
        assert_eq!(r.stages[2].base, Base::Stage(0));
        assert_eq!(r.stages[2].workdir, "/srv");
        assert_eq!(r.stages[2].command, ["/bin/sh", "-c", "python -m app"]);
        assert_eq!(r.needed_stages(), [0, 2]);
    }

    #[test]
    fn healthcheck_shell_form_and_none() {
        let r = recipe(
            "FROM a\nHEALTHCHECK --retries=3 CMD curl -f http://127.0.0.1/ || exit 1\nFROM a AS b\nHEALTHCHECK NONE\n",
        );
        assert_eq!(
            r.stages[0].healthcheck.as_deref(),
            Some(&["/bin/sh".to_string(), "-c".into(), "curl -f http://127.0.0.1/ || exit 1".into()][..])
        );
        assert_eq!(r.stages[1].healthcheck, None);
    }

    #[test]
    fn owned_paths_name_copied_files_under_folders() {
        let r = recipe("FROM a\nCOPY --from=b /out/healthcheck /usr/local/bin/\nWORKDIR /app\n");
        assert_eq!(r.stages[0].owned_paths(), ["/app", "/usr/local/bin/healthcheck", "/app"]);
    }
}
