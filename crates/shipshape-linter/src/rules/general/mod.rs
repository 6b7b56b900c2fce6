//! Findings the engine reports itself.

mod input_budget_exceeded;
mod parse_error;
mod suppression_without_reason;

pub use input_budget_exceeded::InputBudgetExceeded;
pub use parse_error::ParseError;
pub use suppression_without_reason::SuppressionWithoutReason;

use crate::rule::Rule;

pub static RULES: &[&dyn Rule] = &[&ParseError, &InputBudgetExceeded, &SuppressionWithoutReason];
