use crate::context::{K8sObject, ObjectSet};
use crate::declare_rule;
use crate::k8s;
use crate::rule::{Reporter, Rule};

declare_rule! {
    /// ## What it does
    /// Flags a workload whose pods get a service account token mounted by
    /// default: the pod spec does not set `automountServiceAccountToken`,
    /// and neither does the pod's ServiceAccount (`serviceAccountName`, or
    /// `default`) when it is among the scanned files. An explicit `true`
    /// is a deliberate choice and is not flagged, nor is a pod whose
    /// ServiceAccount a RoleBinding or ClusterRoleBinding applied with it
    /// (same kustomize build, or same folder) grants permissions: that pod
    /// calls the API and needs the token.
    ///
    /// ## Why is this bad?
    /// Every container of the pod can read the token at
    /// `/var/run/secrets/kubernetes.io/serviceaccount/token` and call the
    /// Kubernetes API with it. Most applications never talk to the API; for
    /// them the token only helps an intruder move from one compromised pod
    /// to the rest of the cluster.
    ///
    /// ## Example
    /// ```yaml
    /// spec:
    ///   template:
    ///     spec:
    ///       containers:
    ///         - name: api
    ///           image: ghcr.io/acme/api:1.4.2
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// spec:
    ///   template:
    ///     spec:
    ///       automountServiceAccountToken: false
    ///       containers:
    ///         - name: api
    ///           image: ghcr.io/acme/api:1.4.2
    /// ```
    ///
    /// ## References
    /// - [Configure service accounts for pods: opt out of API credential automounting](https://kubernetes.io/docs/tasks/configure-pod-container/configure-service-account/#opt-out-of-api-credential-automounting)
    pub struct ServiceAccountTokenAutomounted {
        id: "service-account-token-automounted",
        severity: Warning,
        domains: [Kubernetes],
        summary: "Pod gets a service account token mounted by default",
    }
}

impl Rule for ServiceAccountTokenAutomounted {
    fn check_objects(&self, set: &ObjectSet, report: &mut Reporter<'_>) {
        let granted = BoundAccounts::of(set);
        for object in &set.objects {
            let Some(template) = k8s::pod_template(object).filter(|t| t.complete) else { continue };
            if template.spec.get("automountServiceAccountToken").is_some_and(|n| !n.is_null()) {
                continue;
            }
            let (account, key) = match ["serviceAccountName", "serviceAccount"]
                .into_iter()
                .find_map(|k| template.spec.str_at(&[k]).filter(|v| !v.is_empty()).map(|v| (v, k)))
            {
                Some((name, key)) => (name, Some(key)),
                None => ("default", None),
            };
            let decided_by_account = set
                .named(object, "ServiceAccount", account)
                .any(|o| o.root.get("automountServiceAccountToken").is_some_and(|n| !n.is_null()));
            if decided_by_account || granted.is_granted(object, account) {
                continue;
            }
            let span = key.map_or(template.spec_key, |k| template.key_span(k));
            report.report(
                span,
                format!(
                    "{} mounts the `{account}` service account token into its pods by default; set \
                     `automountServiceAccountToken: false` on the pod spec or the ServiceAccount (or `true` if it \
                     calls the Kubernetes API)",
                    object.display_name()
                ),
            );
        }
    }
}

/// The ServiceAccounts that scanned (Cluster)RoleBindings grant
/// permissions to: `(binding, account name, namespace)`; the namespace is
/// `None` when neither the subject nor the binding names one.
struct BoundAccounts<'a>(Vec<(&'a K8sObject, &'a str, Option<&'a str>)>);

impl<'a> BoundAccounts<'a> {
    fn of(set: &'a ObjectSet) -> Self {
        let mut out = Vec::new();
        for binding in set.of_kinds(&["RoleBinding", "ClusterRoleBinding"]) {
            let Some(subjects) = binding.root.get("subjects") else { continue };
            for subject in subjects.items() {
                if subject.str_at(&["kind"]) != Some("ServiceAccount") {
                    continue;
                }
                let Some(name) = subject.str_at(&["name"]) else { continue };
                let namespace = subject.str_at(&["namespace"]).or(binding.namespace.as_deref());
                out.push((binding, name, namespace));
            }
        }
        Self(out)
    }

    /// True when a binding applied with the workload (same kustomize build,
    /// or same folder) grants `account` in the workload's namespace (an
    /// unknown namespace on either side matches any).
    fn is_granted(&self, workload: &K8sObject, account: &str) -> bool {
        let namespace = workload.namespace.as_deref();
        self.0.iter().any(|(binding, name, bound)| {
            *name == account
                && (bound.is_none() || namespace.is_none() || *bound == namespace)
                && k8s::applied_together(binding, workload)
        })
    }
}
