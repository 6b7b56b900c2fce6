use super::workflow::Workflow;
use crate::context::YamlFileContext;
use crate::declare_rule;
use crate::rule::{Reporter, Rule};

declare_rule! {
    /// ## What it does
    /// Flags a job that calls a reusable workflow with `secrets: inherit`.
    ///
    /// ## Why is this bad?
    /// `inherit` passes every secret of the caller (repository,
    /// organisation and environment secrets) to the called workflow,
    /// whatever it needs. If the called workflow is in another repository
    /// or is changed later, all of them are exposed to it. Pass the secrets
    /// it declares, by name.
    ///
    /// ## Example
    /// ```yaml
    /// jobs:
    ///   deploy:
    ///     uses: acme/workflows/.github/workflows/deploy.yml@v2
    ///     secrets: inherit
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// jobs:
    ///   deploy:
    ///     uses: acme/workflows/.github/workflows/deploy.yml@v2
    ///     secrets:
    ///       DEPLOY_KEY: ${{ secrets.DEPLOY_KEY }}
    /// ```
    ///
    /// ## References
    /// - [zizmor: secrets-inherit](https://docs.zizmor.sh/audits/#secrets-inherit)
    pub struct SecretsInherit {
        id: "secrets-inherit",
        severity: Warning,
        domains: [GithubActions],
        summary: "Reusable workflow receives every secret (`secrets: inherit`)",
    }
}

impl Rule for SecretsInherit {
    fn check_yaml(&self, cx: &YamlFileContext<'_>, report: &mut Reporter<'_>) {
        let Some(workflow) = Workflow::of(cx) else { return };
        for job in &workflow.jobs {
            let Some(secrets) = job.get("secrets") else { continue };
            if secrets.as_str().is_some_and(|s| s.trim() == "inherit") {
                let callee = job.get("uses").and_then(|u| u.as_str()).unwrap_or("the reusable workflow");
                report.report(
                    secrets.span,
                    format!("every secret of this repository is passed to `{callee}`; pass only the secrets it needs"),
                );
            }
        }
    }
}
