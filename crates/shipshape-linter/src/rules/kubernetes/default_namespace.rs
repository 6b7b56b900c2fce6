use crate::context::K8sObject;
use crate::declare_rule;
use crate::rule::{Reporter, Rule};

declare_rule! {
    /// ## What it does
    /// Flags an object whose `metadata.namespace` is explicitly `default`.
    /// An object without a namespace is not flagged: kustomize, Argo CD,
    /// Flux or `kubectl -n` set it when applying.
    ///
    /// ## Why is this bad?
    /// `default` is where everything lands that nobody placed on purpose:
    /// it usually has no ResourceQuota, LimitRange, NetworkPolicy or Pod
    /// Security labels, and RBAC granted there reaches every stray
    /// workload. Give the application its own namespace.
    ///
    /// ## Example
    /// ```yaml
    /// metadata:
    ///   name: api
    ///   namespace: default
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// metadata:
    ///   name: api
    ///   namespace: shop
    /// ```
    pub struct DefaultNamespace {
        id: "default-namespace",
        severity: Info,
        domains: [Kubernetes],
        summary: "Object is placed in the `default` namespace",
    }
}

impl Rule for DefaultNamespace {
    fn check_object(&self, object: &K8sObject, report: &mut Reporter<'_>) {
        if object.namespace.as_deref() != Some("default") {
            return;
        }
        let Some(node) = object.root.path(&["metadata", "namespace"]) else { return };
        report.report(
            node.span,
            format!("{} is placed in the `default` namespace; give the application its own", object.display_name()),
        );
    }
}
