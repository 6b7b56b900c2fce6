use super::workflow::Workflow;
use crate::context::YamlFileContext;
use crate::declare_rule;
use crate::rule::{Reporter, Rule};

declare_rule! {
    /// ## What it does
    /// Flags a workflow triggered by `pull_request_target`, `workflow_run`
    /// or `issue_comment` that checks out the pull request's code: an
    /// `actions/checkout` whose `ref` (or `repository`) names the head of
    /// the pull request (`github.event.pull_request.head.sha`, `head.ref`,
    /// `github.head_ref`, `github.event.workflow_run.head_sha`,
    /// `refs/pull/…`), or a script that fetches or checks it out
    /// (`gh pr checkout`, `git fetch origin pull/…`).
    ///
    /// ## Why is this bad?
    /// These triggers run in the context of the base repository, with a
    /// token that can write to it and with its secrets, even for pull
    /// requests from forks. Checking out the fork's code and then building
    /// or testing it (`npm install`, `make`, a test script) runs the
    /// attacker's code with those privileges ("pwn request").
    ///
    /// Build untrusted code in a `pull_request` workflow (no secrets,
    /// read-only token) and, if results must be published, pass them as an
    /// artifact to a privileged workflow that never runs them.
    ///
    /// ## Example
    /// ```yaml
    /// on: pull_request_target
    /// jobs:
    ///   test:
    ///     runs-on: ubuntu-latest
    ///     steps:
    ///       - uses: actions/checkout@v4
    ///         with:
    ///           ref: ${{ github.event.pull_request.head.sha }}
    ///       - run: npm ci && npm test
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// on: pull_request
    /// jobs:
    ///   test:
    ///     runs-on: ubuntu-latest
    ///     steps:
    ///       - uses: actions/checkout@v4
    ///       - run: npm ci && npm test
    /// ```
    ///
    /// ## References
    /// - [Keeping your GitHub Actions and workflows secure: preventing pwn requests](https://securitylab.github.com/resources/github-actions-preventing-pwn-requests/)
    pub struct UntrustedHeadCheckout {
        id: "untrusted-head-checkout",
        severity: Error,
        domains: [GithubActions],
        summary: "Privileged workflow checks out the code of a pull request",
    }
}

/// Expression contexts that name the head of a pull request.
const HEAD_CONTEXTS: &[&str] = &[
    "github.event.pull_request.head.sha",
    "github.event.pull_request.head.ref",
    "github.event.pull_request.head.repo.full_name",
    "github.event.pull_request.merge_commit_sha",
    "github.head_ref",
    "github.event.workflow_run.head_sha",
    "github.event.workflow_run.head_branch",
    "github.event.workflow_run.head_commit.id",
    "github.event.workflow_run.head_repository.full_name",
];

/// True when `text` (a `ref:` value or a command) names the pull request's head.
fn names_head(text: &str) -> bool {
    let lower = text.to_ascii_lowercase();
    let compact: String = lower.chars().filter(|c| !c.is_whitespace()).collect();
    HEAD_CONTEXTS.iter().any(|c| compact.contains(c))
        || lower.contains("refs/pull/")
        || (lower.contains("pull/") && (lower.contains("/head") || lower.contains("/merge")))
}

impl Rule for UntrustedHeadCheckout {
    fn check_yaml(&self, cx: &YamlFileContext<'_>, report: &mut Reporter<'_>) {
        let Some(workflow) = Workflow::of(cx) else { return };
        let Some(trigger) = workflow
            .triggers
            .iter()
            .find(|t| matches!(t.name.as_str(), "pull_request_target" | "workflow_run" | "issue_comment"))
        else {
            return;
        };
        let trigger = trigger.name.clone();
        for (_, step) in workflow.steps() {
            if let Some(uses) = step.uses() {
                if !uses.is("actions/checkout") {
                    continue;
                }
                for input in ["ref", "repository"] {
                    let Some(value) = step.with(input) else { continue };
                    if value.as_str().is_some_and(names_head) {
                        report.report(
                            value.span,
                            format!(
                                "`{trigger}` runs with a write token and secrets, and this checks out the pull request's code; build it in a `pull_request` workflow instead"
                            ),
                        );
                        break;
                    }
                }
                continue;
            }
            let Some(run) = step.run() else { continue };
            let script = workflow.script(run);
            for (at, line) in script.lines() {
                let lower = line.to_ascii_lowercase();
                let fetches = lower.contains("gh pr checkout")
                    || ((lower.contains("git fetch")
                        || lower.contains("git checkout")
                        || lower.contains("git switch"))
                        && names_head(line));
                if fetches {
                    let start = line.len() - line.trim_start().len();
                    report.report(
                        script.span(at + start, at + line.trim_end().len()),
                        format!(
                            "`{trigger}` runs with a write token and secrets, and this fetches the pull request's code; build it in a `pull_request` workflow instead"
                        ),
                    );
                }
            }
        }
    }
}
