//! Renderers. Each takes resolved findings and writes one output format.

pub mod github;
pub mod json_v1;
pub mod sarif;
pub mod text;

/// What the tool knows of itself, for formats that record it.
#[derive(Debug, Clone)]
pub struct ToolInfo {
    pub name: &'static str,
    pub version: &'static str,
    pub information_uri: &'static str,
}
