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
    /// A few reusable workflows must be referenced by a version tag, because
    /// they verify their own ref: the SLSA generators
    /// (`slsa-framework/slsa-github-generator/.github/workflows/*`) fail
    /// builder verification when called by SHA. They are reported only
    /// when not referenced by a version tag (`@v2.1.0`); the list is
    /// `TAG_REFERENCED_WORKFLOWS` in this rule's source.
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
    /// - [slsa-github-generator: referencing SLSA builders and generators](https://github.com/slsa-framework/slsa-github-generator#referencing-slsa-builders-and-generators)
    pub struct ActionNotPinnedToSha {
        id: "action-not-pinned-to-sha",
        severity: Warning,
        domains: [GithubActions],
        summary: "Third-party action is not pinned to a full commit SHA",
    }
}

/// Reusable workflows that must be called by a version tag, never a SHA,
/// as `(owner/repo, path prefix)`: they check the ref they were called by.
const TAG_REFERENCED_WORKFLOWS: &[(&str, &str)] =
    // SLSA builders verify themselves by tag: "referencing by SHA is not supported".
    &[("slsa-framework/slsa-github-generator", ".github/workflows/")];

/// True when `uses` is one of [`TAG_REFERENCED_WORKFLOWS`].
fn must_be_tag_referenced(owner: &str, repo: &str, path: &str) -> bool {
    let name = format!("{owner}/{repo}");
    let path = path.trim_start_matches('/');
    TAG_REFERENCED_WORKFLOWS
        .iter()
        .any(|(workflow_repo, prefix)| name.eq_ignore_ascii_case(workflow_repo) && path.starts_with(prefix))
}

/// A version tag (`v1`, `v2.1.0`).
fn is_version_tag(git_ref: Option<&str>) -> bool {
    git_ref.is_some_and(|r| r.strip_prefix('v').and_then(|v| v.chars().next()).is_some_and(|c| c.is_ascii_digit()))
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
            let UsesKind::Repository { owner, repo, path, git_ref } = uses.kind else { continue };
            if is_first_party(owner) {
                continue;
            }
            if must_be_tag_referenced(owner, repo, path) {
                if !is_version_tag(git_ref) {
                    let name = uses.value.split('@').next().unwrap_or("");
                    report.report(
                        span,
                        format!("`{name}` verifies the ref it is called by; reference it by a version tag (`@vX.Y.Z`), not a branch or a SHA"),
                    );
                }
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
