use super::expr::Trust;
use super::workflow::Workflow;
use crate::context::YamlFileContext;
use crate::declare_rule;
use crate::rule::{Reporter, Rule};

declare_rule! {
    /// ## What it does
    /// Flags a script line that writes attacker-controlled text to
    /// `GITHUB_ENV`, `GITHUB_PATH` or `GITHUB_OUTPUT`: an expression such as
    /// `${{ github.event.issue.title }}`, or a variable whose `env:` value is
    /// one. In workflows triggered by `pull_request_target` or
    /// `workflow_run`, any computed write to `GITHUB_ENV` or `GITHUB_PATH`
    /// (a variable, a command substitution, a file's content) is flagged,
    /// since those values usually come from the pull request.
    ///
    /// ## Why is this bad?
    /// Every later step of the job reads `GITHUB_ENV` and `GITHUB_PATH`.
    /// Whoever controls a line of them can set `LD_PRELOAD`, `NODE_OPTIONS`,
    /// `BASH_ENV` or put their own directory first on the `PATH`, and so run
    /// code in every following step, with the job's token and secrets. A
    /// newline in the value is enough to add such a line.
    ///
    /// ## Example
    /// ```yaml
    /// on: pull_request_target
    /// # ...
    ///       - run: echo "TITLE=${{ github.event.pull_request.title }}" >> "$GITHUB_ENV"
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// on: pull_request_target
    /// # ...
    ///       - run: ./check-title.sh "$TITLE"
    ///         env:
    ///           TITLE: ${{ github.event.pull_request.title }}
    /// ```
    ///
    /// ## References
    /// - [GitHub Security Lab: GitHub Actions environment injection](https://securitylab.github.com/research/github-actions-untrusted-input/)
    /// - [zizmor: github-env](https://docs.zizmor.sh/audits/#github-env)
    pub struct UntrustedGithubEnvWrite {
        id: "untrusted-github-env-write",
        severity: Error,
        domains: [GithubActions],
        summary: "Attacker-controlled text is written to `GITHUB_ENV`, `GITHUB_PATH` or `GITHUB_OUTPUT`",
    }
}

const TARGETS: &[&str] = &["GITHUB_ENV", "GITHUB_PATH", "GITHUB_OUTPUT"];

/// The file a line writes to, if it writes to one of `TARGETS`.
fn written_file(line: &str) -> Option<&'static str> {
    let writes =
        line.contains('>') || line.contains("tee ") || line.contains("Out-File") || line.contains("Add-Content");
    if !writes {
        return None;
    }
    TARGETS.iter().copied().find(|t| {
        line.contains(&format!("${t}"))
            || line.contains(&format!("${{{t}}}"))
            || line.contains(&format!("$env:{t}"))
            || line.contains(&format!("%{t}%"))
    })
}

/// Shell variables a line expands (`$NAME`, `${NAME}`, `$env:NAME`, `%NAME%`).
fn variables(line: &str) -> Vec<&str> {
    let bytes = line.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let (skip, delimited) = match bytes[i] {
            b'$' if line.get(i + 1..).is_some_and(|t| t.starts_with("env:")) => (5, false),
            b'$' if bytes.get(i + 1) == Some(&b'{') => (2, true),
            b'$' => (1, false),
            b'%' => (1, true),
            _ => {
                i += 1;
                continue;
            }
        };
        let start = i + skip;
        let mut end = start;
        while end < bytes.len() && (bytes[end].is_ascii_alphanumeric() || bytes[end] == b'_') {
            end += 1;
        }
        if end > start && (!delimited || matches!(bytes.get(end), Some(b'}' | b'%' | b':' | b'-'))) {
            out.extend(line.get(start..end));
        }
        i = end.max(i + 1);
    }
    out
}

/// True when the line writes only literal text (`echo NAME=value`).
fn is_literal_write(line: &str) -> bool {
    let head = line.split('>').next().unwrap_or(line).trim();
    let command = head.split_whitespace().next().unwrap_or("");
    matches!(command, "echo" | "printf" | "Write-Output" | "write-output")
        && !head.contains('$')
        && !head.contains('`')
        && !head.contains('%')
        && !head.contains("$(")
}

impl Rule for UntrustedGithubEnvWrite {
    fn check_yaml(&self, cx: &YamlFileContext<'_>, report: &mut Reporter<'_>) {
        let Some(workflow) = Workflow::of(cx) else { return };
        let privileged = workflow.privileged_triggers().next().map(|t| t.name.clone());
        for (job, step) in workflow.steps() {
            let Some(run) = step.run() else { continue };
            let script = workflow.script(run);
            let expressions = workflow.expressions(run);
            for (at, line) in script.lines() {
                let Some(file) = written_file(line) else { continue };
                let start = at + (line.len() - line.trim_start().len());
                let span = script.span(start, at + line.trim_end().len());
                let line_expressions =
                    expressions.iter().filter(|e| e.span.start >= span.start && e.span.end <= span.end);
                let mut reason = None;
                for found in line_expressions {
                    let Some(parsed) = super::expr::parse(&found.inner) else { continue };
                    let attacker = super::expr::dataflow_contexts(&parsed)
                        .into_iter()
                        .find(|c| workflow.trust(job, Some(step), c) == Trust::Attacker);
                    if let Some(context) = attacker {
                        reason = Some(format!("`{context}`"));
                        break;
                    }
                }
                if reason.is_none() {
                    for variable in variables(line) {
                        if TARGETS.contains(&variable) {
                            continue;
                        }
                        let Some(value) = workflow.env_definition(job, Some(step), variable) else { continue };
                        if workflow.value_trust(job, Some(step), value, 0) == Some(Trust::Attacker) {
                            reason = Some(format!("`${variable}` (set from attacker-controlled text)"));
                            break;
                        }
                    }
                }
                if reason.is_none() && file != "GITHUB_OUTPUT" && !is_literal_write(line) {
                    if let Some(trigger) = &privileged {
                        reason = Some(format!("a computed value in a `{trigger}` workflow"));
                    }
                }
                if let Some(reason) = reason {
                    report.report(
                        span,
                        format!("{reason} is written to `{file}`, which every later step trusts; validate it or keep it in a step-local variable"),
                    );
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines() {
        assert_eq!(written_file("echo \"A=$B\" >> \"$GITHUB_ENV\""), Some("GITHUB_ENV"));
        assert_eq!(written_file("echo x >> ${GITHUB_PATH}"), Some("GITHUB_PATH"));
        assert_eq!(written_file("echo $GITHUB_ENV"), None);
        assert_eq!(variables("echo \"A=$B ${C} $env:D %E%\" >> $GITHUB_ENV"), ["B", "C", "D", "E", "GITHUB_ENV"]);
        assert!(is_literal_write("echo FOO=bar >> $GITHUB_ENV"));
        assert!(!is_literal_write("echo \"FOO=$(cat x)\" >> $GITHUB_ENV"));
        assert!(!is_literal_write("cat pr.txt >> $GITHUB_ENV"));
    }
}
