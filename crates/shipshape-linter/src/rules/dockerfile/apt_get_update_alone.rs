use crate::context::DockerfileContext;
use crate::declare_rule;
use crate::rule::{Reporter, Rule};
use crate::rules::dockerfile::support;

declare_rule! {
    /// ## What it does
    /// Flags a `RUN` that runs `apt-get update` (or `apt update`) but
    /// installs nothing: no `apt-get install`, `upgrade` or `build-dep` and
    /// no other command that could install (a script, `xargs`, `make`, …)
    /// in the same `RUN`.
    ///
    /// ## Why is this bad?
    /// The build cache keys a layer on its instruction text. Once the
    /// `RUN apt-get update` layer is cached it is reused forever, so a
    /// later `RUN apt-get install` installs from stale package lists:
    /// old versions, or "404 Not Found" once the mirror has moved on.
    /// Updating and installing must happen in the same `RUN`.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN apt-get update
    /// RUN apt-get install -y --no-install-recommends curl
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// RUN apt-get update && apt-get install -y --no-install-recommends curl \
    ///  && rm -rf /var/lib/apt/lists/*
    /// ```
    ///
    /// ## References
    /// - [Docker: apt-get](https://docs.docker.com/build/building/best-practices/#apt-get)
    pub struct AptGetUpdateAlone {
        id: "apt-get-update-alone",
        severity: Warning,
        domains: [Dockerfile],
        summary: "`apt-get update` in a `RUN` that installs nothing",
    }
}

/// Commands that cannot install packages.
const HARMLESS: &[&str] = &[
    "apt-cache",
    "rm",
    "echo",
    "printf",
    "set",
    "true",
    "false",
    "export",
    "mkdir",
    "ln",
    "ls",
    "cat",
    "cp",
    "mv",
    "touch",
    "chmod",
    "chown",
    "sed",
    "grep",
    "tee",
    "sleep",
    "cd",
    ":",
    "test",
    "[",
    "apt-key",
    "gpg",
    "curl",
    "wget",
    "find",
    "dpkg",
    "dpkg-reconfigure",
    "locale-gen",
    "update-ca-certificates",
];
const USING_LISTS: &[&str] =
    &["install", "upgrade", "dist-upgrade", "full-upgrade", "build-dep", "source", "download", "satisfy", "reinstall"];

impl Rule for AptGetUpdateAlone {
    fn check_dockerfile(&self, cx: &DockerfileContext<'_>, report: &mut Reporter<'_>) {
        for (_, _, instruction) in support::runs(cx.dockerfile) {
            let commands = support::commands(instruction);
            let mut update = None;
            let mut uses = false;
            for command in &commands {
                match support::apt_subcommand(command) {
                    Some(sub) if sub.value == "update" => {
                        update = update.or(Some((command.name().unwrap_or("apt-get"), sub)));
                    }
                    Some(sub) => uses |= USING_LISTS.contains(&sub.value.as_str()),
                    None => uses |= !command.name().is_some_and(|n| HARMLESS.contains(&n)),
                }
            }
            if let (Some((tool, sub)), false) = (update, uses) {
                report.report(
                    sub.span,
                    format!("`{tool} update` without an install in the same `RUN` leaves a stale cached layer; update and install in one `RUN`"),
                );
            }
        }
    }
}
