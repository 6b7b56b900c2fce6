use crate::context::ObjectSet;
use crate::declare_rule;
use crate::k8s;
use crate::rule::{Reporter, Rule};

declare_rule! {
    /// ## What it does
    /// Flags a container (init containers included) with no CPU limit,
    /// unless a `LimitRange` with a default CPU limit is in the scanned
    /// files for the object's namespace.
    ///
    /// Off by default: many teams deliberately set CPU requests without CPU
    /// limits, because a limit throttles a container even when the node
    /// has idle CPU, which hurts latency. Enable it where a shared cluster
    /// must cap every tenant's CPU.
    ///
    /// ## Why is this bad?
    /// Without a limit a busy container can use all idle CPU of its node;
    /// on shared clusters one noisy tenant then slows the others down to
    /// their requests, and costs become hard to predict.
    ///
    /// ## Example
    /// ```yaml
    /// resources:
    ///   requests:
    ///     cpu: 250m
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// resources:
    ///   requests:
    ///     cpu: 250m
    ///   limits:
    ///     cpu: "1"
    /// ```
    pub struct MissingCpuLimit {
        id: "missing-cpu-limit",
        severity: Warning,
        domains: [Kubernetes],
        summary: "Container has no CPU limit",
        enabled_by_default: false,
    }
}

impl Rule for MissingCpuLimit {
    fn check_objects(&self, set: &ObjectSet, report: &mut Reporter<'_>) {
        for object in &set.objects {
            let Some(template) = k8s::pod_template(object).filter(|t| t.complete) else { continue };
            for container in template.app_containers() {
                if container.resource("limits", "cpu").is_some()
                    || k8s::limit_range_default(set, object, "limits", "cpu")
                {
                    continue;
                }
                report.report(
                    container.key_span("resources"),
                    format!("{} has no CPU limit; set `resources.limits.cpu`", container.describe(object)),
                );
            }
        }
    }
}
