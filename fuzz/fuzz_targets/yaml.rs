#![no_main]

use libfuzzer_sys::fuzz_target;
use shipshape_yaml::{Node, NodeKind};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let _ = shipshape_yaml::is_templated(text);
    let parsed = shipshape_yaml::parse(text);
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
});
