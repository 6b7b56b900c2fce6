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

#[cfg(test)]
mod tests;
