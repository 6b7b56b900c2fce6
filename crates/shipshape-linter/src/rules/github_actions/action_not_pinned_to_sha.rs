use super::workflow::{is_first_party, is_full_sha, Uses, UsesKind, Workflow};
use crate::context::YamlFileContext;
use crate::declare_rule;
use crate::rule::{Reporter, Rule};

declare_rule! {
    /// ## What it does
    /// Flags a third-party action or reusable workflow (`uses:` outside
    /// `actions/*` and `github/*`) that is not pinned to a full 40-character
    /// commit SHA: a tag (`@v4`), a branch (`@main`), a short SHA, or no ref
    /// at all.
    ///
    /// ## Why is this bad?
    /// Tags and branches can be moved by whoever controls the action's
    /// repository, or by an attacker who took it over: the next run then
    /// executes their code with your token and secrets (as happened to
    /// `tj-actions/changed-files` in 2025). A full commit SHA cannot be
    /// changed. Keep the version in a comment so that Dependabot or
    /// Renovate can update it.
    ///
    /// ## Example
    /// ```yaml
    /// - uses: docker/build-push-action@v6
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// - uses: docker/build-push-action@263435318d21b8e681c14492fe198d362a7d2c83 # v6.18.0
    /// ```
    ///
    /// ## References
    /// - [Security hardening for GitHub Actions: using third-party actions](https://docs.github.com/en/actions/security-for-github-actions/security-guides/security-hardening-for-github-actions#using-third-party-actions)
    /// - [zizmor: unpinned-uses](https://docs.zizmor.sh/audits/#unpinned-uses)
    pub struct ActionNotPinnedToSha {
        id: "action-not-pinned-to-sha",
        severity: Warning,
        domains: [GithubActions],
        summary: "Third-party action is not pinned to a full commit SHA",
    }
}

/// What is wrong with the ref of a repository `uses:`, if anything.
pub(crate) fn unpinned_reason(uses: &Uses<'_>) -> Option<String> {
    match uses.git_ref() {
        None => Some("has no ref".to_string()),
        Some(r) if is_full_sha(r) => None,
        Some(r) if r.len() >= 7 && r.bytes().all(|b| b.is_ascii_hexdigit()) => {
            Some(format!("is pinned to the short SHA `{r}`"))
        }
        Some(r) => Some(format!("uses the ref `{r}`, which can be moved")),
    }
}

impl Rule for ActionNotPinnedToSha {
    fn check_yaml(&self, cx: &YamlFileContext<'_>, report: &mut Reporter<'_>) {
        let Some(workflow) = Workflow::of(cx) else { return };
        for (node, span) in workflow.all_uses() {
            let Some(uses) = Uses::parse(node) else { continue };
            let UsesKind::Repository { owner, .. } = uses.kind else { continue };
            if is_first_party(owner) {
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
