use super::workflow::{UsesKind, Workflow};
use crate::context::YamlFileContext;
use crate::declare_rule;
use crate::rule::{Reporter, Rule};

declare_rule! {
    /// ## What it does
    /// Flags a `uses:` of a widely used action at a major version that runs
    /// on Node.js 12 or 16 (`actions/checkout@v2`, `actions/cache@v3`,
    /// `docker/login-action@v2`…), read from the ref or from the `# v3.6.0`
    /// comment after a SHA. Only actions whose runtimes are known are
    /// judged.
    ///
    /// ## Why is this bad?
    /// GitHub retired both runtimes: runners run these actions on a newer
    /// Node.js than they were written for, print deprecation warnings on
    /// every run, and will refuse them outright. Old majors also miss
    /// security fixes (`actions/upload-artifact@v3` and
    /// `actions/download-artifact@v3` stopped working in January 2025).
    /// Move to the current major.
    ///
    /// ## Example
    /// ```yaml
    /// - uses: actions/checkout@v2
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// - uses: actions/checkout@v4
    /// ```
    ///
    /// ## References
    /// - [GitHub: transitioning from Node 16 to Node 20](https://github.blog/changelog/2023-09-22-github-actions-transitioning-from-node-16-to-node-20/)
    /// - [actionlint: outdated popular actions](https://github.com/rhysd/actionlint/blob/main/docs/checks.md#detect-outdated-popular-actions)
    pub struct ActionOnDeprecatedNodeRuntime {
        id: "action-on-deprecated-node-runtime",
        severity: Warning,
        domains: [GithubActions],
        summary: "Action version runs on a retired Node.js runtime (node12, node16)",
    }
}

/// `owner/repo`, and the first major version that runs on Node.js 20.
const FIRST_NODE20_MAJOR: &[(&str, u32)] = &[
    ("actions/checkout", 4),
    ("actions/setup-node", 4),
    ("actions/setup-python", 5),
    ("actions/setup-go", 4),
    ("actions/setup-java", 4),
    ("actions/setup-dotnet", 4),
    ("actions/cache", 4),
    ("actions/upload-artifact", 4),
    ("actions/download-artifact", 4),
    ("actions/github-script", 7),
    ("actions/labeler", 5),
    ("actions/stale", 9),
    ("docker/login-action", 3),
    ("docker/setup-buildx-action", 3),
    ("docker/setup-qemu-action", 3),
    ("docker/build-push-action", 5),
    ("docker/metadata-action", 5),
    ("github/codeql-action", 3),
    ("peter-evans/create-pull-request", 6),
    ("softprops/action-gh-release", 2),
    ("aws-actions/configure-aws-credentials", 4),
    ("codecov/codecov-action", 4),
    ("golangci/golangci-lint-action", 4),
    ("hashicorp/setup-terraform", 3),
    ("azure/login", 2),
    ("dorny/paths-filter", 3),
];

impl Rule for ActionOnDeprecatedNodeRuntime {
    fn check_yaml(&self, cx: &YamlFileContext<'_>, report: &mut Reporter<'_>) {
        let Some(workflow) = Workflow::of(cx) else { return };
        for (_, step) in workflow.steps() {
            let Some(uses) = step.uses() else { continue };
            let UsesKind::Repository { owner, repo, .. } = uses.kind else { continue };
            let name = format!("{owner}/{repo}").to_ascii_lowercase();
            let Some((action, first)) = FIRST_NODE20_MAJOR.iter().find(|(a, _)| *a == name) else { continue };
            let Some(major) = uses.major_version(cx.text, cx.base) else { continue };
            if major >= *first {
                continue;
            }
            report.report(
                workflow.step_span(step, uses.node),
                format!(
                    "`{action}` v{major} runs on Node.js 12 or 16, which GitHub retired; move to v{first} or later"
                ),
            );
        }
    }
}
