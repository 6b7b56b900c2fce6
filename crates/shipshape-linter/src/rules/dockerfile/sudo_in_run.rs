use shipshape_dockerfile::shell::Command;
use shipshape_dockerfile::{Dockerfile, Stage};

use crate::context::DockerfileContext;
use crate::declare_rule;
use crate::rule::{Reporter, Rule};
use crate::rules::dockerfile::support;

declare_rule! {
    /// ## What it does
    /// Flags `sudo` used to run a command in a `RUN`.
    ///
    /// ## Why is this bad?
    /// `RUN` already runs as the `USER` in effect, and switching with
    /// `USER root` … `USER app` says plainly what runs with privilege.
    /// `sudo` needs a package and a sudoers entry in the image, which then
    /// let anything running as that user become root at run time; it also
    /// behaves unpredictably without a TTY and changes the environment.
    ///
    /// `sudo -u <user>` while the step already runs as root is not
    /// reported: it drops privileges (say, to create files owned by that
    /// user) rather than gaining them. A stage runs as root after
    /// `USER root`, or when no `USER` is set and it is built on an official
    /// image (`ubuntu`, `debian`, …), which runs as root.
    ///
    /// ## Example
    /// ```dockerfile
    /// USER app
    /// RUN sudo apt-get update && sudo apt-get install -y --no-install-recommends git
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// USER root
    /// RUN apt-get update && apt-get install -y --no-install-recommends git \
    ///  && rm -rf /var/lib/apt/lists/*
    /// USER app
    /// ```
    pub struct SudoInRun {
        id: "sudo-in-run",
        severity: Warning,
        domains: [Dockerfile],
        summary: "`sudo` used in a `RUN`",
    }
}

impl Rule for SudoInRun {
    fn check_dockerfile(&self, cx: &DockerfileContext<'_>, report: &mut Reporter<'_>) {
        let df = cx.dockerfile;
        for (stage, index, instruction) in support::runs(df) {
            for command in support::commands(instruction) {
                let Some(program) = command.program() else { continue };
                if program.value.rsplit('/').next() != Some("sudo") {
                    continue;
                }
                let drops_to_user =
                    target_user(&command).is_some_and(|u| !support::is_root_user(u.trim_start_matches('#')));
                if !(drops_to_user && runs_as_root(df, stage, index)) {
                    report.report(
                        program.span,
                        "`sudo` in a build step; run the step as `USER root` and switch back to the unprivileged user after it",
                    );
                }
            }
        }
    }
}

/// The user `sudo -u <user>` (`-u<user>`, `--user[=]<user>`) runs as.
fn target_user(command: &Command) -> Option<&str> {
    let program = command.words.iter().position(|w| w.value.rsplit('/').next() == Some("sudo"))?;
    let mut words = command.words.iter().skip(program + 1);
    while let Some(word) = words.next() {
        let value = word.value.as_str();
        if !value.starts_with('-') || value == "--" {
            return None;
        }
        if value == "-u" || value == "--user" {
            return words.next().map(|w| w.value.as_str());
        }
        if let Some(user) = value.strip_prefix("--user=").or_else(|| value.strip_prefix("-u")) {
            return Some(user);
        }
    }
    None
}

/// True when the step at `index` of `stage` runs as root: the last `USER`
/// before it is root, or none is set and the chain starts from an official
/// image (a bare name such as `ubuntu:24.04`, which runs as root).
fn runs_as_root(df: &Dockerfile, stage: &Stage, index: usize) -> bool {
    let last_user = support::inherited(df, stage, index).into_iter().rfind(|(_, i)| i.keyword == "USER");
    match last_user {
        Some((at, user)) => {
            let Some(word) = user.words().into_iter().next() else { return false };
            let chain = support::chain(df, stage);
            let owner = chain.iter().find(|s| s.instructions.contains(&at)).copied().unwrap_or(stage);
            support::state_at(df, owner, at).expand(&word.value).is_some_and(|v| support::is_root_user(&v))
        }
        None => {
            let root = support::chain(df, stage).last().copied().unwrap_or(stage);
            let image = root.image.value.as_str();
            !image.contains('$') && !image.contains('/')
        }
    }
}
