use crate::context::K8sObject;
use crate::declare_rule;
use crate::rule::{Reporter, Rule};

declare_rule! {
    /// ## What it does
    /// Flags a Service of `type: NodePort`.
    ///
    /// ## Why is this bad?
    /// A NodePort opens the same high port on every node of the cluster,
    /// reachable by anything that can reach a node, past the Ingress and
    /// its TLS, authentication and rate limits. Clients must also know node
    /// addresses, which change. Expose HTTP through an Ingress or Gateway
    /// and other protocols through a `LoadBalancer` Service; keep internal
    /// Services `ClusterIP`.
    ///
    /// ## Example
    /// ```yaml
    /// kind: Service
    /// spec:
    ///   type: NodePort
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// kind: Service
    /// spec:
    ///   type: ClusterIP
    /// ```
    pub struct ServiceTypeNodeport {
        id: "service-type-nodeport",
        severity: Info,
        domains: [Kubernetes],
        summary: "Service is exposed on every node (`NodePort`)",
    }
}

impl Rule for ServiceTypeNodeport {
    fn check_object(&self, object: &K8sObject, report: &mut Reporter<'_>) {
        if object.kind != "Service" {
            return;
        }
        let Some(kind) = object.root.path(&["spec", "type"]) else { return };
        if kind.as_str() == Some("NodePort") {
            report.report(
                kind.span,
                format!(
                    "{} opens a port on every node; expose it through an Ingress, a Gateway or a LoadBalancer",
                    object.display_name()
                ),
            );
        }
    }
}
