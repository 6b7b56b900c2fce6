//! Findings, their positions, and the renderers that print them.

mod finding;
mod line_index;
pub mod render;
mod sanitize;

pub use finding::{Finding, RuleDescriptor, Severity, Span};
pub use line_index::{LineCol, LineIndex};
pub use sanitize::{is_unsafe_char, sanitize};
