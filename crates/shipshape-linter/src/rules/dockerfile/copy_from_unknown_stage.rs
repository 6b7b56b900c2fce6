use crate::context::DockerfileContext;
use crate::declare_rule;
use crate::rule::{Reporter, Rule};
use crate::rules::dockerfile::support;

declare_rule! {
    /// ## What it does
    /// Flags `COPY --from=<name>` where `<name>` is not an earlier build
    /// stage: the stage's own name (a cycle), a stage defined later, an
    /// index that is not below the current stage's, or a bare name that is
    /// neither a stage nor a well-known Docker Hub image (such as
    /// `composer`, `busybox` or `nginx`) in a Dockerfile that names its
    /// stages. References that contain `/`, `:` or `.`, or a variable, are
    /// image references and are not flagged; in a Dockerfile without named
    /// stages a bare name is taken for an image or a named build context
    /// (`docker buildx build --build-context name=…`). Suppress the rule on
    /// a `COPY` that uses a named build context in a file with stages.
    ///
    /// ## Why is this bad?
    /// A misspelled stage name is read as an image name: the build tries to
    /// pull an image called `buidler` from Docker Hub and fails, or, worse,
    /// pulls somebody else's image of that name and copies files out of
    /// it. A stage cannot copy from itself, and the classic builder cannot
    /// copy from a stage defined further down.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM golang:1.23 AS builder
    /// RUN go build -o /out/app .
    /// FROM gcr.io/distroless/static-debian12
    /// COPY --from=buidler /out/app /app
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// COPY --from=builder /out/app /app
    /// ```
    pub struct CopyFromUnknownStage {
        id: "copy-from-unknown-stage",
        severity: Error,
        domains: [Dockerfile],
        summary: "`COPY --from` names no earlier build stage",
        kind: Defect,
    }
}

impl Rule for CopyFromUnknownStage {
    fn check_dockerfile(&self, cx: &DockerfileContext<'_>, report: &mut Reporter<'_>) {
        let df = cx.dockerfile;
        for stage in &df.stages {
            for (_, instruction) in support::body(df, stage).filter(|(_, i)| i.keyword == "COPY") {
                let Some(flag) = instruction.flag("from") else { continue };
                let Some(reference) = flag.value.as_deref() else { continue };
                if reference.is_empty() || reference.contains(['$', '/', ':', '.', '@']) {
                    continue;
                }
                let message = if let Ok(index) = reference.parse::<usize>() {
                    if index < stage.index {
                        continue;
                    }
                    format!(
                        "`--from={reference}` names no earlier stage: this is stage {}; use an earlier stage's name",
                        stage.index
                    )
                } else if stage.name.as_ref().is_some_and(|n| n.value.eq_ignore_ascii_case(reference)) {
                    format!("`--from={reference}` names the stage this `COPY` is in; a stage cannot copy from itself")
                } else if let Some(found) = support::stage_named(df, reference) {
                    if found.index < stage.index {
                        continue;
                    }
                    format!("`--from={reference}` names a stage defined later; move stage `{reference}` above this one")
                } else if support::OFFICIAL_IMAGES.contains(&reference.to_ascii_lowercase().as_str())
                    || !df.stages.iter().any(|s| s.name.is_some())
                {
                    continue;
                } else {
                    let names: Vec<&str> = df
                        .stages
                        .get(..stage.index)
                        .unwrap_or(&[])
                        .iter()
                        .filter_map(|s| s.name.as_ref().map(|n| n.value.as_str()))
                        .collect();
                    if names.is_empty() {
                        format!("`--from={reference}` names no build stage and will be pulled as image `{reference}:latest`")
                    } else {
                        format!(
                            "`--from={reference}` names no earlier build stage (stages: `{}`); fix the name or write a full image reference",
                            names.join("`, `")
                        )
                    }
                };
                report.report(flag.span, message);
            }
        }
    }
}
