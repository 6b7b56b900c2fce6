use std::collections::HashMap;

use shipshape_yaml::Node;

use crate::context::{K8sObject, ObjectSet};
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
        kind: Defect,
    }
}

/// Where a PodDisruptionBudget's selector is evaluated: PDBs with the same
/// selector in the same place select the same workloads.
type Place<'a> = (String, Option<&'a str>, &'a str, Option<u32>);

/// The scalable workload a PDB selects that runs the fewest pods (the
/// first in scan order on a tie): a `minAvailable` that blocks any of
/// them blocks that one, since fewer pods are more easily all required.
fn fewest_pods<'a>(set: &'a ObjectSet, pdb: &'a K8sObject, selector: &Node) -> Option<(i64, &'a K8sObject)> {
    let mut fewest: Option<(i64, &K8sObject)> = None;
    for workload in k8s::workload_candidates(set, pdb, selector) {
        if !k8s::SCALABLE_KINDS.contains(&workload.kind.as_str()) || !k8s::related(pdb, workload) {
            continue;
        }
        let Some(replicas) = k8s::minimum_replicas(set, workload).filter(|r| *r > 0) else { continue };
        if fewest.is_some_and(|(least, _)| least <= replicas) {
            continue;
        }
        let Some(template) = k8s::effective_pod_template(set, workload) else { continue };
        if k8s::label_selector_matches(selector, &template.labels()) == Some(true) {
            fewest = Some((replicas, workload));
        }
    }
    fewest
}

/// A text that is the same for selectors that select the same pods.
fn selector_key(selector: &Node) -> String {
    let mut pairs = k8s::labels_of(selector.get("matchLabels"));
    pairs.sort_unstable();
    let expressions: Vec<String> = selector
        .get("matchExpressions")
        .map(Node::items)
        .unwrap_or(&[])
        .iter()
        .map(|e| {
            let values: Vec<&str> =
                e.get("values").map(Node::items).unwrap_or(&[]).iter().filter_map(Node::as_str).collect();
            format!("{:?} {:?} {values:?}", e.str_at(&["key"]), e.str_at(&["operator"]))
        })
        .collect();
    format!("{pairs:?} {expressions:?}")
}

impl Rule for PdbBlocksEviction {
    fn check_objects(&self, set: &ObjectSet, report: &mut Reporter<'_>) {
        let mut seen: HashMap<Place<'_>, Option<(i64, &K8sObject)>> = HashMap::new();
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
            let place = (selector_key(selector), pdb.namespace.as_deref(), k8s::folder(pdb), pdb.kustomize.build);
            let fewest = *seen.entry(place).or_insert_with(|| fewest_pods(set, pdb, selector));
            if let Some((replicas, workload)) = fewest {
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
                }
            }
        }
    }
}

fn is_zero_percent(node: &shipshape_yaml::Node) -> bool {
    matches!(IntOrPercent::parse(node), Some(IntOrPercent::Percent(p)) if p <= 0.0)
}
