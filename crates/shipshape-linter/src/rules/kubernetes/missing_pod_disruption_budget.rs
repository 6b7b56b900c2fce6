use crate::context::ObjectSet;
use crate::declare_rule;
use crate::k8s;
use crate::rule::{Reporter, Rule};

declare_rule! {
    /// ## What it does
    /// Flags a Deployment, StatefulSet or Argo Rollout that runs more than
    /// one replica (`spec.replicas` above 1, or the `minReplicas` of an
    /// autoscaler that targets it) when no PodDisruptionBudget in the
    /// scanned files selects its pods.
    ///
    /// It is advice (`info`): whether a budget is needed depends on how the
    /// cluster is drained, and the budget may live in another repository.
    ///
    /// ## Why is this bad?
    /// A node drain (a cluster upgrade, an autoscaler removing a node) may
    /// evict every replica at once when they share a node or are drained in
    /// quick succession: the service goes down although it was built to
    /// run several copies. A PodDisruptionBudget makes voluntary evictions
    /// wait until enough replicas are ready elsewhere.
    ///
    /// ## Example
    /// ```yaml
    /// kind: Deployment
    /// metadata:
    ///   name: api
    /// spec:
    ///   replicas: 3
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// kind: PodDisruptionBudget
    /// apiVersion: policy/v1
    /// metadata:
    ///   name: api
    /// spec:
    ///   maxUnavailable: 1
    ///   selector:
    ///     matchLabels:
    ///       app: api
    /// ```
    ///
    /// ## References
    /// - [Specifying a disruption budget for your application](https://kubernetes.io/docs/tasks/run-application/configure-pdb/)
    pub struct MissingPodDisruptionBudget {
        id: "missing-pod-disruption-budget",
        severity: Info,
        domains: [Kubernetes],
        summary: "Replicated workload has no PodDisruptionBudget",
    }
}

const KINDS: &[&str] = &["Deployment", "StatefulSet", "Rollout"];

impl Rule for MissingPodDisruptionBudget {
    fn check_objects(&self, set: &ObjectSet, report: &mut Reporter<'_>) {
        for object in &set.objects {
            if !KINDS.contains(&object.kind.as_str()) {
                continue;
            }
            let Some(replicas) = k8s::minimum_replicas(set, object).filter(|r| *r > 1) else { continue };
            let Some(template) = k8s::effective_pod_template(set, object).filter(|t| t.complete) else { continue };
            let labels = template.labels();
            let covered = k8s::policies_for(set, object, "PodDisruptionBudget", &labels).into_iter().any(|pdb| {
                let Some(selector) = pdb.root.path(&["spec", "selector"]) else { return false };
                if k8s::selector_is_empty(selector) {
                    // policy/v1 reads an empty selector as every pod of the namespace.
                    return pdb.api_version == "policy/v1";
                }
                k8s::label_selector_matches(selector, &labels) != Some(false)
            });
            if covered {
                continue;
            }
            let span = object
                .spec()
                .and_then(|s| s.entry("replicas"))
                .map(|e| e.key.span)
                .or_else(|| object.root.path(&["metadata", "name"]).map(|n| n.span))
                .unwrap_or(object.root.head_span());
            report.report(
                span,
                format!(
                    "{} runs {replicas} replicas but no PodDisruptionBudget selects its pods, so a node drain may \
                     evict them all; add one",
                    object.display_name()
                ),
            );
        }
    }
}
