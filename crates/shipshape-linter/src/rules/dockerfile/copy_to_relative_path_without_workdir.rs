use crate::context::DockerfileContext;
use crate::declare_rule;
use crate::rule::{Reporter, Rule};
use crate::rules::dockerfile::support;

declare_rule! {
    /// ## What it does
    /// Flags a `COPY` or `ADD` whose destination is a relative path (`.`,
    /// `app/`) when no `WORKDIR` is set in the stage or in the stages it is
    /// built on. Variables are expanded with `ARG`/`ENV` defaults; a
    /// destination whose value is unknown is skipped.
    ///
    /// ## Why is this bad?
    /// A relative destination is resolved against the working directory of
    /// the base image, which the Dockerfile does not set: `/` for most
    /// images, something else for others, and whatever the next version of
    /// the base image chooses. Files land in a place the `CMD` and the
    /// reader cannot be sure of. Set a `WORKDIR` (or copy to an absolute
    /// path).
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM node:22-slim
    /// COPY . .
    /// CMD ["node", "server.js"]
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM node:22-slim
    /// WORKDIR /app
    /// COPY . .
    /// CMD ["node", "server.js"]
    /// ```
    ///
    /// ## References
    /// - [Docker: WORKDIR](https://docs.docker.com/reference/dockerfile/#workdir)
    /// - [hadolint DL3045](https://github.com/hadolint/hadolint/wiki/DL3045)
    pub struct CopyToRelativePathWithoutWorkdir {
        id: "copy-to-relative-path-without-workdir",
        severity: Warning,
        domains: [Dockerfile],
        summary: "`COPY` to a relative path in a stage without `WORKDIR`",
    }
}

/// `/abs`, `C:\abs` or `C:/abs`.
fn is_absolute(path: &str) -> bool {
    let bytes = path.as_bytes();
    path.starts_with('/')
        || path.starts_with('\\')
        || (bytes.len() >= 2 && bytes[0].is_ascii_alphabetic() && bytes[1] == b':')
}

impl Rule for CopyToRelativePathWithoutWorkdir {
    fn check_dockerfile(&self, cx: &DockerfileContext<'_>, report: &mut Reporter<'_>) {
        support::walk(cx.dockerfile, |_, _, instruction, state| {
            if !matches!(instruction.keyword.as_str(), "COPY" | "ADD") || state.workdir.is_some() {
                return;
            }
            let Some((_, destination)) = support::copy_paths(instruction) else { return };
            let Some(path) = state.expand(&destination.value) else { return };
            if path.is_empty() || path.contains('$') || is_absolute(&path) {
                return;
            }
            report.report(
                destination.span,
                format!(
                    "`{}` copies to the relative path `{path}` and no `WORKDIR` is set, so where it lands depends \
                     on the base image; set `WORKDIR` first",
                    instruction.keyword
                ),
            );
        });
    }
}
