use super::workflow::Workflow;
use crate::context::YamlFileContext;
use crate::declare_rule;
use crate::rule::{Reporter, Rule};

declare_rule! {
    /// ## What it does
    /// Flags a `needs:` entry that names no job of the workflow (or the job
    /// itself).
    ///
    /// ## Why is this bad?
    /// GitHub rejects the whole workflow file ("Job 'deploy' depends on
    /// unknown job 'biuld'"), so none of its jobs run, and the error only
    /// shows in the Actions tab after the push. It usually comes from a
    /// typo or a job that was renamed.
    ///
    /// ## Example
    /// ```yaml
    /// jobs:
    ///   build:
    ///     runs-on: ubuntu-latest
    ///     steps: [{ run: make }]
    ///   deploy:
    ///     needs: biuld
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// jobs:
    ///   build:
    ///     runs-on: ubuntu-latest
    ///     steps: [{ run: make }]
    ///   deploy:
    ///     needs: build
    /// ```
    pub struct WorkflowNeedsUnknownJob {
        id: "workflow-needs-unknown-job",
        severity: Error,
        domains: [GithubActions],
        summary: "`needs:` names a job that does not exist",
        kind: Defect,
    }
}

impl Rule for WorkflowNeedsUnknownJob {
    fn check_yaml(&self, cx: &YamlFileContext<'_>, report: &mut Reporter<'_>) {
        let Some(workflow) = Workflow::of(cx) else { return };
        for job in &workflow.jobs {
            for (name, node) in job.needs() {
                if name.contains("${{") {
                    continue;
                }
                if name == job.id {
                    report.report(node.span, format!("job `{}` needs itself", job.id));
                } else if workflow.job(name).is_none() {
                    let hint = workflow
                        .jobs
                        .iter()
                        .find(|j| j.id.eq_ignore_ascii_case(name))
                        .map(|j| format!(" (job ids are case-sensitive: `{}`)", j.id))
                        .unwrap_or_default();
                    report.report(
                        node.span,
                        format!("job `{}` needs `{name}`, which is not a job of this workflow{hint}", job.id),
                    );
                }
            }
        }
    }
}
