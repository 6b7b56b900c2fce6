use crate::context::YamlFileContext;
use crate::declare_rule;
use crate::roles::YamlRole;
use crate::rule::{Reporter, Rule};
use crate::rules::gitlab_ci::support::Config;

declare_rule! {
    /// ## What it does
    /// Flags `CI_DEBUG_TRACE: "true"` or `CI_DEBUG_SERVICES: "true"` set in
    /// the pipeline file (globally, on a job, or by a rule).
    ///
    /// ## Why is this bad?
    /// Debug tracing makes the runner print every command with its
    /// variables expanded and the full environment of the job — including
    /// masked and protected variables, file variables and the job token —
    /// into the job log. GitLab's docs warn that anyone who can read the log
    /// can then read every secret. Turn it on for one run, from the UI
    /// (*Run pipeline* with the variable), on a project whose logs only
    /// maintainers can see, and never commit it.
    ///
    /// ## Example
    /// ```yaml
    /// variables:
    ///   CI_DEBUG_TRACE: "true"
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// variables:
    ///   CI_DEBUG_TRACE: "false"
    /// ```
    /// or remove the variable.
    ///
    /// ## References
    /// - [GitLab: Debug logging](https://docs.gitlab.com/ci/variables/variables_troubleshooting/#enable-debug-logging)
    pub struct GitlabDebugTraceEnabled {
        id: "gitlab-debug-trace-enabled",
        severity: Warning,
        domains: [GitlabCi],
        summary: "GitLab CI debug tracing turned on in the pipeline file",
    }
}

impl Rule for GitlabDebugTraceEnabled {
    fn check_yaml(&self, cx: &YamlFileContext<'_>, report: &mut Reporter<'_>) {
        if cx.role != YamlRole::GitlabCi {
            return;
        }
        for doc in &Config::of_file(cx).docs {
            for variable in doc.variables() {
                let on = matches!(variable.text().trim().to_ascii_lowercase().as_str(), "true" | "1");
                if on && matches!(variable.name, "CI_DEBUG_TRACE" | "CI_DEBUG_SERVICES") {
                    report.report(
                        variable.key.span.cover(variable.value.span),
                        format!(
                            "`{}` prints every variable, masked ones included, into the job log; remove it",
                            variable.name
                        ),
                    );
                }
            }
        }
    }
}
