//! Rules for the dockerfile domain.

mod latest_image_tag;

pub use latest_image_tag::LatestImageTag;

use crate::rule::Rule;

pub static RULES: &[&dyn Rule] = &[&LatestImageTag];
