use crate::context::YamlFileContext;
use crate::declare_rule;
use crate::roles::YamlRole;
use crate::rule::{Reporter, Rule};

declare_rule! {
    /// ## What it does
    /// Flags `insecure-external-code-execution: allow` in a Dependabot
    /// `updates` entry.
    ///
    /// ## Why is this bad?
    /// It lets Dependabot run code from the manifests it updates (a
    /// `setup.py`, a Gradle or Mix script) while resolving versions, with
    /// access to the private registries' credentials configured for
    /// Dependabot. A dependency or a pull request that changes those files
    /// can steal them.
    ///
    /// ## Example
    /// ```yaml
    /// updates:
    ///   - package-ecosystem: pip
    ///     directory: /
    ///     insecure-external-code-execution: allow
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// updates:
    ///   - package-ecosystem: pip
    ///     directory: /
    ///     insecure-external-code-execution: deny
    /// ```
    ///
    /// ## References
    /// - [Dependabot options: insecure-external-code-execution](https://docs.github.com/en/code-security/dependabot/working-with-dependabot/dependabot-options-reference#insecure-external-code-execution--)
    /// - [zizmor: dependabot-execution](https://docs.zizmor.sh/audits/#dependabot-execution)
    pub struct DependabotExternalCodeExecution {
        id: "dependabot-external-code-execution",
        severity: Warning,
        domains: [GithubActions],
        summary: "Dependabot may run code from the manifests it updates",
    }
}

impl Rule for DependabotExternalCodeExecution {
    fn check_yaml(&self, cx: &YamlFileContext<'_>, report: &mut Reporter<'_>) {
        if cx.role != YamlRole::Dependabot {
            return;
        }
        let Some(updates) = cx.documents.first().and_then(|d| d.root.get("updates")) else { return };
        for update in updates.items() {
            let Some(value) = update.get("insecure-external-code-execution") else { continue };
            if value.as_str().is_some_and(|v| v.trim().eq_ignore_ascii_case("allow")) {
                report.report(
                    value.span,
                    "Dependabot may run code from the manifests it updates, with the registries' credentials; set it to `deny`",
                );
            }
        }
    }
}
