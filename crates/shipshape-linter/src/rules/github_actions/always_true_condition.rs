use shipshape_yaml::Node;

use super::expr;
use super::workflow::Workflow;
use crate::context::YamlFileContext;
use crate::declare_rule;
use crate::rule::{Reporter, Rule};

declare_rule! {
    /// ## What it does
    /// Flags an `if:` of a job or step that mixes `${{ }}` with other text,
    /// so that it is a string rather than an expression:
    /// `if: ${{ a }} && ${{ b }}`, `if: x ${{ a }}`, or a block scalar whose
    /// trailing newline is kept (`if: |` followed by `${{ a }}`).
    ///
    /// ## Why is this bad?
    /// GitHub evaluates each `${{ }}` and pastes the results into the text;
    /// the condition is then a non-empty string, which is always true. The
    /// guarded step or job runs every time: a deploy meant for `main` runs
    /// on every branch, a release step runs on pull requests. Write the
    /// whole condition inside one `${{ }}`, or without `${{ }}` at all.
    ///
    /// ## Example
    /// ```yaml
    /// if: ${{ github.ref == 'refs/heads/main' }} && ${{ github.event_name == 'push' }}
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// if: github.ref == 'refs/heads/main' && github.event_name == 'push'
    /// ```
    ///
    /// ## References
    /// - [zizmor: unsound-condition](https://docs.zizmor.sh/audits/#unsound-condition)
    pub struct AlwaysTrueCondition {
        id: "always-true-condition",
        severity: Error,
        domains: [GithubActions],
        summary: "`if:` condition is always true because text surrounds its `${{ }}`",
        kind: Defect,
    }
}

/// True when `value` holds `${{ }}` and is not exactly one expression.
fn is_stringified(value: &str) -> bool {
    let found = expr::scan(value);
    match found.as_slice() {
        [] => false,
        [(start, end)] => *start != 0 || *end != value.len(),
        _ => true,
    }
}

fn check(entry_key: &Node, value: &Node, report: &mut Reporter<'_>) {
    let Some(text) = value.as_str() else { return };
    if is_stringified(text) {
        report.report(
            entry_key.span,
            "this condition mixes `${{ }}` with other text, so it is a non-empty string and always true; put the whole condition inside one `${{ }}`",
        );
    }
}

impl Rule for AlwaysTrueCondition {
    fn check_yaml(&self, cx: &YamlFileContext<'_>, report: &mut Reporter<'_>) {
        let Some(workflow) = Workflow::of(cx) else { return };
        let mappings = workflow.jobs.iter().map(|j| j.node).chain(workflow.steps().map(|(_, s)| s.node));
        for mapping in mappings {
            if let Some(entry) = mapping.entry("if") {
                check(&entry.key, &entry.value, report);
            }
        }
    }
}
