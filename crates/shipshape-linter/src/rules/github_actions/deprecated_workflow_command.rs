use super::workflow::Workflow;
use crate::context::YamlFileContext;
use crate::declare_rule;
use crate::rule::{Reporter, Rule};

declare_rule! {
    /// ## What it does
    /// Flags the workflow commands that GitHub deprecated or disabled, when a
    /// script prints them: `::set-output`, `::save-state` (replaced by the
    /// `GITHUB_OUTPUT` and `GITHUB_STATE` files) and `::set-env`,
    /// `::add-path` (disabled, replaced by `GITHUB_ENV` and `GITHUB_PATH`).
    ///
    /// ## Why is this bad?
    /// `set-env` and `add-path` were disabled because any text printed to
    /// the log (a test name, a file's content) could set environment
    /// variables for the rest of the job; they now fail the step.
    /// `set-output` and `save-state` print warnings and are scheduled to
    /// stop working, which silently leaves the outputs empty.
    ///
    /// ## Example
    /// ```yaml
    /// - id: version
    ///   run: echo "::set-output name=version::$(cat VERSION)"
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// - id: version
    ///   run: echo "version=$(cat VERSION)" >> "$GITHUB_OUTPUT"
    /// ```
    ///
    /// ## References
    /// - [Deprecating save-state and set-output commands](https://github.blog/changelog/2022-10-11-github-actions-deprecating-save-state-and-set-output-commands/)
    pub struct DeprecatedWorkflowCommand {
        id: "deprecated-workflow-command",
        severity: Warning,
        domains: [GithubActions],
        summary: "Script uses a deprecated or disabled workflow command",
    }
}

const COMMANDS: &[(&str, &str)] = &[
    ("::set-output", "write `name=value` to `$GITHUB_OUTPUT`"),
    ("::save-state", "write `name=value` to `$GITHUB_STATE`"),
    ("::set-env", "write `NAME=value` to `$GITHUB_ENV` (this command is disabled and fails)"),
    ("::add-path", "append the directory to `$GITHUB_PATH` (this command is disabled and fails)"),
];

impl Rule for DeprecatedWorkflowCommand {
    fn check_yaml(&self, cx: &YamlFileContext<'_>, report: &mut Reporter<'_>) {
        let Some(workflow) = Workflow::of(cx) else { return };
        for (_, step) in workflow.steps() {
            let Some(run) = step.run() else { continue };
            let script = workflow.script(run);
            if !script.text.contains("::") {
                continue;
            }
            for (command, instead) in COMMANDS {
                let mut from = 0;
                while let Some(found) = script.text.get(from..).and_then(|t| t.find(command)) {
                    let start = from + found;
                    let end = start + command.len();
                    from = end;
                    // `::set-output name=…` or `::set-output::`, not `::set-outputs`.
                    if !script.text.get(end..).and_then(|t| t.chars().next()).is_some_and(|c| c == ' ' || c == ':') {
                        continue;
                    }
                    report.report(
                        script.span(start, end),
                        format!("`{}` is deprecated; {instead}", command.trim_start_matches(':')),
                    );
                }
            }
        }
    }
}
