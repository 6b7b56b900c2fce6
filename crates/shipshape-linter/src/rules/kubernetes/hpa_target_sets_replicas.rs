use crate::context::ObjectSet;
use crate::declare_rule;
use crate::k8s;
use crate::rule::{Reporter, Rule};

declare_rule! {
    /// ## What it does
    /// Flags `spec.replicas` on a workload that a HorizontalPodAutoscaler
    /// scales, in the workload's file. The autoscaler must be read from the
    /// workload's folder or name its explicit namespace. A replica count
    /// of `0` (an Argo Rollout's `workloadRef` Deployment, a parked
    /// workload) is not flagged.
    ///
    /// ## Why is this bad?
    /// The autoscaler owns the replica count. Every `kubectl apply` or
    /// GitOps sync of a manifest that also sets `replicas` resets the count
    /// to the written value: a service scaled out to handle a peak drops
    /// back to, say, 2 pods mid-peak until the autoscaler notices again.
    ///
    /// ## Example
    /// ```yaml
    /// kind: Deployment
    /// spec:
    ///   replicas: 2
    /// ---
    /// kind: HorizontalPodAutoscaler
    /// spec:
    ///   scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: api}
    ///   minReplicas: 2
    ///   maxReplicas: 10
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// kind: Deployment
    /// spec: {}   # no replicas: the autoscaler sets them
    /// ---
    /// kind: HorizontalPodAutoscaler
    /// spec:
    ///   scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: api}
    ///   minReplicas: 2
    ///   maxReplicas: 10
    /// ```
    ///
    /// ## References
    /// - [HorizontalPodAutoscaler: migrating Deployments to horizontal autoscaling](https://kubernetes.io/docs/tasks/run-application/horizontal-pod-autoscale/#migrating-deployments-and-statefulsets-to-horizontal-autoscaling)
    pub struct HpaTargetSetsReplicas {
        id: "hpa-target-sets-replicas",
        severity: Info,
        domains: [Kubernetes],
        summary: "Workload scaled by an autoscaler also sets `replicas`",
    }
}

impl Rule for HpaTargetSetsReplicas {
    fn check_objects(&self, set: &ObjectSet, report: &mut Reporter<'_>) {
        for object in &set.objects {
            if !k8s::SCALABLE_KINDS.contains(&object.kind.as_str()) {
                continue;
            }
            let Some(spec) = object.spec() else { continue };
            let Some(entry) = spec.entry("replicas") else { continue };
            if entry.value.as_i64() == Some(0) {
                continue;
            }
            let Some(hpa) = k8s::autoscalers_of(set, object).find(|h| k8s::related(h, object)) else { continue };
            report.report(
                entry.key.span,
                format!(
                    "{} sets `replicas` although {} scales it, so every apply resets the replica count; remove \
                     `replicas`",
                    object.display_name(),
                    hpa.display_name()
                ),
            );
        }
    }
}
