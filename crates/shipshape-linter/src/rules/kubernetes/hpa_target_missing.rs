use crate::context::ObjectSet;
use crate::declare_rule;
use crate::k8s;
use crate::rule::{Reporter, Rule};

declare_rule! {
    /// ## What it does
    /// Flags a HorizontalPodAutoscaler whose `scaleTargetRef` names a
    /// Deployment, StatefulSet, ReplicaSet, ReplicationController or Argo
    /// Rollout that is not among the scanned files. To stay quiet on
    /// partial scans it only reports when the autoscaler's folder also
    /// holds a workload that could be in its namespace.
    ///
    /// ## Why is this bad?
    /// An autoscaler whose target does not exist does nothing (its status
    /// says `FailedGetScale`), so the workload it was meant to scale runs
    /// at a fixed size. A renamed Deployment is the usual cause.
    ///
    /// ## Example
    /// ```yaml
    /// kind: HorizontalPodAutoscaler
    /// spec:
    ///   scaleTargetRef:
    ///     apiVersion: apps/v1
    ///     kind: Deployment
    ///     name: web-frontend   # the Deployment is called `frontend`
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// kind: HorizontalPodAutoscaler
    /// spec:
    ///   scaleTargetRef:
    ///     apiVersion: apps/v1
    ///     kind: Deployment
    ///     name: frontend
    /// ```
    pub struct HpaTargetMissing {
        id: "hpa-target-missing",
        severity: Warning,
        domains: [Kubernetes],
        summary: "Autoscaler targets a workload that is not in the scan",
        kind: Defect,
    }
}

impl Rule for HpaTargetMissing {
    fn check_objects(&self, set: &ObjectSet, report: &mut Reporter<'_>) {
        for hpa in set.of_kind("HorizontalPodAutoscaler") {
            let Some(target) = hpa.root.path(&["spec", "scaleTargetRef"]) else { continue };
            let (Some(kind), Some(name_node)) = (target.str_at(&["kind"]), target.get("name")) else { continue };
            let Some(name) = name_node.as_str().filter(|n| !n.contains(['$', '{'])) else { continue };
            if !k8s::SCALABLE_KINDS.contains(&kind) || !k8s::folder_has_workloads(set, hpa) {
                continue;
            }
            if set.named(hpa, kind, name).next().is_some() {
                continue;
            }
            report.report(
                name_node.span,
                format!(
                    "{} scales {kind} `{name}`, which is not among the scanned files; fix the target name",
                    hpa.display_name()
                ),
            );
        }
    }
}
