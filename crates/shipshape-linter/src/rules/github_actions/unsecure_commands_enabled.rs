use shipshape_yaml::Node;

use super::workflow::{is_true, Workflow};
use crate::context::YamlFileContext;
use crate::declare_rule;
use crate::rule::{Reporter, Rule};

declare_rule! {
    /// ## What it does
    /// Flags `ACTIONS_ALLOW_UNSECURE_COMMANDS` set to `true` in an `env:`
    /// block (of the workflow, a job, a step, or a matrix entry that feeds
    /// one).
    ///
    /// ## Why is this bad?
    /// The variable turns the disabled `::set-env` and `::add-path` commands
    /// back on. Any process that can print to the log (a test, a
    /// dependency's install script, a file that is `cat`ed) can then set
    /// environment variables such as `LD_PRELOAD` or `NODE_OPTIONS` for the
    /// rest of the job, and run code with its token and secrets. Use the
    /// `GITHUB_ENV` and `GITHUB_PATH` files instead.
    ///
    /// ## Example
    /// ```yaml
    /// env:
    ///   ACTIONS_ALLOW_UNSECURE_COMMANDS: true
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// - run: echo "$HOME/.local/bin" >> "$GITHUB_PATH"
    /// ```
    ///
    /// ## References
    /// - [GitHub Actions: Deprecating set-env and add-path commands](https://github.blog/changelog/2020-10-01-github-actions-deprecating-set-env-and-add-path-commands/)
    /// - [zizmor: insecure-commands](https://docs.zizmor.sh/audits/#insecure-commands)
    pub struct UnsecureCommandsEnabled {
        id: "unsecure-commands-enabled",
        severity: Error,
        domains: [GithubActions],
        summary: "`ACTIONS_ALLOW_UNSECURE_COMMANDS` re-enables `set-env` and `add-path`",
    }
}

fn visit(node: &Node, depth: usize, report: &mut Reporter<'_>) {
    if depth > 64 {
        return;
    }
    for entry in node.as_mapping().unwrap_or(&[]) {
        if entry.key.as_str() == Some("ACTIONS_ALLOW_UNSECURE_COMMANDS") && is_true(&entry.value) {
            report.report(
                entry.key.span,
                "`ACTIONS_ALLOW_UNSECURE_COMMANDS` turns `::set-env` and `::add-path` back on; write to `$GITHUB_ENV` and `$GITHUB_PATH` instead",
            );
        }
        visit(&entry.value, depth + 1, report);
    }
    for item in node.items() {
        visit(item, depth + 1, report);
    }
}

impl Rule for UnsecureCommandsEnabled {
    fn check_yaml(&self, cx: &YamlFileContext<'_>, report: &mut Reporter<'_>) {
        let Some(workflow) = Workflow::of(cx) else { return };
        visit(workflow.root, 0, report);
    }
}
