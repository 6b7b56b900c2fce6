use shipshape_yaml::Node;

use super::workflow::Workflow;
use crate::context::YamlFileContext;
use crate::declare_rule;
use crate::rule::{Reporter, Rule};

declare_rule! {
    /// ## What it does
    /// Flags a workflow without a top-level `permissions:` block when some
    /// of its jobs have none either, since they run with the default
    /// permissions of the `GITHUB_TOKEN`. One finding per cause: when no
    /// job sets `permissions:`, one finding at the workflow's first line
    /// naming them; when some jobs set their own, one at each job that
    /// does not. Jobs
    /// of a workflow that can only be called by other workflows
    /// (`on: workflow_call`) take their caller's permissions and are not
    /// counted, but jobs that call a reusable workflow are; jobs disabled
    /// with `if: false` never run and are not counted.
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

/// `if: false` (or `${{ false }}`): a job that never runs.
fn is_always_false(condition: &Node) -> bool {
    if condition.as_bool() == Some(false) {
        return true;
    }
    let Some(text) = condition.as_str() else { return false };
    let text = text.trim();
    let inner = text.strip_prefix("${{").and_then(|t| t.strip_suffix("}}")).unwrap_or(text);
    inner.trim() == "false"
}

impl Rule for DefaultTokenPermissions {
    fn check_yaml(&self, cx: &YamlFileContext<'_>, report: &mut Reporter<'_>) {
        let Some(workflow) = Workflow::of(cx) else { return };
        if workflow.is_action() || workflow.root.get("permissions").is_some() {
            return;
        }
        let reusable_only =
            !workflow.triggers.is_empty() && workflow.triggers.iter().all(|t| t.name == "workflow_call");
        let counted: Vec<_> = workflow
            .jobs
            .iter()
            .filter(|job| !(reusable_only && job.get("uses").is_none()))
            .filter(|job| !job.get("if").is_some_and(is_always_false))
            .collect();
        let bare: Vec<_> = counted.iter().filter(|job| job.get("permissions").is_none()).collect();
        if bare.is_empty() {
            return;
        }
        // One finding per cause: the missing top-level block when no job
        // sets its own, else each job that does not follow the others.
        if bare.len() == counted.len() && !reusable_only {
            let names: Vec<String> = bare.iter().map(|job| format!("`{}`", job.id)).collect();
            let jobs = match names.as_slice() {
                [one] => format!("job {one} runs"),
                many => format!("jobs {} run", many.join(", ")),
            };
            report.report(
                workflow.root.head_span(),
                format!(
                    "{jobs} with the repository's default token permissions (no `permissions:` on the workflow or the job); \
                     add a top-level `permissions:` block"
                ),
            );
            return;
        }
        for job in bare {
            report.report(
                job.key.span,
                format!(
                    "job `{}` runs with the repository's default token permissions; add a `permissions:` block to the job or the workflow",
                    job.id
                ),
            );
        }
    }
}
