use crate::context::ObjectSet;
use crate::declare_rule;
use crate::k8s;
use crate::rule::{Reporter, Rule};

declare_rule! {
    /// ## What it does
    /// Flags a long-running container that serves traffic but has no
    /// `readinessProbe`. Checked are the `containers` of a Deployment,
    /// StatefulSet, DaemonSet, ReplicaSet, ReplicationController or Argo
    /// Rollout that declare a `containerPort` or whose pods a Service in the
    /// scanned files selects. Workers with no port and no Service, Jobs,
    /// CronJobs, bare Pods and init containers are not checked.
    ///
    /// ## Why is this bad?
    /// Without a readiness probe a pod receives traffic as soon as its
    /// process starts, before it has loaded its configuration, warmed its
    /// caches or connected to its database, and keeps receiving it while
    /// overloaded. Rolling updates also move on before the new pods can
    /// serve, so a broken release replaces every working pod.
    ///
    /// ## Example
    /// ```yaml
    /// containers:
    ///   - name: api
    ///     image: ghcr.io/acme/api:1.4.2
    ///     ports:
    ///       - name: http
    ///         containerPort: 8080
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// containers:
    ///   - name: api
    ///     image: ghcr.io/acme/api:1.4.2
    ///     ports:
    ///       - name: http
    ///         containerPort: 8080
    ///     readinessProbe:
    ///       httpGet:
    ///         path: /readyz
    ///         port: http
    /// ```
    ///
    /// ## References
    /// - [Configure liveness, readiness and startup probes](https://kubernetes.io/docs/tasks/configure-pod-container/configure-liveness-readiness-startup-probes/)
    pub struct MissingReadinessProbe {
        id: "missing-readiness-probe",
        severity: Warning,
        domains: [Kubernetes],
        summary: "Container that serves traffic has no readiness probe",
    }
}

impl Rule for MissingReadinessProbe {
    fn check_objects(&self, set: &ObjectSet, report: &mut Reporter<'_>) {
        for object in &set.objects {
            if !k8s::LONG_RUNNING_KINDS.contains(&object.kind.as_str()) {
                continue;
            }
            let Some(template) = k8s::pod_template(object).filter(|t| t.complete) else { continue };
            let labels = template.labels();
            let selected_by_service = k8s::selected_by_a_service(set, object, &labels);
            for container in template.main_containers() {
                if container.node.get("readinessProbe").is_some_and(|p| !p.is_null()) {
                    continue;
                }
                if !selected_by_service && container.ports().is_empty() {
                    continue;
                }
                report.report(
                    container.report_span(),
                    format!(
                        "{} serves traffic but has no readiness probe, so it gets requests before it is ready; add \
                         a `readinessProbe`",
                        container.describe(object)
                    ),
                );
            }
        }
    }
}
