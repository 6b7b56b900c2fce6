use crate::context::DockerfileContext;
use crate::declare_rule;
use crate::rule::{Reporter, Rule};
use crate::rules::dockerfile::support;

declare_rule! {
    /// ## What it does
    /// Flags `apt` (rather than `apt-get`) used to update, install, upgrade
    /// or remove packages in a `RUN`.
    ///
    /// ## Why is this bad?
    /// `apt` is the command-line front end for people at a terminal: its
    /// output and behaviour may change between releases, and it prints
    /// "WARNING: apt does not have a stable CLI interface. Use with caution
    /// in scripts." `apt-get` is the stable interface meant for scripts.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN apt update && apt install -y --no-install-recommends curl
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// RUN apt-get update && apt-get install -y --no-install-recommends curl \
    ///  && rm -rf /var/lib/apt/lists/*
    /// ```
    pub struct AptInsteadOfAptGet {
        id: "apt-instead-of-apt-get",
        severity: Info,
        domains: [Dockerfile],
        summary: "`apt` used in a script where `apt-get` is meant",
    }
}

const SUBCOMMANDS: &[&str] =
    &["update", "install", "upgrade", "full-upgrade", "dist-upgrade", "remove", "purge", "autoremove", "reinstall"];

impl Rule for AptInsteadOfAptGet {
    fn check_dockerfile(&self, cx: &DockerfileContext<'_>, report: &mut Reporter<'_>) {
        for (_, _, instruction) in support::runs(cx.dockerfile) {
            for command in support::commands(instruction) {
                if command.name() != Some("apt") {
                    continue;
                }
                let Some(sub) = support::apt_subcommand(&command).filter(|s| SUBCOMMANDS.contains(&s.value.as_str()))
                else {
                    continue;
                };
                let Some(word) = command.name_word() else { continue };
                report.report(
                    word.span,
                    format!("`apt {}` has no stable interface for scripts; use `apt-get {}`", sub.value, sub.value),
                );
            }
        }
    }
}
