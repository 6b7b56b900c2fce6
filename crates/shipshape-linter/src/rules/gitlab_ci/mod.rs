//! Rules for the gitlab_ci domain.

use crate::rule::Rule;

pub static RULES: &[&dyn Rule] = &[];
