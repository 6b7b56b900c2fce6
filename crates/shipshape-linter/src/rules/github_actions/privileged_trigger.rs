use super::workflow::Workflow;
use crate::context::YamlFileContext;
use crate::declare_rule;
use crate::rule::{Reporter, Rule};

declare_rule! {
    /// ## What it does
    /// Points at `pull_request_target`, `workflow_run` and `issue_comment`
    /// triggers.
    ///
    /// ## Why is this bad?
    /// They run in the context of the base repository, with its secrets and
    /// a token that can write to it, on events that anyone can cause (a pull
    /// request from a fork, a workflow that such a pull request started, a
    /// comment on an issue or pull request, which ChatOps workflows answer
    /// by checking out the pull request).
    /// They are safe only as long as nothing in the workflow runs or
    /// interpolates the pull request's content; they are the usual entry
    /// point of supply-chain attacks on repositories. This is advice:
    /// `untrusted-head-checkout` and `template-injection` flag the concrete
    /// mistakes.
    ///
    /// ## Example
    /// ```yaml
    /// on: pull_request_target
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// on: pull_request
    /// ```
    ///
    /// ## References
    /// - [zizmor: dangerous-triggers](https://docs.zizmor.sh/audits/#dangerous-triggers)
    pub struct PrivilegedTrigger {
        id: "privileged-trigger",
        severity: Info,
        domains: [GithubActions],
        summary: "Workflow uses a trigger that runs untrusted events with privileges",
    }
}

impl Rule for PrivilegedTrigger {
    fn check_yaml(&self, cx: &YamlFileContext<'_>, report: &mut Reporter<'_>) {
        let Some(workflow) = Workflow::of(cx) else { return };
        for trigger in workflow.privileged_triggers() {
            report.report(
                trigger.node.span,
                format!(
                    "`{}` runs with the repository's secrets and a write token on events anyone can cause; never run or interpolate the pull request's content",
                    trigger.name
                ),
            );
        }
        for trigger in workflow.triggers.iter().filter(|t| t.name == "issue_comment") {
            report.report(
                trigger.node.span,
                "`issue_comment` runs with the repository's secrets and a write token whenever anyone comments; \
                 never run or interpolate the comment or the pull request it is on",
            );
        }
    }
}
