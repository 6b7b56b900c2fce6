//! Rules for the kustomize domain.

use crate::rule::Rule;

pub static RULES: &[&dyn Rule] = &[];
