use crate::context::K8sObject;
use crate::declare_rule;
use crate::k8s;
use crate::rule::{Reporter, Rule};

declare_rule! {
    /// ## What it does
    /// Flags a container whose CPU, memory or ephemeral-storage request is
    /// larger than its limit for the same resource, at the request.
    ///
    /// ## Why is this bad?
    /// The API server rejects such a pod (`must be less than or equal to
    /// limit`): the Deployment's ReplicaSet never creates a pod, and the
    /// rollout hangs with an error only visible in events.
    ///
    /// ## Example
    /// ```yaml
    /// resources:
    ///   requests:
    ///     memory: 1Gi
    ///   limits:
    ///     memory: 512Mi
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// resources:
    ///   requests:
    ///     memory: 512Mi
    ///   limits:
    ///     memory: 1Gi
    /// ```
    pub struct ResourceRequestExceedsLimit {
        id: "resource-request-exceeds-limit",
        severity: Error,
        domains: [Kubernetes],
        summary: "Container requests more of a resource than its limit",
        kind: Defect,
    }
}

impl Rule for ResourceRequestExceedsLimit {
    fn check_object(&self, object: &K8sObject, report: &mut Reporter<'_>) {
        let Some(template) = k8s::pod_template(object) else { return };
        for container in template.app_containers() {
            for resource in ["cpu", "memory", "ephemeral-storage"] {
                let (Some(request), Some(limit)) =
                    (container.resource("requests", resource), container.resource("limits", resource))
                else {
                    continue;
                };
                let (Some(request_text), Some(limit_text)) = (request.as_str(), limit.as_str()) else { continue };
                let (Some(r), Some(l)) = (k8s::parse_quantity(request_text), k8s::parse_quantity(limit_text)) else {
                    continue;
                };
                if r > l {
                    report.report(
                        request.span,
                        format!(
                            "{} requests {request_text} of {resource} but is limited to {limit_text}; the API \
                             rejects the pod, so raise the limit or lower the request",
                            container.describe(object)
                        ),
                    );
                }
            }
        }
    }
}
