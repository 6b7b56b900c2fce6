use super::workflow::{from_matrix, Workflow};
use crate::context::YamlFileContext;
use crate::declare_rule;
use crate::rule::{Reporter, Rule};

declare_rule! {
    /// ## What it does
    /// Flags a job that runs on a self-hosted runner (`runs-on` with the
    /// `self-hosted` label, also through a matrix) in a workflow triggered
    /// by events that people outside the repository can cause:
    /// `pull_request`, `pull_request_target`, `pull_request_review`,
    /// `pull_request_review_comment`, `issue_comment`, `issues`,
    /// `discussion`, `discussion_comment`, `workflow_run`, `fork`, `watch`.
    ///
    /// ## Why is this bad?
    /// On a public repository anyone can open a pull request whose code runs
    /// on the runner. Self-hosted runners are not wiped between jobs: the
    /// attacker's code can persist on the machine, read the next jobs'
    /// secrets, and reach the network the runner lives in. GitHub advises
    /// never to use self-hosted runners with public repositories; keep
    /// these events on GitHub-hosted (ephemeral) runners.
    ///
    /// ## Example
    /// ```yaml
    /// on: pull_request
    /// jobs:
    ///   test:
    ///     runs-on: [self-hosted, linux]
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// on: pull_request
    /// jobs:
    ///   test:
    ///     runs-on: ubuntu-24.04
    /// ```
    ///
    /// ## References
    /// - [Self-hosted runner security](https://docs.github.com/en/actions/hosting-your-own-runners/managing-self-hosted-runners/about-self-hosted-runners#self-hosted-runner-security)
    /// - [zizmor: self-hosted-runner](https://docs.zizmor.sh/audits/#self-hosted-runner)
    pub struct SelfHostedRunnerOnPublicTrigger {
        id: "self-hosted-runner-on-public-trigger",
        severity: Warning,
        domains: [GithubActions],
        summary: "Self-hosted runner runs jobs for events anyone can trigger",
    }
}

pub(crate) const PUBLIC_TRIGGERS: &[&str] = &[
    "pull_request",
    "pull_request_target",
    "pull_request_review",
    "pull_request_review_comment",
    "issue_comment",
    "issues",
    "discussion",
    "discussion_comment",
    "workflow_run",
    "fork",
    "watch",
];

impl Rule for SelfHostedRunnerOnPublicTrigger {
    fn check_yaml(&self, cx: &YamlFileContext<'_>, report: &mut Reporter<'_>) {
        let Some(workflow) = Workflow::of(cx) else { return };
        let Some(trigger) = workflow.triggers.iter().find(|t| PUBLIC_TRIGGERS.contains(&t.name.as_str())) else {
            return;
        };
        for job in &workflow.jobs {
            let Some(sets) = job.runner_labels() else { continue };
            for set in sets {
                if let Some((node, _)) = set.iter().find(|(_, l)| l.eq_ignore_ascii_case("self-hosted")) {
                    report.report(
                        node.span,
                        format!(
                            "job `{}` runs on a self-hosted runner{} for `{}` events, which anyone can cause; use a GitHub-hosted runner",
                            job.id,
                            from_matrix(node),
                            trigger.name
                        ),
                    );
                }
            }
        }
    }
}
