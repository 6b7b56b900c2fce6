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
        kind: Defect,
    }
}

impl Rule for DuplicateStageName {
    fn check_dockerfile(&self, cx: &DockerfileContext<'_>, report: &mut Reporter<'_>) {
        let mut seen = std::collections::HashSet::new();
        for stage in &cx.dockerfile.stages {
            let Some(name) = &stage.name else { continue };
            if !seen.insert(name.value.to_ascii_lowercase()) {
                report.report(
                    name.span,
                    format!("Stage name `{}` is already used by an earlier stage; rename one of them", name.value),
                );
            }
        }
    }
}
