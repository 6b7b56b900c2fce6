use crate::context::ObjectSet;
use crate::declare_rule;
use crate::k8s;
use crate::rule::{Reporter, Rule};

declare_rule! {
    /// ## What it does
    /// Flags a long-running workload (Deployment, StatefulSet, DaemonSet,
    /// ReplicaSet, ReplicationController, Argo Rollout) whose pods no
    /// NetworkPolicy in the scanned files selects. A policy with an empty
    /// `podSelector` selects every pod of its namespace. A policy counts
    /// when it names the workload's namespace, or lies in the workload's
    /// folder or a folder above it.
    ///
    /// It is advice (`info`): the policies may be managed elsewhere (a
    /// platform repository, a mesh's authorization policies).
    ///
    /// ## Why is this bad?
    /// Without a NetworkPolicy a pod accepts connections from every pod of
    /// the cluster and can connect anywhere: one compromised workload can
    /// reach every database and internal API. A default-deny policy per
    /// namespace plus explicit allows limits that.
    ///
    /// ## Example
    /// ```yaml
    /// kind: Deployment
    /// metadata:
    ///   name: api
    /// # no NetworkPolicy selects app: api
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// kind: NetworkPolicy
    /// apiVersion: networking.k8s.io/v1
    /// metadata:
    ///   name: default-deny
    /// spec:
    ///   podSelector: {}
    ///   policyTypes: [Ingress, Egress]
    /// ```
    pub struct MissingNetworkPolicy {
        id: "missing-network-policy",
        severity: Info,
        domains: [Kubernetes],
        summary: "Workload's pods are selected by no NetworkPolicy",
    }
}

impl Rule for MissingNetworkPolicy {
    fn check_objects(&self, set: &ObjectSet, report: &mut Reporter<'_>) {
        for object in &set.objects {
            if !k8s::LONG_RUNNING_KINDS.contains(&object.kind.as_str()) {
                continue;
            }
            let Some(template) = k8s::pod_template(object).filter(|t| t.complete) else { continue };
            let labels = template.labels();
            let selected = k8s::policies_for(set, object, "NetworkPolicy", &labels).into_iter().any(|policy| {
                let folder = k8s::folder(policy);
                let nearby = k8s::related(policy, object)
                    || folder.is_empty()
                    || k8s::folder(object).starts_with(&format!("{folder}/"));
                nearby
                    && policy
                        .root
                        .path(&["spec", "podSelector"])
                        .is_some_and(|s| s.is_null() || k8s::label_selector_matches(s, &labels) != Some(false))
            });
            if selected {
                continue;
            }
            let span = object.root.path(&["metadata", "name"]).map_or(template.spec_key, |n| n.span);
            report.report(
                span,
                format!(
                    "No NetworkPolicy selects the pods of {}, so they accept and open any connection; add one \
                     (a namespace default-deny and explicit allows)",
                    object.display_name()
                ),
            );
        }
    }
}
