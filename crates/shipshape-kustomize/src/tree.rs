//! Editing YAML node trees in place: the renderer builds objects by
//! cloning source nodes (whose spans say where each field was written) and
//! changing them as kustomize would.

use shipshape_diagnostics::Span;
use shipshape_yaml::{Entry, Node, NodeKind, Scalar, ScalarStyle};

/// A plain scalar.
pub(crate) fn scalar(value: &str, span: Span) -> Node {
    Node { kind: NodeKind::Scalar(Scalar { value: value.to_string(), style: ScalarStyle::Plain }), span, tag: None }
}

/// A double-quoted scalar: a string even when it reads like a number.
pub(crate) fn string(value: &str, span: Span) -> Node {
    Node {
        kind: NodeKind::Scalar(Scalar { value: value.to_string(), style: ScalarStyle::DoubleQuoted }),
        span,
        tag: None,
    }
}

pub(crate) fn mapping(entries: Vec<Entry>, span: Span) -> Node {
    Node { kind: NodeKind::Mapping(entries), span, tag: None }
}

/// The same scalar with another value (its span and style kept).
pub(crate) fn with_value(node: &Node, value: &str) -> Node {
    let style = node.scalar().map_or(ScalarStyle::Plain, |s| s.style);
    let style = if style == ScalarStyle::Plain { ScalarStyle::DoubleQuoted } else { style };
    Node { kind: NodeKind::Scalar(Scalar { value: value.to_string(), style }), span: node.span, tag: None }
}

/// The value of an own key of a mapping (merge keys are not followed:
/// edits go to the mapping's own entries, which take precedence).
pub(crate) fn get_mut<'a>(node: &'a mut Node, key: &str) -> Option<&'a mut Node> {
    match &mut node.kind {
        NodeKind::Mapping(entries) => entries.iter_mut().find(|e| e.key.as_str() == Some(key)).map(|e| &mut e.value),
        _ => None,
    }
}

/// Sets `key` (whose node is `key_node`) to `value`: replaces an own entry
/// whole, or appends one. Does nothing when `node` is not a mapping.
pub(crate) fn set_entry(node: &mut Node, key_node: Node, value: Node) {
    let NodeKind::Mapping(entries) = &mut node.kind else { return };
    let key = key_node.as_str().unwrap_or_default().to_string();
    match entries.iter_mut().find(|e| e.key.as_str() == Some(key.as_str())) {
        Some(entry) => {
            entry.key = key_node;
            entry.value = value;
        }
        None => entries.push(Entry { key: key_node, value }),
    }
}

/// Replaces the value of an existing key, keeping its key node; appends
/// a new entry (with `key_span`) when absent.
pub(crate) fn set_value(node: &mut Node, key: &str, key_span: Span, value: Node) {
    if let Some(existing) = get_mut(node, key) {
        *existing = value;
    } else if let NodeKind::Mapping(entries) = &mut node.kind {
        entries.push(Entry { key: scalar(key, key_span), value });
    }
}

pub(crate) fn remove(node: &mut Node, key: &str) -> Option<Entry> {
    let NodeKind::Mapping(entries) = &mut node.kind else { return None };
    let index = entries.iter().position(|e| e.key.as_str() == Some(key))?;
    Some(entries.remove(index))
}

/// The mapping under `key`, created (with `span`) when absent or null.
/// `None` when `node` is not a mapping or the value is another shape.
pub(crate) fn ensure_mapping<'a>(node: &'a mut Node, key: &str, span: Span) -> Option<&'a mut Node> {
    if !node.is_mapping() {
        return None;
    }
    let missing = match get_mut(node, key) {
        None => true,
        Some(value) if value.is_null() => {
            *value = mapping(Vec::new(), span);
            false
        }
        Some(_) => false,
    };
    if missing {
        set_value(node, key, span, mapping(Vec::new(), span));
    }
    get_mut(node, key).filter(|v| v.is_mapping())
}

/// Follows a route of own keys.
pub(crate) fn path_mut<'a>(node: &'a mut Node, keys: &[&str]) -> Option<&'a mut Node> {
    keys.iter().try_fold(node, |node, key| get_mut(node, key))
}

/// Rewrites every span of a tree.
pub(crate) fn remap(node: &mut Node, map: &dyn Fn(usize) -> usize) {
    node.span = Span::new(map(node.span.start), map(node.span.end));
    match &mut node.kind {
        NodeKind::Scalar(_) => {}
        NodeKind::Sequence(items) => items.iter_mut().for_each(|i| remap(i, map)),
        NodeKind::Mapping(entries) => {
            for entry in entries {
                remap(&mut entry.key, map);
                remap(&mut entry.value, map);
            }
        }
    }
}

/// Parses YAML written inside a scalar of a file (an inline patch), with
/// spans pointing into that file. `text` is the file's text and `base`
/// its global offset. A literal block keeps exact positions; other styles
/// map positions approximately, within the scalar.
pub(crate) fn parse_embedded(node: &Node, text: &str, base: usize) -> Vec<Node> {
    let Some(scalar) = node.scalar() else { return Vec::new() };
    let value = scalar.value.as_str();
    let parsed = shipshape_yaml::parse(value);
    let (start, end) = (node.span.start, node.span.end.max(node.span.start));
    let local = start.saturating_sub(base);
    let line_map = (scalar.style == ScalarStyle::Literal).then(|| literal_lines(value, text, local)).flatten();
    let quote = usize::from(matches!(scalar.style, ScalarStyle::SingleQuoted | ScalarStyle::DoubleQuoted));
    let map = |offset: usize| -> usize {
        let mapped = match &line_map {
            Some(lines) => {
                let index = lines.partition_point(|(value_start, _)| *value_start <= offset).saturating_sub(1);
                lines.get(index).map_or(local, |(value_start, source_start)| source_start + (offset - value_start))
                    + base
            }
            None => start + quote + offset,
        };
        mapped.clamp(start, end)
    };
    parsed
        .documents
        .into_iter()
        .map(|document| {
            let mut root = document.root;
            remap(&mut root, &map);
            root
        })
        .collect()
}

/// For a literal block scalar whose first content character is at
/// `local` in `text`: (offset in the value, offset in the text) of each line.
fn literal_lines(value: &str, text: &str, local: usize) -> Option<Vec<(usize, usize)>> {
    let line_start = text.get(..local)?.rfind('\n').map_or(0, |i| i + 1);
    let indent = local - line_start;
    let mut out = Vec::new();
    let mut source = line_start;
    let mut value_offset = 0;
    for line in value.split_inclusive('\n') {
        let source_line = text.get(source..)?.split_inclusive('\n').next().unwrap_or("");
        let skip = indent.min(source_line.len() - source_line.trim_start_matches(' ').len());
        out.push((value_offset, source + skip));
        value_offset += line.len();
        source += source_line.len();
        if source >= text.len() {
            break;
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_literal_block_keeps_positions() {
        let text = "patches:\n  - patch: |-\n      - op: add\n        path: /x\n\n        value: 1\n";
        let parsed = shipshape_yaml::parse_at(text, 100);
        let node = parsed.documents[0].root.get("patches").expect("test data").items()[0]
            .get("patch")
            .expect("test data")
            .clone();
        let docs = parse_embedded(&node, text, 100);
        let value = docs[0].items()[0].get("value").expect("test data");
        let local = value.span.start - 100;
        assert_eq!(&text[local..local + 1], "1");
        let path = docs[0].items()[0].get("path").expect("test data");
        assert_eq!(&text[path.span.start - 100..path.span.end - 100], "/x");
    }

    #[test]
    fn edits() {
        let mut root = shipshape_yaml::parse("a: {b: 1}\n").documents.remove(0).root;
        let labels = ensure_mapping(&mut root, "labels", Span::empty(0)).expect("test data");
        set_entry(labels, scalar("x", Span::empty(0)), scalar("y", Span::empty(0)));
        assert_eq!(root.str_at(&["labels", "x"]), Some("y"));
        assert!(ensure_mapping(path_mut(&mut root, &["a"]).expect("test data"), "b", Span::empty(0)).is_none());
        assert!(remove(&mut root, "a").is_some());
        assert!(root.get("a").is_none());
    }
}
