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
        for (_, _, instruction) in support::runs(cx.dockerfile) {
            for command in support::commands(instruction) {
                let Some(program) = command.program() else { continue };
                if program.value.rsplit('/').next() == Some("sudo") {
                    report.report(
                        program.span,
                        "`sudo` in a build step; run the step as `USER root` and switch back to the unprivileged user after it",
                    );
                }
            }
        }
    }
}
