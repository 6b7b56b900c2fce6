use crate::context::DockerfileContext;
use crate::declare_rule;
use crate::rule::{Reporter, Rule};

declare_rule! {
    /// ## What it does
    /// Flags a build stage whose name (`FROM … AS name`) is already used by
    /// an earlier stage. Stage names are compared case-insensitively, as
    /// Docker does.
    ///
    /// ## Why is this bad?
    /// BuildKit refuses to build the file ("duplicate stage name"), and
    /// older builders resolve `COPY --from=name` and `FROM name` to one of
    /// the two, so what gets copied depends on the builder.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM node:22 AS build
    /// FROM golang:1.23 AS build
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM node:22 AS web-build
    /// FROM golang:1.23 AS api-build
    /// ```
    pub struct DuplicateStageName {
        id: "duplicate-stage-name",
        severity: Error,
        domains: [Dockerfile],
        summary: "Two build stages with the same name",
    }
}

impl Rule for DuplicateStageName {
    fn check_dockerfile(&self, cx: &DockerfileContext<'_>, report: &mut Reporter<'_>) {
        let stages = &cx.dockerfile.stages;
        for (i, stage) in stages.iter().enumerate() {
            let Some(name) = &stage.name else { continue };
            let earlier = stages
                .iter()
                .take(i)
                .any(|s| s.name.as_ref().is_some_and(|n| n.value.eq_ignore_ascii_case(&name.value)));
            if earlier {
                report.report(
                    name.span,
                    format!("Stage name `{}` is already used by an earlier stage; rename one of them", name.value),
                );
            }
        }
    }
}
