//! A YAML layer where every node knows its byte span in the source.
//!
//! Built on `saphyr-parser` events. Aliases are expanded (with a budget),
//! merge keys (`<<`) are honoured by [`Node::get`], and nesting is capped so
//! no input can exhaust the stack.

mod node;
mod parse;

pub use node::{Entry, Node, NodeKind, Scalar, ScalarStyle};
pub use parse::{parse, Document, ParsedYaml, YamlError};

/// True when the text looks like a Go/Jinja template (`{{ ... }}` not
/// preceded by `$`, which is a GitHub Actions expression).
pub fn is_templated(text: &str) -> bool {
    let bytes = text.as_bytes();
    let mut from = 0;
    while let Some(pos) = text.get(from..).and_then(|rest| rest.find("{{")) {
        let at = from + pos;
        let preceded_by_dollar = at > 0 && bytes[at - 1] == b'$';
        if !preceded_by_dollar && text.get(at..).is_some_and(|rest| rest.contains("}}")) {
            return true;
        }
        from = at + 2;
    }
    false
}

#[cfg(test)]
mod tests;
