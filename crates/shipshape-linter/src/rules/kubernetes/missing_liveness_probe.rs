use crate::context::K8sObject;
use crate::declare_rule;
use crate::k8s;
use crate::rule::{Reporter, Rule};

declare_rule! {
    /// ## What it does
    /// Flags a long-running container without a `livenessProbe`: the
    /// `containers` of a Deployment, StatefulSet, DaemonSet, ReplicaSet,
    /// ReplicationController or Argo Rollout. Jobs, CronJobs, bare Pods,
    /// init containers and sidecars are not checked.
    ///
    /// It is advice: a liveness probe that checks dependencies or has tight
    /// timeouts restarts healthy containers, so write it to test only that
    /// the process itself still answers.
    ///
    /// ## Why is this bad?
    /// A process that deadlocks or wedges without exiting keeps its
    /// container "running" forever; without a liveness probe nothing
    /// restarts it, and it keeps taking its share of traffic if its
    /// readiness probe does not notice either.
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
    ///     livenessProbe:
    ///       httpGet:
    ///         path: /livez
    ///         port: http
    ///       periodSeconds: 10
    ///       failureThreshold: 3
    /// ```
    ///
    /// ## References
    /// - [Configure liveness, readiness and startup probes](https://kubernetes.io/docs/tasks/configure-pod-container/configure-liveness-readiness-startup-probes/)
    pub struct MissingLivenessProbe {
        id: "missing-liveness-probe",
        severity: Info,
        domains: [Kubernetes],
        summary: "Long-running container has no liveness probe",
    }
}

impl Rule for MissingLivenessProbe {
    fn check_object(&self, object: &K8sObject, report: &mut Reporter<'_>) {
        if !k8s::LONG_RUNNING_KINDS.contains(&object.kind.as_str()) {
            return;
        }
        let Some(template) = k8s::pod_template(object).filter(|t| t.complete) else { return };
        for container in template.main_containers() {
            if container.node.get("livenessProbe").is_some_and(|p| !p.is_null()) {
                continue;
            }
            report.report(
                container.report_span(),
                format!(
                    "{} has no liveness probe, so a hung process is never restarted; add a `livenessProbe`",
                    container.describe(object)
                ),
            );
        }
    }
}
