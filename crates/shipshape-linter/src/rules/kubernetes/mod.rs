//! Rules for the kubernetes domain.

use crate::rule::Rule;

pub static RULES: &[&dyn Rule] = &[];
