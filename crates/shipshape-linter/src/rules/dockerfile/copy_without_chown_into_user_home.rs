use shipshape_dockerfile::shell::Command;
use shipshape_dockerfile::Word;

use crate::context::DockerfileContext;
use crate::declare_rule;
use crate::rule::{Reporter, Rule};
use crate::rules::dockerfile::support;

declare_rule! {
    /// ## What it does
    /// Flags a `COPY`/`ADD` without `--chown` (or `--chmod`) whose files the
    /// stage's non-root user is then expected to write:
    /// - the destination is in the home directory of a user the stage
    ///   creates (`useradd -m app`, `adduser app`; `/home/<name>` or the
    ///   `-d`/`--home` directory) and the stage ends with `USER` that user;
    /// - or a later `RUN`, under a non-root `USER`, works inside the
    ///   destination with a command that writes there (`npm install`,
    ///   `yarn`, `composer install`, `mkdir`, `touch`, `make`, `go build`,
    ///   `cargo build`, `mvn`, `gradle`, `dotnet build`, …).
    ///
    /// A `chown` of the destination in between fixes it and is not flagged.
    ///
    /// ## Why is this bad?
    /// `COPY` and `ADD` create files owned by root whatever `USER` is in
    /// effect. The unprivileged user then cannot write its own home
    /// directory or its working tree: the build fails with "permission
    /// denied", or the application fails at run time when it writes a
    /// cache or a config. The usual workaround, a `chown -R` afterwards,
    /// copies every file into a second layer.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN useradd -m app
    /// COPY . /home/app/site
    /// USER app
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// RUN useradd -m app
    /// COPY --chown=app:app . /home/app/site
    /// USER app
    /// ```
    pub struct CopyWithoutChownIntoUserHome {
        id: "copy-without-chown-into-user-home",
        severity: Warning,
        domains: [Dockerfile],
        summary: "Files copied as root where the non-root user must write",
    }
}

/// A user created by `useradd`/`adduser`: (name, home directory).
fn created_user(command: &Command) -> Option<(String, String)> {
    let name = command.name()?;
    if !matches!(name, "useradd" | "adduser") {
        return None;
    }
    let args = command.args();
    let mut home = None;
    let mut user = None;
    let mut skip_next = false;
    for (i, word) in args.iter().enumerate() {
        if skip_next {
            skip_next = false;
            continue;
        }
        let v = word.value.as_str();
        if matches!(v, "-d" | "--home-dir" | "--home" | "-h") {
            home = args.get(i + 1).map(|w| w.value.clone());
            skip_next = true;
        } else if let Some(dir) = v.strip_prefix("--home-dir=").or_else(|| v.strip_prefix("--home=")) {
            home = Some(dir.to_string());
        } else if v.starts_with('-') {
            let takes_value = matches!(
                v,
                "-u" | "--uid"
                    | "-g"
                    | "--gid"
                    | "-G"
                    | "--groups"
                    | "-s"
                    | "--shell"
                    | "-c"
                    | "--comment"
                    | "--gecos"
                    | "-k"
                    | "--skel"
                    | "-e"
                    | "-f"
                    | "--ingroup"
                    | "-K"
                    | "--key"
                    | "--firstuid"
                    | "--lastuid"
            );
            skip_next = takes_value;
        } else {
            user = Some(v.to_string());
        }
    }
    let user = user?;
    let home = home.unwrap_or_else(|| format!("/home/{user}"));
    Some((user, home))
}

/// Commands that write into the directory they run in.
fn writes_in_cwd(command: &Command) -> bool {
    let Some(name) = command.name() else { return false };
    let first = command.subcommand().map(|w| w.value.as_str());
    match name {
        "npm" => matches!(first, Some("install" | "i" | "ci" | "run" | "run-script")),
        "yarn" | "pnpm" | "bun" => true,
        "composer" => matches!(first, Some("install" | "update" | "require")),
        "mkdir" | "touch" | "make" | "mvn" | "mvnw" | "gradle" | "gradlew" => true,
        "go" => first == Some("build"),
        "cargo" => matches!(first, Some("build" | "install")),
        "dotnet" => matches!(first, Some("build" | "publish" | "restore")),
        "bundle" => first == Some("install"),
        _ => false,
    }
}

fn within(path: &str, dir: &str) -> bool {
    let dir = dir.trim_end_matches('/');
    path == dir || path.strip_prefix(dir).is_some_and(|rest| rest.starts_with('/')) || dir.is_empty()
}

fn chowns(command: &Command, dir: &str, cwd: Option<&str>) -> bool {
    command.name() == Some("chown")
        && command.args().iter().filter(|w| !w.value.starts_with('-')).skip(1).any(|w| {
            let path = support::join_path(cwd, &w.value);
            within(dir, &path) || within(&path, dir)
        })
}

/// A `COPY`/`ADD` without `--chown` waiting for the end of its stage.
struct Pending {
    destination: Word,
    /// The destination made absolute.
    dest: String,
    fixed: bool,
    /// The non-root user and directory of a later `RUN` that writes there.
    writer: Option<(String, String)>,
}

/// Users a stage creates, and the user its last `USER` names.
struct StageUsers {
    created: Vec<(String, String)>,
    last: Option<String>,
}

fn stage_users(df: &shipshape_dockerfile::Dockerfile, stage: &shipshape_dockerfile::Stage) -> StageUsers {
    let mut created = Vec::new();
    let mut last = None;
    for (_, instruction) in support::body(df, stage) {
        match instruction.keyword.as_str() {
            "RUN" => created.extend(support::commands(instruction).iter().filter_map(created_user)),
            "USER" => {
                last = instruction.words().into_iter().next().map(|w| support::user_part(&w.value).to_string());
            }
            _ => {}
        }
    }
    StageUsers { created, last }
}

fn finish_stage(pending: &mut Vec<Pending>, users: &StageUsers, report: &mut Reporter<'_>) {
    for p in pending.drain(..).filter(|p| !p.fixed) {
        let home_owner = users
            .created
            .iter()
            .find(|(name, home)| users.last.as_deref() == Some(name.as_str()) && home != "/" && within(&p.dest, home));
        if let Some((name, _)) = home_owner {
            report_copy(report, &p.destination, &format!("into the home of `{name}`"), name);
        } else if let Some((runner, cwd)) = &p.writer {
            report_copy(report, &p.destination, &format!("where `{runner}` later builds in `{cwd}`"), runner);
        }
    }
}

impl Rule for CopyWithoutChownIntoUserHome {
    fn check_dockerfile(&self, cx: &DockerfileContext<'_>, report: &mut Reporter<'_>) {
        let df = cx.dockerfile;
        let users: Vec<StageUsers> = df.stages.iter().map(|s| stage_users(df, s)).collect();
        let mut pending: Vec<Pending> = Vec::new();
        let mut current: Option<usize> = None;
        let mut user: Option<String> = None;
        support::walk(df, |stage, _, instruction, state| {
            if current != Some(stage.index) {
                if let Some(users) = current.and_then(|c| users.get(c)) {
                    finish_stage(&mut pending, users, report);
                }
                current = Some(stage.index);
                user = None;
            }
            match instruction.keyword.as_str() {
                "COPY" | "ADD" if instruction.flag("chown").is_none() && instruction.flag("chmod").is_none() => {
                    let Some((_, destination)) = support::copy_paths(instruction) else { return };
                    if destination.value.contains('$') {
                        return;
                    }
                    let dest = support::join_path(state.workdir.as_deref(), &destination.value);
                    pending.push(Pending { destination, dest, fixed: false, writer: None });
                }
                "USER" => {
                    user = instruction.words().into_iter().next().map(|w| support::user_part(&w.value).to_string());
                }
                "RUN" => {
                    let commands = support::commands(instruction);
                    let cwd = state.workdir.clone().unwrap_or_else(|| "/".to_string());
                    let chown_commands: Vec<_> = commands.iter().filter(|c| c.name() == Some("chown")).collect();
                    if !chown_commands.is_empty() {
                        for p in pending.iter_mut().filter(|p| !p.fixed) {
                            p.fixed = chown_commands.iter().any(|c| chowns(c, &p.dest, Some(&cwd)));
                        }
                    }
                    let runner = user.as_deref().filter(|u| !support::is_root_user(u) && !u.contains('$'));
                    if let (Some(runner), true) = (runner, cwd != "/" && commands.iter().any(writes_in_cwd)) {
                        for p in pending.iter_mut().filter(|p| !p.fixed && p.writer.is_none() && within(&cwd, &p.dest))
                        {
                            p.writer = Some((runner.to_string(), cwd.clone()));
                        }
                    }
                }
                _ => {}
            }
        });
        if let Some(users) = current.and_then(|c| users.get(c)) {
            finish_stage(&mut pending, users, report);
        }
    }
}

fn report_copy(report: &mut Reporter<'_>, destination: &Word, place: &str, user: &str) {
    report.report(
        destination.span,
        format!("Files copied to `{}` {place} are owned by root; add `--chown={user}`", destination.value),
    );
}
