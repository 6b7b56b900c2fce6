//! Entry points for the fuzz targets under `fuzz/`: not a stable API.

use shipshape_yaml::{Node, NodeKind};

use crate::rules::github_actions::expr;

/// Runs the GitHub expression layer over `text`: parses it whole as the
/// inside of `${{ }}`, then scans it for `${{ }}` and parses each one, and
/// follows every parsed expression to its contexts and their trust.
/// Returns the number of contexts reached.
pub fn github_expressions(text: &str) -> usize {
    let mut reached = contexts_of(text);
    for (start, end) in expr::scan(text) {
        if let Some(inner) = text.get(start + 3..end.saturating_sub(2)) {
            reached += contexts_of(inner);
        }
    }
    reached
}

/// Like a workflow rule: parses `text` as YAML and runs the expression
/// layer over every scalar, positioned in the source.
pub fn github_expressions_in_yaml(text: &str) -> usize {
    let parsed = shipshape_yaml::parse(text);
    let mut reached = 0;
    let mut pending: Vec<&Node> = parsed.documents.iter().map(|d| &d.root).collect();
    while let Some(node) = pending.pop() {
        match &node.kind {
            NodeKind::Scalar(_) => {
                for found in expr::expressions_in(node, text, 0) {
                    reached += contexts_of(&found.inner);
                }
            }
            NodeKind::Sequence(items) => pending.extend(items),
            NodeKind::Mapping(entries) => pending.extend(entries.iter().flat_map(|e| [&e.key, &e.value])),
        }
    }
    reached
}

fn contexts_of(inner: &str) -> usize {
    let Some(parsed) = expr::parse(inner) else { return 0 };
    let contexts = expr::dataflow_contexts(&parsed);
    contexts.iter().filter(|c| expr::context_trust(c) == expr::Trust::Attacker).count() + contexts.len()
}
