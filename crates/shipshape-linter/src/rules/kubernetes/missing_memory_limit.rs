use crate::context::ObjectSet;
use crate::declare_rule;
use crate::k8s;
use crate::rule::{Reporter, Rule};

declare_rule! {
    /// ## What it does
    /// Flags a container (init containers included) with no memory limit,
    /// unless a `LimitRange` with a default memory limit is in the scanned
    /// files for the object's namespace.
    ///
    /// ## Why is this bad?
    /// Memory is not compressible: a container without a limit that leaks
    /// or spikes takes memory from its neighbours until the node runs out,
    /// and the kernel's OOM killer then picks victims across the node
    /// rather than the culprit. With a limit, only the container that
    /// exceeds it is restarted.
    ///
    /// ## Example
    /// ```yaml
    /// resources:
    ///   requests:
    ///     memory: 256Mi
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// resources:
    ///   requests:
    ///     memory: 256Mi
    ///   limits:
    ///     memory: 512Mi
    /// ```
    pub struct MissingMemoryLimit {
        id: "missing-memory-limit",
        severity: Warning,
        domains: [Kubernetes],
        summary: "Container has no memory limit",
    }
}

impl Rule for MissingMemoryLimit {
    fn check_objects(&self, set: &ObjectSet, report: &mut Reporter<'_>) {
        for object in &set.objects {
            let Some(template) = k8s::pod_template(object).filter(|t| t.complete) else { continue };
            for container in template.app_containers() {
                if container.resource("limits", "memory").is_some()
                    || k8s::limit_range_default(set, object, "limits", "memory")
                {
                    continue;
                }
                report.report(
                    container.key_span("resources"),
                    format!("{} has no memory limit; set `resources.limits.memory`", container.describe(object)),
                );
            }
        }
    }
}
