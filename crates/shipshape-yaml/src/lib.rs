//! A YAML layer where every node knows its byte span in the source.
//!
//! Built on `saphyr-parser` events. Aliases are expanded (with a budget),
//! merge keys (`<<`) are honoured by [`Node::get`], and nesting is capped so
//! no input can exhaust the stack.

#[doc(hidden)]
pub mod fuzzing;
mod node;
mod parse;

pub use node::{Entry, Node, NodeKind, Scalar, ScalarStyle};
pub use parse::{parse, parse_at, Document, DuplicateKey, ParsedYaml, YamlError};

/// True when the text is a Go/Jinja template rather than YAML: a `{{ }}`
/// outside quoted and block scalars (where Argo Rollouts' `{{args.x}}` and
/// Prometheus' `{{ $labels.pod }}` live), or a `{%` line. GitHub Actions
/// expressions (`${{ }}`) never count.
pub fn is_templated(text: &str) -> bool {
    if !text.contains("{{") && !text.contains("{%") {
        return false;
    }
    let mut block_indent: Option<usize> = None;
    for line in text.lines() {
        let indent = line.len() - line.trim_start().len();
        let trimmed = line.trim();
        if let Some(parent) = block_indent {
            if trimmed.is_empty() || indent > parent {
                continue;
            }
            block_indent = None;
        }
        if trimmed.starts_with("{%") || trimmed.starts_with("{{") {
            return true;
        }
        if has_bare_template(line) {
            return true;
        }
        let without_comment = trimmed.split(" #").next().unwrap_or(trimmed);
        if without_comment.ends_with(['|', '>'])
            || without_comment.ends_with("|-")
            || without_comment.ends_with(">-")
            || without_comment.ends_with("|+")
            || without_comment.ends_with(">+")
        {
            block_indent = Some(indent);
        }
    }
    false
}

/// A `{{` on this line that is not inside a quoted scalar and not a `${{`.
fn has_bare_template(line: &str) -> bool {
    let bytes = line.as_bytes();
    let mut quote: Option<u8> = None;
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        match quote {
            Some(q) if b == q => quote = None,
            Some(b'"') if b == b'\\' => i += 1,
            Some(_) => {}
            None if b == b'#' && (i == 0 || bytes[i - 1] == b' ') => return false,
            None if (b == b'"' || b == b'\'')
                && (i == 0 || matches!(bytes[i - 1], b' ' | b':' | b'-' | b'[' | b',' | b'{')) =>
            {
                quote = Some(b)
            }
            None if b == b'{' && bytes.get(i + 1) == Some(&b'{') && (i == 0 || bytes[i - 1] != b'$') => return true,
            None => {}
        }
        i += 1;
    }
    false
}

#[cfg(test)]
mod tests;
