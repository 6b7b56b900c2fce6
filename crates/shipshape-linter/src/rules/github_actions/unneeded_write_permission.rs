use shipshape_yaml::Node;

use super::workflow::{Job, Workflow};
use crate::context::YamlFileContext;
use crate::declare_rule;
use crate::rule::{Reporter, Rule};

declare_rule! {
    /// ## What it does
    /// Flags a `write` permission granted to jobs that show no sign of
    /// using it: no step pushes, tags, releases, publishes, deploys or
    /// calls the GitHub API or CLI, no step hands the token to an action,
    /// and every action used is one known not to write (`actions/checkout`,
    /// `actions/setup-*`, caches, artifacts…). A workflow-level grant is
    /// flagged when no job that inherits it needs it.
    ///
    /// ## Why is this bad?
    /// Every step of the job can use the token: a compromised dependency or
    /// an injected command with `contents: write` can push to the default
    /// branch or move a release tag. A job that only builds and tests needs
    /// `contents: read`. This is a heuristic, so it is advice.
    ///
    /// ## Example
    /// ```yaml
    /// permissions:
    ///   contents: write
    /// jobs:
    ///   test:
    ///     runs-on: ubuntu-latest
    ///     steps:
    ///       - uses: actions/checkout@v4
    ///       - run: make test
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// permissions:
    ///   contents: read
    /// jobs:
    ///   test:
    ///     runs-on: ubuntu-latest
    ///     steps:
    ///       - uses: actions/checkout@v4
    ///       - run: make test
    /// ```
    ///
    /// ## References
    /// - [zizmor: excessive-permissions](https://docs.zizmor.sh/audits/#excessive-permissions)
    pub struct UnneededWritePermission {
        id: "unneeded-write-permission",
        severity: Info,
        domains: [GithubActions],
        summary: "Write permission granted to a job that does not appear to use it",
    }
}

/// Actions known not to use a write token.
fn is_read_only_action(name: &str) -> bool {
    let name = name.to_ascii_lowercase();
    let repo = name.split('/').nth(1).unwrap_or("");
    repo.starts_with("setup-")
        || [
            "actions/checkout",
            "actions/cache",
            "actions/upload-artifact",
            "actions/download-artifact",
            "docker/metadata-action",
            "dtolnay/rust-toolchain",
            "swatinem/rust-cache",
            "pnpm/action-setup",
            "codecov/codecov-action",
            "taiki-e/install-action",
        ]
        .iter()
        .any(|a| name == *a || name.starts_with(&format!("{a}/")))
}

/// Words of a script that suggest it uses the token or publishes something.
const WRITE_HINTS: &[&str] = &[
    "gh ",
    " push",
    "git tag",
    "github_token",
    "gh_token",
    "github.token",
    "api.github.com",
    "actions_id_token",
    "publish",
    "release",
    "deploy",
    "upload",
    "cosign",
    "attest",
    "ghcr.io",
    "curl",
    "octokit",
];

fn mentions_token(node: &Node) -> bool {
    match node.as_str() {
        Some(text) => {
            let lower = text.to_ascii_lowercase();
            lower.contains("github_token") || lower.contains("github.token")
        }
        None => node.entries().iter().any(|e| mentions_token(&e.value)) || node.items().iter().any(mentions_token),
    }
}

pub(super) fn may_write(job: &Job<'_>) -> bool {
    if job.get("uses").is_some() || job.get("env").is_some_and(mentions_token) {
        return true;
    }
    job.steps.iter().any(|step| {
        if step.get("env").is_some_and(mentions_token) || step.get("with").is_some_and(mentions_token) {
            return true;
        }
        if let Some(run) = step.run().and_then(Node::as_str) {
            let lower = run.to_ascii_lowercase();
            if WRITE_HINTS.iter().any(|h| lower.contains(h)) {
                return true;
            }
        }
        match step.get("uses").and_then(Node::as_str) {
            Some(uses) => !is_read_only_action(uses.split('@').next().unwrap_or("")),
            None => false,
        }
    })
}

pub(super) fn write_scopes(permissions: Option<&Node>) -> Vec<(&str, &Node)> {
    permissions
        .map(|p| p.entries())
        .unwrap_or_default()
        .into_iter()
        .filter(|e| e.value.as_str().is_some_and(|v| v.trim() == "write"))
        .filter_map(|e| e.key.as_str().map(|k| (k, &e.key)))
        .collect()
}

impl Rule for UnneededWritePermission {
    fn check_yaml(&self, cx: &YamlFileContext<'_>, report: &mut Reporter<'_>) {
        let Some(workflow) = Workflow::of(cx) else { return };
        if workflow.is_action() {
            return;
        }
        let message = |scope: &str, who: &str| {
            format!(
                "`{scope}: write` is granted to {who}, but no step appears to push, release, publish or pass the token on; grant `read` or nothing"
            )
        };
        for job in &workflow.jobs {
            for (scope, key) in write_scopes(job.get("permissions")) {
                if !may_write(job) {
                    report.report(key.span, message(scope, &format!("job `{}`", job.id)));
                }
            }
        }
        let inheriting: Vec<&Job<'_>> = workflow.jobs.iter().filter(|j| j.get("permissions").is_none()).collect();
        if inheriting.is_empty() || inheriting.iter().any(|j| may_write(j)) {
            return;
        }
        for (scope, key) in write_scopes(workflow.root.get("permissions")) {
            report.report(key.span, message(scope, "every job of the workflow"));
        }
    }
}
