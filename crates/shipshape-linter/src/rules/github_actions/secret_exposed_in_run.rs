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
    /// `-p ${{ secrets.X }}`, `curl -H "Authorization: …${{ secrets.X }}"`),
    /// and an `echo` that prints to the log a variable whose `env:` value
    /// is a secret. Setting a variable (`export TOKEN="${{ secrets.T }}"`)
    /// and piping a variable into a command (`echo "$T" | docker login
    /// --password-stdin`) are not flagged.
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
    pub struct SecretExposedInRun {
        id: "secret-exposed-in-run",
        severity: Warning,
        domains: [GithubActions],
        summary: "Secret is echoed by a script or passed on a command line",
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

impl Rule for SecretExposedInRun {
    fn check_yaml(&self, cx: &YamlFileContext<'_>, report: &mut Reporter<'_>) {
        let Some(workflow) = Workflow::of(cx) else { return };
        for (job, step) in workflow.steps() {
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
                let echoes = matches!(command, "echo" | "printf" | "Write-Output" | "Write-Host");
                let how = if echoes && !line.contains('>') && !line.contains('|') {
                    "is echoed to the log"
                } else if echoes {
                    "is pasted into the script's source"
                } else {
                    "is pasted into the script and passed on a command line"
                };
                report.report(
                    found.span,
                    format!("`{secret}` {how}; pass it in `env:` and give it to the tool on stdin or in its variable"),
                );
            }
            for (at, line) in script.lines() {
                let trimmed = line.trim_start();
                let command = trimmed.split_whitespace().next().unwrap_or("");
                if !matches!(command, "echo" | "printf" | "Write-Output" | "Write-Host")
                    || line.contains('|')
                    || line.contains('>')
                {
                    continue;
                }
                let Some(variable) = printed_variables(trimmed).into_iter().find(|v| {
                    workflow.env_definition(job, Some(step), v).and_then(|n| n.as_str()).is_some_and(holds_secret)
                }) else {
                    continue;
                };
                let start = at + (line.len() - trimmed.len());
                report.report(
                    script.span(start, at + line.trim_end().len()),
                    format!("`${variable}` holds a secret and is printed to the log, where masking misses encoded or partial copies"),
                );
            }
        }
    }
}

/// True when an `env:` value reads a secret.
fn holds_secret(value: &str) -> bool {
    expr::scan(value).into_iter().any(|(s, e)| {
        value
            .get(s + 3..e - 2)
            .and_then(expr::parse)
            .is_some_and(|p| expr::dataflow_contexts(&p).iter().any(|c| is_secret(c)))
    })
}

/// Names of the shell variables a command prints (`$NAME`, `${NAME}`).
fn printed_variables(line: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = line;
    while let Some(i) = rest.find('$') {
        let after = rest.get(i + 1..).unwrap_or("");
        let after = after.strip_prefix('{').unwrap_or(after);
        let end = after.find(|c: char| !(c.is_ascii_alphanumeric() || c == '_')).unwrap_or(after.len());
        if end > 0 {
            out.extend(after.get(..end));
        }
        rest = after.get(end..).unwrap_or("");
    }
    out
}
