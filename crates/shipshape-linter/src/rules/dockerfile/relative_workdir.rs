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
        for stage in &df.stages {
            let mut absolute_seen = support::chain(df, stage)
                .iter()
                .skip(1)
                .any(|s| support::body(df, s).any(|(_, i)| i.keyword == "WORKDIR"));
            for (index, instruction) in support::body(df, stage).filter(|(_, i)| i.keyword == "WORKDIR") {
                let Some(word) = instruction.words().into_iter().next() else { continue };
                let values = support::variables(df, stage, index);
                let Some(path) = support::expand_with(&values, &word.value) else { continue };
                if is_absolute(&path) || path.starts_with('$') {
                    absolute_seen = true;
                    continue;
                }
                if !absolute_seen {
                    report.report(
                        word.span,
                        format!(
                            "`WORKDIR {}` is relative to the base image's directory; use an absolute path",
                            word.value
                        ),
                    );
                }
            }
        }
    }
}
