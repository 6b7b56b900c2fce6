use crate::context::ObjectSet;
use crate::declare_rule;
use crate::k8s;
use crate::rule::{Reporter, Rule};

declare_rule! {
    /// ## What it does
    /// Flags a container (init containers included) with no CPU or no
    /// memory request. A limit alone counts, since Kubernetes then uses it
    /// as the request, and so does a `LimitRange` with container defaults
    /// in the scanned files for the object's namespace.
    ///
    /// ## Why is this bad?
    /// The scheduler places pods by their requests. A container without
    /// them is scheduled as if it needed nothing: nodes get overcommitted,
    /// the pod is first in line for eviction (`BestEffort` QoS) and the
    /// HorizontalPodAutoscaler cannot compute CPU or memory utilisation.
    ///
    /// ## Example
    /// ```yaml
    /// containers:
    ///   - name: api
    ///     image: ghcr.io/acme/api:1.4.2
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// containers:
    ///   - name: api
    ///     image: ghcr.io/acme/api:1.4.2
    ///     resources:
    ///       requests:
    ///         cpu: 100m
    ///         memory: 256Mi
    /// ```
    ///
    /// ## References
    /// - [Resource management for pods and containers](https://kubernetes.io/docs/concepts/configuration/manage-resources-containers/)
    pub struct MissingResourceRequests {
        id: "missing-resource-requests",
        severity: Warning,
        domains: [Kubernetes],
        summary: "Container has no CPU or memory request",
    }
}

impl Rule for MissingResourceRequests {
    fn check_objects(&self, set: &ObjectSet, report: &mut Reporter<'_>) {
        for object in &set.objects {
            let Some(template) = k8s::pod_template(object).filter(|t| t.complete) else { continue };
            for container in template.app_containers() {
                let missing: Vec<&str> = ["cpu", "memory"]
                    .into_iter()
                    .filter(|r| {
                        container.resource("requests", r).is_none()
                            && container.resource("limits", r).is_none()
                            && !k8s::limit_range_default(set, object, "requests", r)
                    })
                    .collect();
                if missing.is_empty() {
                    continue;
                }
                let what = missing.iter().map(|r| format!("`{r}`")).collect::<Vec<_>>().join(" and ");
                report.report(
                    container.key_span("resources"),
                    format!("{} has no {what} request; set `resources.requests`", container.describe(object)),
                );
            }
        }
    }
}
