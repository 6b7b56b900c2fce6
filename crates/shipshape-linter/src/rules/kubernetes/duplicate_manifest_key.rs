use shipshape_yaml::Document;

use crate::context::YamlFileContext;
use crate::declare_rule;
use crate::roles::YamlRole;
use crate::rule::{Reporter, Rule};

declare_rule! {
    /// ## What it does
    /// Flags a key written twice in one mapping of a Kubernetes object, at
    /// the later key. The other rules check the later value, the one that
    /// tools which accept the file keep.
    ///
    /// ## Why is this bad?
    /// The API server's strict field validation (the default of `kubectl`
    /// since 1.27) rejects the object with `duplicate field`, while tools
    /// that decode it leniently (PyYAML, go-yaml maps, older clients) keep
    /// the last value silently. A reviewer reading `privileged: false` may
    /// miss the `privileged: true` a few lines below, and what is applied
    /// depends on the tool.
    ///
    /// ## Example
    /// ```yaml
    /// securityContext:
    ///   privileged: false
    ///   runAsNonRoot: true
    ///   privileged: true
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// securityContext:
    ///   privileged: false
    ///   runAsNonRoot: true
    /// ```
    ///
    /// ## References
    /// - [Kubernetes: field validation](https://kubernetes.io/docs/reference/using-api/api-concepts/#field-validation)
    pub struct DuplicateManifestKey {
        id: "duplicate-manifest-key",
        severity: Error,
        domains: [Kubernetes],
        summary: "Key written twice in one mapping of a Kubernetes object",
        kind: Defect,
    }
}

/// True for a document of a manifest that is a Kubernetes object.
pub(crate) fn is_object_document(role: YamlRole, document: &Document) -> bool {
    role == YamlRole::Manifest
        && document.root.get("kind").is_some()
        && document.root.str_at(&["apiVersion"]).is_some_and(|v| !v.starts_with("kustomize.config.k8s.io/"))
}

impl Rule for DuplicateManifestKey {
    fn check_yaml(&self, cx: &YamlFileContext<'_>, report: &mut Reporter<'_>) {
        for document in cx.documents.iter().filter(|d| is_object_document(cx.role, d)) {
            for duplicate in &document.duplicate_keys {
                report.report(
                    duplicate.span,
                    format!(
                        "Key `{}` is written twice in this mapping; the API server rejects the object, and tools that \
                         accept it keep only this later value",
                        duplicate.key
                    ),
                );
            }
        }
    }
}
