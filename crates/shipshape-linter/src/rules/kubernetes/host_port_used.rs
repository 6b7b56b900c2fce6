use crate::context::K8sObject;
use crate::declare_rule;
use crate::k8s;
use crate::rule::{Reporter, Rule};

declare_rule! {
    /// ## What it does
    /// Flags a container port with a non-zero `hostPort`. Pods with
    /// `hostNetwork: true` are left to `host-namespace-shared`, since their
    /// ports are host ports anyway.
    ///
    /// ## Why is this bad?
    /// A host port binds the pod to a port of its node: two replicas cannot
    /// share a node, scheduling fails once the port is taken, and the port
    /// bypasses Services and most NetworkPolicy implementations. The
    /// `baseline` Pod Security Standard forbids host ports. Expose the pod
    /// through a Service (`NodePort` or `LoadBalancer` if it must be reached
    /// from outside).
    ///
    /// ## Example
    /// ```yaml
    /// ports:
    ///   - containerPort: 8080
    ///     hostPort: 8080
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// ports:
    ///   - containerPort: 8080
    /// ```
    pub struct HostPortUsed {
        id: "host-port-used",
        severity: Warning,
        domains: [Kubernetes],
        summary: "Container binds a port of the node (`hostPort`)",
    }
}

impl Rule for HostPortUsed {
    fn check_object(&self, object: &K8sObject, report: &mut Reporter<'_>) {
        let Some(template) = k8s::pod_template(object) else { return };
        if template.spec.get("hostNetwork").and_then(|n| n.as_bool()) == Some(true) {
            return;
        }
        for container in template.containers() {
            for port in container.node.get("ports").map(|p| p.items()).unwrap_or(&[]) {
                let Some(host_port) = port.get("hostPort") else { continue };
                match host_port.as_i64() {
                    Some(0) | None => {}
                    Some(number) => report.report(
                        host_port.span,
                        format!(
                            "{} binds port {number} of the node (`hostPort`); expose it through a Service instead",
                            container.describe(object)
                        ),
                    ),
                }
            }
        }
    }
}
