use super::action_not_pinned_to_sha::unpinned_reason;
use super::workflow::{is_first_party, Uses, UsesKind, Workflow};
use crate::context::YamlFileContext;
use crate::declare_rule;
use crate::rule::{Reporter, Rule};

declare_rule! {
    /// ## What it does
    /// Flags an action maintained by GitHub (`actions/*`, `github/*`) that is
    /// not pinned to a full commit SHA.
    ///
    /// ## Why is this bad?
    /// GitHub's own actions are far less likely to be hijacked than
    /// third-party ones, so this is advice; but their tags are mutable too,
    /// and a SHA pin makes every run reproducible and every update a
    /// reviewed change. Local actions (`./…`) come from the same commit and
    /// are never flagged.
    ///
    /// ## Example
    /// ```yaml
    /// - uses: actions/checkout@v4
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// - uses: actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683 # v4.2.2
    /// ```
    ///
    /// ## References
    /// - [zizmor: unpinned-uses](https://docs.zizmor.sh/audits/#unpinned-uses)
    pub struct FirstPartyActionNotPinned {
        id: "first-party-action-not-pinned",
        severity: Info,
        domains: [GithubActions],
        summary: "GitHub-maintained action is not pinned to a full commit SHA",
    }
}

impl Rule for FirstPartyActionNotPinned {
    fn check_yaml(&self, cx: &YamlFileContext<'_>, report: &mut Reporter<'_>) {
        let Some(workflow) = Workflow::of(cx) else { return };
        for (node, span) in workflow.all_uses() {
            let Some(uses) = Uses::parse(node) else { continue };
            let UsesKind::Repository { owner, .. } = uses.kind else { continue };
            if !is_first_party(owner) {
                continue;
            }
            if let Some(reason) = unpinned_reason(&uses) {
                let name = uses.value.split('@').next().unwrap_or("");
                report.report(
                    span,
                    format!("`{name}` {reason}; pin it to a full commit SHA (with the version in a comment)"),
                );
            }
        }
    }
}
