//! Writers: each reads only the plan and returns the files it produces.

use crate::plan::Plan;

/// One file of the kit, relative to the repository root.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GeneratedFile {
    pub path: String,
    pub contents: String,
}

/// Every file of the kit, in a stable order.
pub fn kit(_plan: &Plan) -> Vec<GeneratedFile> {
    Vec::new()
}
