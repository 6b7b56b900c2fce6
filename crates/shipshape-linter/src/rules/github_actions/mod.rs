//! Rules for the github_actions domain.

use crate::rule::Rule;

pub static RULES: &[&dyn Rule] = &[];
