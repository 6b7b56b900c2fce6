use super::expr;
use super::workflow::Workflow;
use crate::context::YamlFileContext;
use crate::declare_rule;
use crate::rule::{Reporter, Rule};

declare_rule! {
    /// ## What it does
    /// Flags `${{ secrets.* }}` (or `${{ github.token }}`) written inside a
    /// `run:` script: echoed (`echo ${{ secrets.TOKEN }}`), or passed on a
    /// command line (`--password ${{ secrets.PASSWORD }}`,
    /// `-p ${{ secrets.X }}`, `curl -H "Authorization: …${{ secrets.X }}"`).
    ///
    /// ## Why is this bad?
    /// The secret is pasted into the script's source, which the runner
    /// writes to disk, and becomes part of a process's arguments, which any
    /// other process on the runner can read (`ps`, `/proc/*/cmdline`) and
    /// which tools print in error messages and debug logs. Log masking only
    /// hides the exact string: an echoed secret that is transformed,
    /// encoded or split leaks. Pass secrets in environment variables and
    /// hand them to tools on standard input (`--password-stdin`) or in the
    /// variables they read.
    ///
    /// ## Example
    /// ```yaml
    /// - run: docker login -u ci -p ${{ secrets.REGISTRY_PASSWORD }} registry.example.com
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// - run: echo "$REGISTRY_PASSWORD" | docker login -u ci --password-stdin registry.example.com
    ///   env:
    ///     REGISTRY_PASSWORD: ${{ secrets.REGISTRY_PASSWORD }}
    /// ```
    ///
    /// ## References
    /// - [Using secrets in GitHub Actions](https://docs.github.com/en/actions/security-for-github-actions/security-guides/using-secrets-in-github-actions)
    pub struct SecretInterpolatedInRun {
        id: "secret-interpolated-in-run",
        severity: Warning,
        domains: [GithubActions],
        summary: "Secret is expanded into a script: echoed or passed on a command line",
    }
}

/// A line that only assigns a variable (`NAME=…`, `export NAME=…`, `$env:NAME = …`).
fn is_assignment(line: &str) -> bool {
    let line = line.trim_start();
    let line = line.strip_prefix("export ").or_else(|| line.strip_prefix("$env:")).unwrap_or(line).trim_start();
    let name_end = line.find(|c: char| !(c.is_ascii_alphanumeric() || c == '_')).unwrap_or(line.len());
    name_end > 0
        && line.get(name_end..).is_some_and(|rest| rest.trim_start().starts_with('='))
        && !line.get(name_end..).is_some_and(|rest| rest.contains(" | ") || rest.contains("$("))
}

fn is_secret(context: &str) -> bool {
    let context = context.to_ascii_lowercase();
    context.starts_with("secrets.") || context == "github.token"
}

impl Rule for SecretInterpolatedInRun {
    fn check_yaml(&self, cx: &YamlFileContext<'_>, report: &mut Reporter<'_>) {
        let Some(workflow) = Workflow::of(cx) else { return };
        for (_, step) in workflow.steps() {
            let Some(run) = step.run() else { continue };
            let script = workflow.script(run);
            for found in workflow.expressions(run) {
                let Some(parsed) = expr::parse(&found.inner) else { continue };
                let Some(secret) = expr::dataflow_contexts(&parsed).into_iter().find(|c| is_secret(c)) else {
                    continue;
                };
                let line = script
                    .lines()
                    .find(|(at, line)| script.span(*at, at + line.len()).end >= found.span.end)
                    .map_or("", |(_, line)| line);
                let command = line.split_whitespace().next().unwrap_or("");
                // `export TOKEN="${{ secrets.TOKEN }}"` only sets a variable.
                if is_assignment(line) {
                    continue;
                }
                let how = if matches!(command, "echo" | "printf" | "Write-Output" | "Write-Host") {
                    "is echoed by the script"
                } else {
                    "is pasted into the script and passed on a command line"
                };
                report.report(
                    found.span,
                    format!("`{secret}` {how}; pass it in `env:` and give it to the tool on stdin or in its variable"),
                );
            }
        }
    }
}
