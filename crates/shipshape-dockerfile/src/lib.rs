//! A Dockerfile parser that keeps exact byte positions through line
//! continuations, comments, parser directives, JSON and shell forms,
//! BuildKit heredocs, flags and multi-stage builds.

#[doc(hidden)]
pub mod fuzzing;
mod parser;
pub mod shell;
mod text;

pub use parser::{expand, parse, Args, Directive, Dockerfile, Flag, Heredoc, Instruction, ParseError, Stage, Word};
pub use text::MappedText;

/// `path` made absolute against `base` (`/` when there is none), with `.`
/// and `..` resolved, as `WORKDIR` and `COPY` read paths.
pub fn absolute_path(base: Option<&str>, path: &str) -> String {
    let joined = if path.starts_with('/') { path.to_string() } else { format!("{}/{path}", base.unwrap_or("")) };
    let mut parts: Vec<&str> = Vec::new();
    for part in joined.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            other => parts.push(other),
        }
    }
    format!("/{}", parts.join("/"))
}

#[cfg(test)]
mod tests;
