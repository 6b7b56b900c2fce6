use crate::context::{K8sObject, ObjectSet};
use crate::declare_rule;
use crate::k8s;
use crate::rule::{Reporter, Rule};

declare_rule! {
    /// ## What it does
    /// Flags a Service whose `spec.selector` matches the pod template
    /// labels of no workload in the scanned files. To stay quiet on partial
    /// scans, it only reports when the Service's folder also holds a
    /// workload that could be in its namespace, and it assumes a match when
    /// another object (such as an operator's custom resource or an Argo
    /// Rollouts experiment) carries the selected labels. Labels that
    /// controllers add to pods themselves (`statefulset.kubernetes.io/pod-name`,
    /// `pod-template-hash`) are not required of the template. Services
    /// without a selector (manual Endpoints), `ExternalName` Services and
    /// Services in `kube-system` (which select control-plane pods) are not
    /// checked. An Argo Rollout with
    /// `workloadRef` is matched through the Deployment it references.
    /// It also reports only when a workload there (same folder or
    /// namespace) carries at least one of the selector's label keys: a
    /// selector whose keys no scanned workload uses selects pods installed
    /// elsewhere (by a Helm chart or an operator), not a typo.
    ///
    /// ## Why is this bad?
    /// A Service that selects no pods has no endpoints: every connection to
    /// it is refused or times out. A typo in a label, or a label renamed on
    /// the Deployment but not on the Service, breaks the application while
    /// every object applies cleanly.
    ///
    /// ## Example
    /// ```yaml
    /// kind: Service
    /// spec:
    ///   selector:
    ///     app: web-frontend   # the Deployment's pods are labelled app: frontend
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// kind: Service
    /// spec:
    ///   selector:
    ///     app: frontend
    /// ```
    pub struct ServiceSelectorMatchesNothing {
        id: "service-selector-matches-nothing",
        severity: Warning,
        domains: [Kubernetes],
        summary: "Service selector matches no pod template",
        kind: Defect,
    }
}

impl Rule for ServiceSelectorMatchesNothing {
    fn check_objects(&self, set: &ObjectSet, report: &mut Reporter<'_>) {
        for service in set.of_kind("Service") {
            let Some(spec) = service.spec() else { continue };
            if spec.str_at(&["type"]) == Some("ExternalName") {
                continue;
            }
            let Some(entry) = spec.entry("selector") else { continue };
            let selector = k8s::labels_of(Some(&entry.value));
            if selector.is_empty() || selector.iter().any(|(k, v)| k.contains(['$', '{']) || v.contains(['$', '{'])) {
                continue;
            }
            if service.namespace.as_deref() == Some("kube-system")
                || !k8s::folder_has_workloads(set, service)
                || k8s::selects_any_template(set, service, &selector)
                || k8s::labels_defined_elsewhere(set, service, &selector)
                || !label_keys_in_use(set, service, &selector)
            {
                continue;
            }
            let shown = selector.iter().map(|(k, v)| format!("{k}: {v}")).collect::<Vec<_>>().join(", ");
            report.report(
                entry.key.span,
                format!(
                    "{} selects `{shown}`, which no pod template in the scanned files carries, so it has no \
                     endpoints; fix the selector or the workload's labels",
                    service.display_name()
                ),
            );
        }
    }
}

/// True when a workload related to `service` (same folder or namespace)
/// carries in its pod template one of the selector's label keys.
fn label_keys_in_use(set: &ObjectSet, service: &K8sObject, selector: &[(&str, &str)]) -> bool {
    k8s::workloads_near(set, service).filter(|w| k8s::related(service, w)).any(|workload| {
        k8s::effective_pod_template(set, workload)
            .is_some_and(|t| t.labels().iter().any(|(key, _)| selector.iter().any(|(k, _)| k == key)))
    })
}
