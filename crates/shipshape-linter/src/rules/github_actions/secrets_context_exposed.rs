use shipshape_yaml::Node;

use super::expr;
use super::workflow::Workflow;
use crate::context::YamlFileContext;
use crate::declare_rule;
use crate::rule::{Reporter, Rule};

declare_rule! {
    /// ## What it does
    /// Flags an expression that hands over the whole `secrets` context
    /// (`${{ toJSON(secrets) }}`) or picks a secret by a computed name
    /// (`${{ secrets[format('{0}_TOKEN', inputs.env)] }}`).
    ///
    /// ## Why is this bad?
    /// The job then receives every secret of the repository and
    /// organisation, not the one it needs, so one leak (a log line, a
    /// compromised tool) leaks all of them. A computed name also lets
    /// whoever controls the input choose which secret to read. Reference
    /// each secret by name.
    ///
    /// ## Example
    /// ```yaml
    /// env:
    ///   ALL_SECRETS: ${{ toJSON(secrets) }}
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// env:
    ///   API_TOKEN: ${{ secrets.API_TOKEN }}
    /// ```
    ///
    /// ## References
    /// - [zizmor: overprovisioned-secrets](https://docs.zizmor.sh/audits/#overprovisioned-secrets)
    pub struct SecretsContextExposed {
        id: "secrets-context-exposed",
        severity: Warning,
        domains: [GithubActions],
        summary: "Expression exposes the whole `secrets` context or a secret chosen at run time",
    }
}

fn visit(workflow: &Workflow<'_>, node: &Node, depth: usize, report: &mut Reporter<'_>) {
    if depth > 64 {
        return;
    }
    match node.as_str() {
        Some(text) if text.to_ascii_lowercase().contains("secrets") => {
            for found in workflow.expressions(node) {
                let Some(parsed) = expr::parse(&found.inner) else { continue };
                let exposed = expr::dataflow_contexts(&parsed)
                    .into_iter()
                    .find(|c| c.eq_ignore_ascii_case("secrets") || c.eq_ignore_ascii_case("secrets.*"));
                if let Some(context) = exposed {
                    let what = if context.eq_ignore_ascii_case("secrets") {
                        "hands over every secret of the repository"
                    } else {
                        "reads a secret whose name is computed at run time"
                    };
                    report.report(found.span, format!("this expression {what}; reference each secret by name"));
                }
            }
        }
        Some(_) => {}
        None => {
            for entry in node.as_mapping().unwrap_or(&[]) {
                visit(workflow, &entry.value, depth + 1, report);
            }
            for item in node.items() {
                visit(workflow, item, depth + 1, report);
            }
        }
    }
}

impl Rule for SecretsContextExposed {
    fn check_yaml(&self, cx: &YamlFileContext<'_>, report: &mut Reporter<'_>) {
        let Some(workflow) = Workflow::of(cx) else { return };
        visit(&workflow, workflow.root, 0, report);
    }
}
