use crate::context::DockerfileContext;
use crate::declare_rule;
use crate::rule::{Reporter, Rule};
use crate::rules::dockerfile::support;

declare_rule! {
    /// ## What it does
    /// Flags a `RUN` whose first command is `cd` to an absolute directory
    /// (or one given by a variable), such as `RUN cd /app && make`. A
    /// `RUN` that does nothing but `cd` is reported as having no effect.
    /// Not flagged: `cd` later in a script (into an unpacked download, say),
    /// `cd` inside a subshell `( … )`, relative directories, and scratch
    /// directories under `/tmp`.
    ///
    /// ## Why is this bad?
    /// Each `RUN` starts in the `WORKDIR`, so the `cd` has to be repeated in
    /// every `RUN` that needs it, and a `RUN cd /app` on its own changes
    /// nothing for the next instruction. `WORKDIR` sets the directory once
    /// for every following `RUN`, `COPY`, `CMD` and `ENTRYPOINT`, creates
    /// it if needed, and documents it in the image.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN cd /app && npm ci
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// WORKDIR /app
    /// RUN npm ci
    /// ```
    pub struct CdInRun {
        id: "cd-in-run",
        severity: Info,
        domains: [Dockerfile],
        summary: "`RUN` starts with `cd` where `WORKDIR` is meant",
    }
}

impl Rule for CdInRun {
    fn check_dockerfile(&self, cx: &DockerfileContext<'_>, report: &mut Reporter<'_>) {
        for (_, _, instruction) in support::runs(cx.dockerfile) {
            if instruction.shell_text().is_some_and(|t| t.value.trim_start().starts_with(['(', '{'])) {
                continue;
            }
            let scripts = support::scripts(instruction);
            let Some(script) = scripts.iter().find(|s| !s.is_empty()) else { continue };
            let Some(first) = script.first() else { continue };
            if first.name() != Some("cd") {
                continue;
            }
            let Some(target) = first.args().iter().find(|w| !w.value.starts_with('-')) else { continue };
            let dir = target.value.as_str();
            let absolute = dir.starts_with('/') || dir.starts_with('$') && !dir.starts_with("$(");
            let scratch = dir == "/tmp" || dir.starts_with("/tmp/") || dir.starts_with("/var/tmp");
            if !absolute || scratch {
                continue;
            }
            let alone = script.len() == 1 && scripts.iter().filter(|s| !s.is_empty()).count() == 1;
            let message = if alone {
                format!("`RUN cd {dir}` has no effect on later instructions; use `WORKDIR {dir}`")
            } else {
                format!("`RUN` starts with `cd {dir}`; set `WORKDIR {dir}` once instead")
            };
            let span = first.name_word().map_or(first.span(), |w| w.span).cover(target.span);
            report.report(span, message);
        }
    }
}
