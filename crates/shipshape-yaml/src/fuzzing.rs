//! Entry point shared by the fuzz target under `fuzz/` and the test that
//! replays its regressions: not a stable API.

use crate::{Node, NodeKind};

/// Parses YAML and walks every node, checking that spans stay in the text.
pub fn yaml(text: &str) {
    let _ = crate::is_templated(text);
    let parsed = crate::parse(text);
    let mut pending: Vec<&Node> = parsed.documents.iter().map(|d| &d.root).collect();
    while let Some(node) = pending.pop() {
        assert!(node.span.start <= node.span.end && node.span.end <= text.len(), "span out of the text");
        match &node.kind {
            NodeKind::Scalar(_) => {
                let _ = (node.as_bool(), node.as_i64(), node.as_f64());
            }
            NodeKind::Sequence(items) => pending.extend(items),
            NodeKind::Mapping(entries) => {
                // `get` follows merge keys.
                let _ = node.get("spec");
                let _ = node.entries();
                pending.extend(entries.iter().flat_map(|e| [&e.key, &e.value]));
            }
        }
    }
}
