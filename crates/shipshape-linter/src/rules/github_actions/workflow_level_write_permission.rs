use super::unneeded_write_permission::{may_write, write_scopes};
use super::workflow::{Job, Workflow};
use crate::context::YamlFileContext;
use crate::declare_rule;
use crate::rule::{Reporter, Rule};

declare_rule! {
    /// ## What it does
    /// Flags a `write` permission in the top-level `permissions:` of a
    /// workflow with several jobs, when some of the jobs that inherit it
    /// (those without `permissions:` of their own) need it and others
    /// do not appear to. A workflow whose jobs all set their own
    /// permissions, a one-job workflow, and a reusable workflow (only
    /// `on: workflow_call`) are not flagged; a grant that no inheriting
    /// job needs is reported by `unneeded-write-permission`, and
    /// `write-all` by `write-all-permissions`.
    ///
    /// ## Why is this bad?
    /// Every job without its own `permissions:` gets the workflow-level
    /// grant: a lint or test job that runs third-party code then holds a
    /// token that can push, publish or comment, although only the release
    /// job needed it. Grant `read` at the workflow level and `write` on the
    /// jobs that use it.
    ///
    /// ## Example
    /// ```yaml
    /// permissions:
    ///   contents: write
    /// jobs:
    ///   test: {runs-on: ubuntu-latest, steps: [{run: make test}]}
    ///   release: {runs-on: ubuntu-latest, steps: [{run: gh release create v1}]}
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// permissions:
    ///   contents: read
    /// jobs:
    ///   test: {runs-on: ubuntu-latest, steps: [{run: make test}]}
    ///   release:
    ///     runs-on: ubuntu-latest
    ///     permissions:
    ///       contents: write
    ///     steps: [{run: gh release create v1}]
    /// ```
    ///
    /// ## References
    /// - [GitHub: permissions for the GITHUB_TOKEN](https://docs.github.com/en/actions/writing-workflows/choosing-what-your-workflow-does/controlling-permissions-for-github_token)
    /// - [zizmor: excessive-permissions](https://docs.zizmor.sh/audits/#excessive-permissions)
    pub struct WorkflowLevelWritePermission {
        id: "workflow-level-write-permission",
        severity: Warning,
        domains: [GithubActions],
        summary: "Workflow-level `write` permission reaches jobs that do not need it",
    }
}

impl Rule for WorkflowLevelWritePermission {
    fn check_yaml(&self, cx: &YamlFileContext<'_>, report: &mut Reporter<'_>) {
        let Some(workflow) = Workflow::of(cx) else { return };
        let reusable_only =
            !workflow.triggers.is_empty() && workflow.triggers.iter().all(|t| t.name == "workflow_call");
        if workflow.is_action() || reusable_only || workflow.jobs.len() < 2 {
            return;
        }
        let inheriting: Vec<&Job<'_>> = workflow.jobs.iter().filter(|j| j.get("permissions").is_none()).collect();
        let (writers, readers): (Vec<&Job<'_>>, Vec<&Job<'_>>) = inheriting.iter().partition(|j| may_write(j));
        if writers.is_empty() || readers.is_empty() {
            return;
        }
        let names = |jobs: &[&Job<'_>]| jobs.iter().map(|j| format!("`{}`", j.id)).collect::<Vec<_>>().join(", ");
        for (scope, key) in write_scopes(workflow.root.get("permissions")) {
            report.report(
                key.span,
                format!(
                    "`{scope}: write` at the workflow level also goes to jobs that do not appear to need it ({}); \
                     grant `read` here and `write` on {}",
                    names(&readers),
                    names(&writers)
                ),
            );
        }
    }
}
