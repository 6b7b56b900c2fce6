use super::expr::{self, Expr};
use super::workflow::Workflow;
use crate::context::YamlFileContext;
use crate::declare_rule;
use crate::rule::{Reporter, Rule};

declare_rule! {
    /// ## What it does
    /// Flags an `if:` that trusts a run because of who triggered it
    /// (`github.actor == 'dependabot[bot]'`, `github.triggering_actor == …`)
    /// in a workflow triggered by `pull_request_target`, `workflow_run`,
    /// `issue_comment` or `pull_request_review(_comment)`.
    ///
    /// ## Why is this bad?
    /// `github.actor` is whoever caused the latest event, not the author of
    /// the code the run sees. An attacker can open a pull request, wait for
    /// Dependabot (or another bot) to act on it, or have it re-run, and the
    /// check passes while the code is theirs. Check the pull request's
    /// author (`github.event.pull_request.user.login`) and that its head
    /// repository is this one.
    ///
    /// ## Example
    /// ```yaml
    /// on: pull_request_target
    /// jobs:
    ///   automerge:
    ///     if: github.actor == 'dependabot[bot]'
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// on: pull_request_target
    /// jobs:
    ///   automerge:
    ///     if: github.event.pull_request.user.login == 'dependabot[bot]' && github.event.pull_request.head.repo.full_name == github.repository
    /// ```
    ///
    /// ## References
    /// - [zizmor: bot-conditions](https://docs.zizmor.sh/audits/#bot-conditions)
    pub struct SpoofableActorCondition {
        id: "spoofable-actor-condition",
        severity: Warning,
        domains: [GithubActions],
        summary: "Condition trusts `github.actor` in a workflow others can trigger",
    }
}

const ACTOR: &[&str] = &["github.actor", "github.triggering_actor", "github.actor_id", "github.triggering_actor_id"];

fn is_actor(expr: &Expr) -> bool {
    matches!(expr, Expr::Context(path) if ACTOR.contains(&path.to_ascii_lowercase().as_str()))
}

/// True when the expression compares the actor with something, or looks
/// it up in a list.
fn compares_actor(expr: &Expr) -> bool {
    match expr {
        Expr::Compare(a, b) => is_actor(a) || is_actor(b) || compares_actor(a) || compares_actor(b),
        Expr::Call(name, args) => (name == "contains" && args.iter().any(is_actor)) || args.iter().any(compares_actor),
        Expr::Not(inner) | Expr::Member(inner) => compares_actor(inner),
        Expr::And(a, b) | Expr::Or(a, b) => compares_actor(a) || compares_actor(b),
        Expr::Literal | Expr::Context(_) => false,
    }
}

impl Rule for SpoofableActorCondition {
    fn check_yaml(&self, cx: &YamlFileContext<'_>, report: &mut Reporter<'_>) {
        let Some(workflow) = Workflow::of(cx) else { return };
        let Some(trigger) = workflow.triggers.iter().find(|t| {
            matches!(
                t.name.as_str(),
                "pull_request_target"
                    | "workflow_run"
                    | "issue_comment"
                    | "pull_request_review"
                    | "pull_request_review_comment"
            )
        }) else {
            return;
        };
        let mappings = workflow.jobs.iter().map(|j| j.node).chain(workflow.steps().map(|(_, s)| s.node));
        for mapping in mappings {
            let Some(condition) = mapping.get("if") else { continue };
            let Some(text) = condition.as_str() else { continue };
            let found = expr::scan(text);
            let expressions: Vec<&str> = if found.is_empty() {
                vec![text]
            } else {
                found.iter().filter_map(|(s, e)| text.get(s + 3..e - 2)).collect()
            };
            let trusts_actor = expressions.into_iter().filter_map(expr::parse).any(|e| compares_actor(&e));
            if trusts_actor {
                report.report(
                    condition.span,
                    format!(
                        "`github.actor` is whoever caused the latest `{}` event, not the author of the code; check `github.event.pull_request.user.login`",
                        trigger.name
                    ),
                );
            }
        }
    }
}
