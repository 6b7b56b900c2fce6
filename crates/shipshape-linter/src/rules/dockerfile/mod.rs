//! Rules for the dockerfile domain.

use crate::rule::Rule;

pub static RULES: &[&dyn Rule] = &[];
