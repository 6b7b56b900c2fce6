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

impl Rule for CopyWithoutChownIntoUserHome {
    fn check_dockerfile(&self, cx: &DockerfileContext<'_>, report: &mut Reporter<'_>) {
        let df = cx.dockerfile;
        for stage in &df.stages {
            let body: Vec<_> = support::body(df, stage).collect();
            let mut users: Vec<(String, String)> = Vec::new();
            for (_, instruction) in body.iter().filter(|(_, i)| i.keyword == "RUN") {
                users.extend(support::commands(instruction).iter().filter_map(created_user));
            }
            let final_user = body
                .iter()
                .rev()
                .find(|(_, i)| i.keyword == "USER")
                .and_then(|(_, i)| i.words().into_iter().next())
                .map(|w| support::user_part(&w.value).to_string());
            for (position, (index, instruction)) in body.iter().enumerate() {
                if !matches!(instruction.keyword.as_str(), "COPY" | "ADD")
                    || instruction.flag("chown").is_some()
                    || instruction.flag("chmod").is_some()
                {
                    continue;
                }
                let Some((_, destination)) = support::copy_paths(instruction) else { continue };
                if destination.value.contains('$') {
                    continue;
                }
                let workdir = support::workdir(df, stage, *index);
                let dest = support::join_path(workdir.as_deref(), &destination.value);
                let later = body.get(position + 1..).unwrap_or(&[]);
                let fixed = later.iter().any(|(later_index, i)| {
                    let cwd = support::workdir(df, stage, *later_index);
                    i.keyword == "RUN" && support::commands(i).iter().any(|c| chowns(c, &dest, cwd.as_deref()))
                });
                if fixed {
                    continue;
                }
                let home_owner = users.iter().find(|(name, home)| {
                    final_user.as_deref() == Some(name.as_str()) && within(&dest, home) && home != "/"
                });
                if let Some((name, _)) = home_owner {
                    report_copy(report, &destination, &format!("into the home of `{name}`"), name);
                    continue;
                }
                let mut user: Option<String> = None;
                for (later_index, later_instruction) in later {
                    match later_instruction.keyword.as_str() {
                        "USER" => {
                            user = later_instruction
                                .words()
                                .into_iter()
                                .next()
                                .map(|w| support::user_part(&w.value).to_string());
                        }
                        "RUN" => {
                            let Some(runner) =
                                user.as_deref().filter(|u| !support::is_root_user(u) && !u.contains('$'))
                            else {
                                continue;
                            };
                            let cwd = support::workdir(df, stage, *later_index).unwrap_or_else(|| "/".to_string());
                            if cwd != "/"
                                && within(&cwd, &dest)
                                && support::commands(later_instruction).iter().any(writes_in_cwd)
                            {
                                report_copy(
                                    report,
                                    &destination,
                                    &format!("where `{runner}` later builds in `{cwd}`"),
                                    runner,
                                );
                                break;
                            }
                        }
                        _ => {}
                    }
                }
            }
        }
    }
}

fn report_copy(report: &mut Reporter<'_>, destination: &Word, place: &str, user: &str) {
    report.report(
        destination.span,
        format!("Files copied to `{}` {place} are owned by root; add `--chown={user}`", destination.value),
    );
}
