use crate::context::DockerfileContext;
use crate::declare_rule;
use crate::rule::{Reporter, Rule};
use crate::rules::dockerfile::support;

declare_rule! {
    /// ## What it does
    /// Flags a `WORKDIR` with a relative path when no earlier `WORKDIR` of
    /// the stage (or of the stages it is built on) set an absolute one.
    /// Variables are expanded with `ARG`/`ENV` defaults; a path that starts
    /// with an unknown variable is skipped. A relative `WORKDIR` after an
    /// absolute one is well defined and not flagged.
    ///
    /// ## Why is this bad?
    /// A relative `WORKDIR` is resolved against the working directory of
    /// the base image, which the Dockerfile does not control: when the
    /// base image changes its `WORKDIR`, files land somewhere else and
    /// `CMD` stops finding them.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM node:22-slim
    /// WORKDIR app
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM node:22-slim
    /// WORKDIR /app
    /// ```
    ///
    /// ## References
    /// - [Docker build checks: WorkdirRelativePath](https://docs.docker.com/reference/build-checks/workdir-relative-path/)
    pub struct RelativeWorkdir {
        id: "relative-workdir",
        severity: Warning,
        domains: [Dockerfile],
        summary: "`WORKDIR` with a relative path",
    }
}

fn is_absolute(path: &str) -> bool {
    let bytes = path.as_bytes();
    path.starts_with(['/', '\\']) || (bytes.len() >= 2 && bytes[0].is_ascii_alphabetic() && bytes[1] == b':')
}

impl Rule for RelativeWorkdir {
    fn check_dockerfile(&self, cx: &DockerfileContext<'_>, report: &mut Reporter<'_>) {
        let df = cx.dockerfile;
        // Whether an absolute WORKDIR is in effect, per stage being walked.
        let mut absolute_seen: Option<(usize, bool)> = None;
        support::walk(df, |stage, _, instruction, state| {
            if absolute_seen.map(|(index, _)| index) != Some(stage.index) {
                absolute_seen = Some((stage.index, state.workdir.is_some()));
            }
            if instruction.keyword != "WORKDIR" {
                return;
            }
            let Some(word) = instruction.words().into_iter().next() else { return };
            let Some(path) = state.expand(&word.value) else { return };
            let seen = absolute_seen.is_some_and(|(_, seen)| seen);
            if is_absolute(&path) || path.starts_with('$') {
                absolute_seen = Some((stage.index, true));
            } else if !seen {
                report.report(
                    word.span,
                    format!("`WORKDIR {}` is relative to the base image's directory; use an absolute path", word.value),
                );
            }
        });
    }
}
