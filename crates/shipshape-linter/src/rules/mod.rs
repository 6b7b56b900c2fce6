//! Rules, one file each, grouped by domain.

pub mod dockerfile;
pub mod general;
pub mod kubernetes;
pub mod secrets;
