use super::expr::Trust;
use super::workflow::Workflow;
use crate::context::YamlFileContext;
use crate::declare_rule;
use crate::rule::{Reporter, Rule};

declare_rule! {
    /// ## What it does
    /// Flags a `${{ }}` expression inside a `run:` script (or an action's
    /// script input) whose value is not fixed by GitHub but is not free text
    /// from strangers either: workflow and action inputs of type `string`,
    /// step and job outputs, branch names (`github.ref_name`), environment
    /// variables computed from expressions, matrices built at run time.
    ///
    /// ## Why is this bad?
    /// The value is pasted into the script's source. Whoever can set it
    /// (someone dispatching the workflow, a calling workflow, a previous
    /// step that read a file or an API) can inject commands, and a value
    /// with a quote or a newline breaks the script even without malice.
    /// Reading the value from an environment variable avoids both. This is
    /// advice: the values usually come from people with write access.
    ///
    /// ## Example
    /// ```yaml
    /// - run: ./deploy.sh ${{ inputs.environment }} ${{ steps.meta.outputs.version }}
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// - run: ./deploy.sh "$ENVIRONMENT" "$VERSION"
    ///   env:
    ///     ENVIRONMENT: ${{ inputs.environment }}
    ///     VERSION: ${{ steps.meta.outputs.version }}
    /// ```
    ///
    /// ## References
    /// - [zizmor: template-injection](https://docs.zizmor.sh/audits/#template-injection)
    pub struct ExpressionInRun {
        id: "expression-in-run",
        severity: Info,
        domains: [GithubActions],
        summary: "Non-constant `${{ }}` expression expanded into a script",
    }
}

impl Rule for ExpressionInRun {
    fn check_yaml(&self, cx: &YamlFileContext<'_>, report: &mut Reporter<'_>) {
        let Some(workflow) = Workflow::of(cx) else { return };
        for found in workflow.script_expressions() {
            let worst = found.contexts.iter().map(|(_, t)| *t).max().unwrap_or(Trust::Fixed);
            if worst != Trust::Indirect {
                continue;
            }
            let context = found.contexts.iter().find(|(_, t)| *t == Trust::Indirect).map_or("", |(c, _)| c.as_str());
            report.report(
                found.span,
                format!(
                    "`{context}` is expanded into the {}; pass it through `env:` and use the variable instead",
                    found.sink
                ),
            );
        }
    }
}
