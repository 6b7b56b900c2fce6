//! Rules for the secrets domain.

use crate::rule::Rule;

pub static RULES: &[&dyn Rule] = &[];
