use shipshape_yaml::{Node, NodeKind};

use crate::context::{DockerfileContext, YamlFileContext};
use crate::declare_rule;
use crate::roles::YamlRole;
use crate::rule::{Reporter, Rule};
use crate::rules::dockerfile::support;
use crate::rules::github_actions::expr;

declare_rule! {
    /// ## What it does
    /// Reports a part of a file that shipshape did not check in full because
    /// it is larger than a fixed budget: a Dockerfile instruction with too
    /// many line continuations or heredocs, a shell script split into too many
    /// commands, a YAML document whose aliases expand to too many nodes, a
    /// GitHub expression that is too long, or a line with too many findings
    /// of one rule (the first ones are shown).
    ///
    /// ## Why is this bad?
    /// The budgets keep every check linear in the size of its input, so that a
    /// crafted or generated file (a "billion laughs" YAML, a megabyte-long
    /// `RUN`) cannot stall or exhaust the machine running the audit. What lies
    /// beyond a budget is not checked, and saying so keeps it from passing
    /// silently; such files are rarely written by hand.
    ///
    /// The budgets: 10,000 commands per shell script of a `RUN` (line
    /// continuations included), 1,000 heredocs per `RUN`, 200,000 YAML
    /// nodes made by aliases per file (reported as `parse-error`), 2,048
    /// tokens per GitHub expression, 20 findings of one rule per line.
    ///
    /// ## Example
    /// ```yaml
    /// a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]
    /// b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]
    /// c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]
    /// # ... nine levels more
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// # Write the values out, or generate the file with a tool.
    /// a: [lol, lol, lol, lol, lol, lol, lol, lol, lol]
    /// ```
    pub struct InputBudgetExceeded {
        id: "input-budget-exceeded",
        severity: Warning,
        domains: [General, Dockerfile, GithubActions],
        summary: "Part of a file is too large to check in full",
        kind: Defect,
    }
}

impl Rule for InputBudgetExceeded {
    fn check_dockerfile(&self, cx: &DockerfileContext<'_>, report: &mut Reporter<'_>) {
        for instruction in cx.dockerfile.instructions.iter().filter(|i| i.keyword == "RUN") {
            if support::scripts_within_budget(instruction).1 {
                report.report(
                    instruction.keyword_span,
                    format!(
                        "This `RUN` has more than {} commands in a script or more than {} heredocs; \
                         only the first ones are checked",
                        support::MAX_SCRIPT_COMMANDS,
                        support::MAX_HEREDOCS
                    ),
                );
            }
        }
    }

    fn check_yaml(&self, cx: &YamlFileContext<'_>, report: &mut Reporter<'_>) {
        if cx.role != YamlRole::GithubWorkflow {
            return;
        }
        for document in cx.documents {
            oversized_expressions(&document.root, cx, report);
        }
    }
}

/// Reports the expressions of the scalars under `node` that are too long to parse.
fn oversized_expressions(node: &Node, cx: &YamlFileContext<'_>, report: &mut Reporter<'_>) {
    match &node.kind {
        NodeKind::Mapping(_) => node.entries().iter().for_each(|e| oversized_expressions(&e.value, cx, report)),
        NodeKind::Sequence(items) => items.iter().for_each(|i| oversized_expressions(i, cx, report)),
        NodeKind::Scalar(_) => {
            for expression in expr::expressions_in(node, cx.text, cx.base) {
                if expr::exceeds_budget(&expression.inner) {
                    report.report(
                        expression.span,
                        format!(
                            "This expression has more than {} tokens and is not checked; split it into steps \
                             or environment variables",
                            expr::MAX_TOKENS
                        ),
                    );
                }
            }
        }
    }
}
