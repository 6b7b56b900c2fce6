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
    /// `issue_comment` or `pull_request_review(_comment)`. A condition that
    /// also requires, with `&&`, the author of the pull request, issue,
    /// comment or review (`github.event.pull_request.user.login`, …), or
    /// requires both `github.actor` and `github.triggering_actor`, is not
    /// flagged: a re-run or another user's event no longer passes it.
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

/// Who wrote the pull request, issue, comment or review: not changed by
/// whoever causes a later event.
const AUTHOR: &[&str] = &[
    "github.event.pull_request.user.login",
    "github.event.pull_request.user.id",
    "github.event.issue.user.login",
    "github.event.issue.user.id",
    "github.event.comment.user.login",
    "github.event.comment.user.id",
    "github.event.review.user.login",
    "github.event.review.user.id",
    "github.event.workflow_run.head_commit.author.email",
];

fn mentions(expr: &Expr, contexts: &[&str]) -> bool {
    match expr {
        Expr::Context(path) => contexts.contains(&path.to_ascii_lowercase().as_str()),
        Expr::Compare(a, b) | Expr::And(a, b) | Expr::Or(a, b) => mentions(a, contexts) || mentions(b, contexts),
        Expr::Call(_, args) => args.iter().any(|a| mentions(a, contexts)),
        Expr::Not(inner) | Expr::Member(inner) => mentions(inner, contexts),
        Expr::Literal => false,
    }
}

/// True when `side` is a check that pins the run to an author: a
/// comparison with an author context, or with `github.triggering_actor`
/// while the other side checks `github.actor` (a re-run by someone else
/// changes the triggering actor).
fn pins_author(side: &Expr, other: &Expr) -> bool {
    mentions(side, AUTHOR) || (mentions(side, &["github.triggering_actor"]) && mentions(other, &["github.actor"]))
}

/// True when the actor is compared somewhere that no `&&` with an author
/// check guards.
fn trusts_actor(expr: &Expr) -> bool {
    match expr {
        Expr::And(a, b) => {
            if pins_author(a, b) || pins_author(b, a) {
                return false;
            }
            trusts_actor(a) || trusts_actor(b)
        }
        Expr::Or(a, b) => trusts_actor(a) || trusts_actor(b),
        Expr::Not(inner) => trusts_actor(inner),
        other => compares_actor(other),
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
            let trusts_actor = expressions.into_iter().filter_map(expr::parse).any(|e| trusts_actor(&e));
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
