//! Rules for the gitops domain.

use crate::rule::Rule;

pub static RULES: &[&dyn Rule] = &[];
