//! Findings the engine reports itself.

mod duplicate_yaml_key;
mod input_budget_exceeded;
mod parse_error;
mod suppression_without_reason;

pub use duplicate_yaml_key::DuplicateYamlKey;
pub use input_budget_exceeded::InputBudgetExceeded;
pub use parse_error::ParseError;
pub use suppression_without_reason::SuppressionWithoutReason;

use crate::rule::Rule;

pub static RULES: &[&dyn Rule] = &[&ParseError, &InputBudgetExceeded, &SuppressionWithoutReason, &DuplicateYamlKey];
