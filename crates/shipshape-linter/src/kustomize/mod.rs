//! Native Kustomize rendering: follow `kustomization.yaml` files, apply
//! their transformers and patches, and hand the rendered objects to the
//! Kubernetes rules with spans that point where each field was written.

use shipshape_diagnostics::Span;

use crate::context::{K8sObject, RepositoryContext};

/// What the kustomizations of a scan render to.
#[derive(Debug, Default)]
pub struct Rendering {
    pub objects: Vec<K8sObject>,
    pub notes: RenderNotes,
}

/// What the render found wrong, for the Kustomize rules.
#[derive(Debug, Default, Clone)]
pub struct RenderNotes {
    /// Patches that matched no object in any complete render.
    pub unmatched_patches: Vec<Note>,
    /// `images` entries that matched no container in any complete render.
    pub unused_images: Vec<Note>,
    /// Objects added twice to one build.
    pub duplicates: Vec<Note>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Note {
    /// Global span of the kustomization entry at fault.
    pub span: Span,
    pub message: String,
}

/// The objects the scan's kustomizations render.
pub fn render(_repo: &RepositoryContext<'_>) -> Rendering {
    Rendering::default()
}
