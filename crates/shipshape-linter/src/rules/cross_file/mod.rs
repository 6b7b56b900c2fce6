//! Rules for the cross_file domain.

use crate::rule::Rule;

pub static RULES: &[&dyn Rule] = &[];
