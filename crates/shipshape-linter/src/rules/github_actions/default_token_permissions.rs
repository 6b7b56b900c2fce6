use super::workflow::Workflow;
use crate::context::YamlFileContext;
use crate::declare_rule;
use crate::rule::{Reporter, Rule};

declare_rule! {
    /// ## What it does
    /// Flags a workflow without a top-level `permissions:` block (at its
    /// first line) and each of its jobs that has none either, since they run
    /// with the default permissions of the `GITHUB_TOKEN`. Jobs of a
    /// workflow that can only be called by other workflows
    /// (`on: workflow_call`) take their caller's permissions and are not
    /// flagged, but jobs that call a reusable workflow are.
    ///
    /// ## Why is this bad?
    /// The default permissions are set per repository or organisation, and
    /// on many (older) repositories they are read and write on every scope.
    /// A job that says nothing gets whatever the setting is today, and any
    /// step of it can use that token. A top-level `permissions:` block makes
    /// the grant explicit and reviewable; jobs then ask for more only where
    /// needed.
    ///
    /// ## Example
    /// ```yaml
    /// on: push
    /// jobs:
    ///   test:
    ///     runs-on: ubuntu-latest
    ///     steps:
    ///       - run: make test
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// on: push
    /// permissions:
    ///   contents: read
    /// jobs:
    ///   test:
    ///     runs-on: ubuntu-latest
    ///     steps:
    ///       - run: make test
    /// ```
    ///
    /// ## References
    /// - [Controlling permissions for GITHUB_TOKEN](https://docs.github.com/en/actions/writing-workflows/choosing-what-your-workflow-does/controlling-permissions-for-github_token)
    pub struct DefaultTokenPermissions {
        id: "default-token-permissions",
        severity: Warning,
        domains: [GithubActions],
        summary: "Workflow or job runs with the default token permissions (no `permissions:`)",
    }
}

impl Rule for DefaultTokenPermissions {
    fn check_yaml(&self, cx: &YamlFileContext<'_>, report: &mut Reporter<'_>) {
        let Some(workflow) = Workflow::of(cx) else { return };
        if workflow.is_action() || workflow.root.get("permissions").is_some() {
            return;
        }
        let reusable_only =
            !workflow.triggers.is_empty() && workflow.triggers.iter().all(|t| t.name == "workflow_call");
        let bare: Vec<_> = workflow
            .jobs
            .iter()
            .filter(|job| job.get("permissions").is_none() && !(reusable_only && job.get("uses").is_none()))
            .collect();
        if !bare.is_empty() {
            report.report(
                workflow.root.head_span(),
                format!(
                    "the workflow has no top-level `permissions:`, so {} of its jobs get the repository's default token permissions",
                    bare.len()
                ),
            );
        }
        for job in bare {
            report.report(
                job.key.span,
                format!(
                    "job `{}` runs with the repository's default token permissions; add a `permissions:` block to the workflow or the job",
                    job.id
                ),
            );
        }
    }
}
