use super::schema::{self, Problem};
use crate::context::K8sObject;
use crate::declare_rule;
use crate::rule::{Reporter, Rule};

declare_rule! {
    /// ## What it does
    /// Flags a field that the Kubernetes API does not know, at its key, with
    /// the closest known field when there is one (`resource` → `resources`,
    /// `livenessprobe` → `livenessProbe`). Checked are the fields people
    /// write by hand in `apps/v1` Deployments, StatefulSets, DaemonSets and
    /// ReplicaSets, `batch/v1` Jobs and CronJobs, `v1` Pods,
    /// ReplicationControllers and Services, and the pod template of Argo
    /// Rollouts: object metadata, workload specs, the pod spec, containers,
    /// ports, env, resources, probes, security contexts, volume mounts and
    /// Service ports. Kustomize patch directives (`$patch`) are allowed.
    ///
    /// ## Why is this bad?
    /// With strict field validation (the default of `kubectl` since 1.27)
    /// the apply fails. With looser clients, older clusters or some GitOps
    /// tools the field is silently dropped: a misspelt `resource:` block
    /// means no limits at all, a `livenessprobe:` means no probe, and
    /// nothing says so.
    ///
    /// ## Example
    /// ```yaml
    /// containers:
    ///   - name: api
    ///     image: ghcr.io/acme/api:1.4.2
    ///     resource:
    ///       limits:
    ///         memory: 512Mi
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// containers:
    ///   - name: api
    ///     image: ghcr.io/acme/api:1.4.2
    ///     resources:
    ///       limits:
    ///         memory: 512Mi
    /// ```
    pub struct UnknownField {
        id: "unknown-field",
        severity: Error,
        domains: [Kubernetes],
        summary: "Field is not part of the Kubernetes API",
        kind: Defect,
    }
}

impl Rule for UnknownField {
    fn check_object(&self, object: &K8sObject, report: &mut Reporter<'_>) {
        for problem in schema::check(object) {
            if let Problem::Unknown { span, route, suggestion } = problem {
                let hint = suggestion
                    .map(|s| format!("; did you mean `{s}`?"))
                    .unwrap_or_else(|| "; the API rejects or silently drops it, so remove or fix it".to_string());
                report.report(span, format!("{} has an unknown field `{route}`{hint}", object.display_name()));
            }
        }
    }
}
