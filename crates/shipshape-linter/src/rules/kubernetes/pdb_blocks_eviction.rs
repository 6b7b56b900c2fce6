use crate::context::ObjectSet;
use crate::declare_rule;
use crate::k8s::{self, IntOrPercent};
use crate::rule::{Reporter, Rule};

declare_rule! {
    /// ## What it does
    /// Flags a PodDisruptionBudget that can never allow an eviction:
    /// `maxUnavailable: 0` or `0%`, `minAvailable: 100%`, or a
    /// `minAvailable` at or above the replica count of a workload it
    /// selects in the scanned files (its `spec.replicas`, or the
    /// `minReplicas` of an autoscaler that targets it). Percentages are
    /// rounded up, as Kubernetes does: `67%` of 3 replicas is 3. Workloads
    /// are only compared when read from the budget's folder or its
    /// explicit namespace.
    ///
    /// ## Why is this bad?
    /// Node drains wait for the budget forever: cluster upgrades, node pool
    /// rotations and the cluster autoscaler stall on that node until
    /// someone deletes the budget or the pods by hand. A budget should
    /// allow at least one pod to go.
    ///
    /// ## Example
    /// ```yaml
    /// kind: PodDisruptionBudget
    /// spec:
    ///   minAvailable: 3    # the Deployment runs 3 replicas
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// kind: PodDisruptionBudget
    /// spec:
    ///   maxUnavailable: 1
    /// ```
    pub struct PdbBlocksEviction {
        id: "pdb-blocks-eviction",
        severity: Warning,
        domains: [Kubernetes],
        summary: "PodDisruptionBudget never allows an eviction",
    }
}

impl Rule for PdbBlocksEviction {
    fn check_objects(&self, set: &ObjectSet, report: &mut Reporter<'_>) {
        for pdb in set.of_kind("PodDisruptionBudget") {
            let Some(spec) = pdb.spec() else { continue };
            if let Some(node) = spec.get("maxUnavailable") {
                if matches!(IntOrPercent::parse(node), Some(IntOrPercent::Int(0))) || is_zero_percent(node) {
                    report.report(
                        node.span,
                        format!(
                            "{} allows no pod to be unavailable, so node drains block forever; allow at least 1",
                            pdb.display_name()
                        ),
                    );
                }
                continue;
            }
            let Some(node) = spec.get("minAvailable") else { continue };
            let Some(min) = IntOrPercent::parse(node) else { continue };
            if let IntOrPercent::Percent(p) = min {
                if p >= 100.0 {
                    report.report(
                        node.span,
                        format!(
                            "{} requires every pod to stay available, so node drains block forever; use \
                             `maxUnavailable: 1`",
                            pdb.display_name()
                        ),
                    );
                    continue;
                }
            }
            let Some(selector) = spec.get("selector").filter(|s| !k8s::selector_is_empty(s)) else { continue };
            for workload in k8s::workloads_near(set, pdb) {
                if !k8s::SCALABLE_KINDS.contains(&workload.kind.as_str()) || !k8s::related(pdb, workload) {
                    continue;
                }
                let Some(replicas) = k8s::minimum_replicas(set, workload).filter(|r| *r > 0) else { continue };
                let Some(template) = k8s::effective_pod_template(set, workload) else { continue };
                if k8s::label_selector_matches(selector, &template.labels()) != Some(true) {
                    continue;
                }
                let needed = min.resolve(replicas, true);
                if needed >= replicas {
                    report.report(
                        node.span,
                        format!(
                            "{} (`minAvailable: {}`) keeps {needed} of the {replicas} pods of {} available, so no \
                             pod can ever be evicted; lower it or use `maxUnavailable: 1`",
                            pdb.display_name(),
                            node.as_str().unwrap_or(""),
                            workload.display_name()
                        ),
                    );
                    break;
                }
            }
        }
    }
}

fn is_zero_percent(node: &shipshape_yaml::Node) -> bool {
    matches!(IntOrPercent::parse(node), Some(IntOrPercent::Percent(p)) if p <= 0.0)
}
