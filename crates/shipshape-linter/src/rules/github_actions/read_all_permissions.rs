use super::workflow::Workflow;
use crate::context::YamlFileContext;
use crate::declare_rule;
use crate::rule::{Reporter, Rule};

declare_rule! {
    /// ## What it does
    /// Flags `permissions: read-all`, at the workflow or the job level.
    ///
    /// ## Why is this bad?
    /// `read-all` lets the token read every scope, including security
    /// alerts, deployments and private packages, where most jobs need only
    /// `contents: read`. It is far better than the defaults, so this is
    /// advice: list the scopes instead.
    ///
    /// ## Example
    /// ```yaml
    /// permissions: read-all
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// permissions:
    ///   contents: read
    /// ```
    ///
    /// ## References
    /// - [zizmor: excessive-permissions](https://docs.zizmor.sh/audits/#excessive-permissions)
    pub struct ReadAllPermissions {
        id: "read-all-permissions",
        severity: Info,
        domains: [GithubActions],
        summary: "Token is granted read access to every scope (`read-all`)",
    }
}

impl Rule for ReadAllPermissions {
    fn check_yaml(&self, cx: &YamlFileContext<'_>, report: &mut Reporter<'_>) {
        let Some(workflow) = Workflow::of(cx) else { return };
        let levels =
            std::iter::once(workflow.root.get("permissions")).chain(workflow.jobs.iter().map(|j| j.get("permissions")));
        for permissions in levels.flatten() {
            if permissions.as_str().is_some_and(|p| p.trim() == "read-all") {
                report.report(
                    permissions.span,
                    "`read-all` lets the token read every scope; list the scopes the job reads",
                );
            }
        }
    }
}
