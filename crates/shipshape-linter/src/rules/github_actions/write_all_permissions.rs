use super::workflow::Workflow;
use crate::context::YamlFileContext;
use crate::declare_rule;
use crate::rule::{Reporter, Rule};

declare_rule! {
    /// ## What it does
    /// Flags `permissions: write-all`, at the workflow or the job level.
    ///
    /// ## Why is this bad?
    /// `write-all` gives the job's `GITHUB_TOKEN` write access to every
    /// scope: the code, releases, packages, issues, pull requests, workflow
    /// runs, deployments, security events… Any step that is compromised or
    /// tricked (a third-party action, an injected command) can push code or
    /// publish a release with it. Grant only the scopes the job uses.
    ///
    /// ## Example
    /// ```yaml
    /// permissions: write-all
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// permissions:
    ///   contents: read
    /// ```
    ///
    /// ## References
    /// - [Controlling permissions for GITHUB_TOKEN](https://docs.github.com/en/actions/writing-workflows/choosing-what-your-workflow-does/controlling-permissions-for-github_token)
    pub struct WriteAllPermissions {
        id: "write-all-permissions",
        severity: Error,
        domains: [GithubActions],
        summary: "Token is granted write access to every scope (`write-all`)",
    }
}

impl Rule for WriteAllPermissions {
    fn check_yaml(&self, cx: &YamlFileContext<'_>, report: &mut Reporter<'_>) {
        let Some(workflow) = Workflow::of(cx) else { return };
        let levels = std::iter::once(("the workflow".to_string(), workflow.root.get("permissions")))
            .chain(workflow.jobs.iter().map(|j| (format!("job `{}`", j.id), j.get("permissions"))));
        for (level, permissions) in levels {
            let Some(permissions) = permissions else { continue };
            if permissions.as_str().is_some_and(|p| p.trim() == "write-all") {
                report.report(
                    permissions.span,
                    format!("{level} grants the token write access to every scope; list only the scopes it needs"),
                );
            }
        }
    }
}
