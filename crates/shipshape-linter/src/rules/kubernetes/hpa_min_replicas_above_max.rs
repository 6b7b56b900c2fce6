use crate::context::K8sObject;
use crate::declare_rule;
use crate::rule::{Reporter, Rule};

declare_rule! {
    /// ## What it does
    /// Flags a HorizontalPodAutoscaler whose `minReplicas` is greater than
    /// its `maxReplicas`, at `minReplicas`.
    ///
    /// ## Why is this bad?
    /// The API server rejects the autoscaler, so the workload is not
    /// autoscaled at all; usually the two values were swapped or only one
    /// was raised.
    ///
    /// ## Example
    /// ```yaml
    /// spec:
    ///   minReplicas: 10
    ///   maxReplicas: 4
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// spec:
    ///   minReplicas: 4
    ///   maxReplicas: 10
    /// ```
    pub struct HpaMinReplicasAboveMax {
        id: "hpa-min-replicas-above-max",
        severity: Error,
        domains: [Kubernetes],
        summary: "Autoscaler's `minReplicas` is above its `maxReplicas`",
        kind: Defect,
    }
}

impl Rule for HpaMinReplicasAboveMax {
    fn check_object(&self, object: &K8sObject, report: &mut Reporter<'_>) {
        if object.kind != "HorizontalPodAutoscaler" {
            return;
        }
        let Some(min) = object.root.path(&["spec", "minReplicas"]) else { return };
        let (Some(low), Some(high)) =
            (min.as_i64(), object.root.path(&["spec", "maxReplicas"]).and_then(|n| n.as_i64()))
        else {
            return;
        };
        if low > high {
            report.report(
                min.span,
                format!(
                    "{} has `minReplicas: {low}` above `maxReplicas: {high}`, which the API rejects; swap or fix them",
                    object.display_name()
                ),
            );
        }
    }
}
