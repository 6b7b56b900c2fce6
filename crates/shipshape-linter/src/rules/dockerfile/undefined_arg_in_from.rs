use crate::context::DockerfileContext;
use crate::declare_rule;
use crate::rule::{Reporter, Rule};
use crate::rules::dockerfile::support;

declare_rule! {
    /// ## What it does
    /// Flags a variable in a `FROM` line (image or `--platform`) that is not
    /// declared by an `ARG` before the first `FROM` and is not one of the
    /// predefined platform arguments (`BUILDPLATFORM`, `TARGETARCH`, …).
    /// `${NAME:-default}` is not flagged.
    ///
    /// ## Why is this bad?
    /// `FROM` only sees `ARG`s declared before the first `FROM`; one declared
    /// inside a stage, or not at all, expands to an empty string. The build
    /// then fails with "base name should not be blank" or, when the variable
    /// is only part of the reference (`python:${PY_VERSION}-slim`), pulls a
    /// different image than intended.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM python:${PY_VERSION}-slim
    /// ARG PY_VERSION=3.12
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// ARG PY_VERSION=3.12
    /// FROM python:${PY_VERSION}-slim
    /// ```
    ///
    /// ## References
    /// - [Docker: how ARG and FROM interact](https://docs.docker.com/reference/dockerfile/#understand-how-arg-and-from-interact)
    pub struct UndefinedArgInFrom {
        id: "undefined-arg-in-from",
        severity: Warning,
        domains: [Dockerfile],
        summary: "Variable in `FROM` that no global `ARG` declares",
        kind: Defect,
    }
}

const PREDEFINED: &[&str] = &[
    "BUILDPLATFORM",
    "BUILDOS",
    "BUILDARCH",
    "BUILDVARIANT",
    "TARGETPLATFORM",
    "TARGETOS",
    "TARGETARCH",
    "TARGETVARIANT",
];

impl Rule for UndefinedArgInFrom {
    fn check_dockerfile(&self, cx: &DockerfileContext<'_>, report: &mut Reporter<'_>) {
        let df = cx.dockerfile;
        let declared: std::collections::HashSet<String> =
            df.global_args().flat_map(|i| i.key_values()).map(|(k, _)| k.value).collect();
        // Names declared by any `ARG`, computed once: only for the hint.
        let mut declared_anywhere: Option<std::collections::HashSet<String>> = None;
        for stage in &df.stages {
            let Some(from) = df.instructions.get(stage.from) else { continue };
            let mut checked = vec![(stage.image.value.clone(), stage.image.span)];
            checked.extend(
                from.flags
                    .iter()
                    .filter(|f| f.name == "platform")
                    .map(|f| (f.value.clone().unwrap_or_default(), f.span)),
            );
            for (text, span) in checked {
                for reference in support::variable_references(&text) {
                    if reference.has_default
                        || declared.contains(&reference.name)
                        || PREDEFINED.contains(&reference.name.as_str())
                    {
                        continue;
                    }
                    let in_stage = declared_anywhere
                        .get_or_insert_with(|| {
                            df.instructions
                                .iter()
                                .filter(|i| i.keyword == "ARG")
                                .flat_map(|i| i.key_values())
                                .map(|(k, _)| k.value)
                                .collect()
                        })
                        .contains(&reference.name);
                    let hint = if in_stage {
                        "it is declared after the first `FROM`, where `FROM` cannot see it; move that `ARG` above the first `FROM`"
                    } else {
                        "declare it with `ARG` (and a default) before the first `FROM`"
                    };
                    report.report(
                        span,
                        format!("`${}` in `FROM` is not a global build argument: {hint}", reference.name),
                    );
                }
            }
        }
    }
}
