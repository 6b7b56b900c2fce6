use super::workflow::{is_true, Workflow};
use crate::context::YamlFileContext;
use crate::declare_rule;
use crate::rule::{Reporter, Rule};

declare_rule! {
    /// ## What it does
    /// Flags an `actions/create-github-app-token` step whose token is
    /// broader or longer-lived than the step needs: no `permission-<name>`
    /// input (the token gets every permission of the app's installation),
    /// `owner:` without `repositories:` while it asks for repository
    /// permissions (the token reaches every repository of the
    /// installation), or `skip-token-revoke` turned on (the token stays
    /// valid for an hour after the job ends).
    ///
    /// ## Why is this bad?
    /// An app installation usually holds more than one workflow needs, on
    /// more repositories, and an app token is not tied to the job the way
    /// `GITHUB_TOKEN` is. Any step, action or script of the job that leaks
    /// it hands out everything the installation can do. Ask for the
    /// permissions and repositories the step uses, and let the action
    /// revoke the token when the job ends.
    ///
    /// ## Example
    /// ```yaml
    /// - uses: actions/create-github-app-token@v2
    ///   with:
    ///     app-id: ${{ vars.APP_ID }}
    ///     private-key: ${{ secrets.APP_PRIVATE_KEY }}
    ///     owner: acme
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// - uses: actions/create-github-app-token@v2
    ///   with:
    ///     app-id: ${{ vars.APP_ID }}
    ///     private-key: ${{ secrets.APP_PRIVATE_KEY }}
    ///     owner: acme
    ///     repositories: website
    ///     permission-contents: write
    /// ```
    ///
    /// ## References
    /// - [actions/create-github-app-token: permissions](https://github.com/actions/create-github-app-token#permission-permission-name)
    /// - [zizmor: github-app](https://docs.zizmor.sh/audits/#github-app)
    pub struct GithubAppTokenUnscoped {
        id: "github-app-token-unscoped",
        severity: Warning,
        domains: [GithubActions],
        summary: "GitHub App token with every permission, every repository, or no revocation",
    }
}

/// Permissions of an organization rather than of its repositories.
fn is_organization_permission(input: &str) -> bool {
    let name = input.trim_start_matches("permission-");
    name.starts_with("organization-") || name == "members"
}

impl Rule for GithubAppTokenUnscoped {
    fn check_yaml(&self, cx: &YamlFileContext<'_>, report: &mut Reporter<'_>) {
        let Some(workflow) = Workflow::of(cx) else { return };
        for (_, step) in workflow.steps() {
            let Some(uses) = step.uses() else { continue };
            if !uses.is("actions/create-github-app-token") {
                continue;
            }
            let Some(with) = step.get("with").filter(|w| w.is_mapping()) else { continue };
            if let Some(entry) = with.entry("skip-token-revoke") {
                let text = entry.value.as_str().unwrap_or("");
                if is_true(&entry.value) || text.contains("${{") {
                    report.report(
                        entry.key.span.cover(entry.value.span),
                        "the app token is not revoked when the job ends and stays valid for up to an hour; remove \
                         `skip-token-revoke`",
                    );
                }
            }
            let permissions: Vec<&str> = with
                .entries()
                .into_iter()
                .filter_map(|e| e.key.as_str())
                .filter(|k| k.starts_with("permission-"))
                .collect();
            if permissions.is_empty() {
                report.report(
                    workflow.step_span(step, uses.node),
                    "the app token gets every permission of the app's installation; add the `permission-<name>` \
                     inputs the job needs",
                );
            }
            let repository_scoped =
                permissions.is_empty() || permissions.iter().any(|p| !is_organization_permission(p));
            if let Some(owner) = with.entry("owner") {
                if with.get("repositories").is_none() && repository_scoped {
                    report.report(
                        owner.key.span.cover(owner.value.span),
                        "with `owner:` and no `repositories:`, the app token reaches every repository of the \
                         installation; list the `repositories` it needs",
                    );
                }
            }
        }
    }
}
