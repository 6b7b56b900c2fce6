use crate::context::K8sObject;
use crate::declare_rule;
use crate::rule::{Reporter, Rule};

declare_rule! {
    /// ## What it does
    /// Flags an object whose `apiVersion` was removed from Kubernetes for
    /// its kind, with the release that removed it and the version to use:
    /// `extensions/v1beta1` and `apps/v1beta1`/`v1beta2` workloads (1.16),
    /// `extensions/v1beta1` and `networking.k8s.io/v1beta1` Ingress
    /// (1.22), `rbac.authorization.k8s.io/v1beta1` (1.22),
    /// `apiextensions.k8s.io/v1beta1` (1.22), `batch/v1beta1` CronJob
    /// (1.25), `policy/v1beta1` PodDisruptionBudget and PodSecurityPolicy
    /// (1.25), `autoscaling/v2beta1` (1.25) and `v2beta2` (1.26)
    /// HorizontalPodAutoscaler, and more.
    ///
    /// ## Why is this bad?
    /// A cluster at or past that release rejects the manifest (`no matches
    /// for kind`): the deployment fails on the next cluster upgrade, or
    /// already fails on new clusters. The replacement versions have
    /// existed for several releases, so the change is safe today.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: extensions/v1beta1
    /// kind: Ingress
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// apiVersion: networking.k8s.io/v1
    /// kind: Ingress
    /// ```
    ///
    /// ## References
    /// - [Deprecated API migration guide](https://kubernetes.io/docs/reference/using-api/deprecation-guide/)
    pub struct DeprecatedApiVersion {
        id: "deprecated-api-version",
        severity: Error,
        domains: [Kubernetes],
        summary: "Object uses an API version removed from Kubernetes",
        kind: Defect,
    }
}

/// (apiVersion, kinds, removed in, replacement). An empty kind list means
/// every kind of that version.
const REMOVED: &[(&str, &[&str], &str, &str)] = &[
    ("extensions/v1beta1", &["Deployment", "DaemonSet", "ReplicaSet", "StatefulSet"], "1.16", "apps/v1"),
    ("extensions/v1beta1", &["NetworkPolicy"], "1.16", "networking.k8s.io/v1"),
    ("extensions/v1beta1", &["PodSecurityPolicy"], "1.16", "Pod Security Admission"),
    ("extensions/v1beta1", &["Ingress"], "1.22", "networking.k8s.io/v1"),
    ("apps/v1beta1", &[], "1.16", "apps/v1"),
    ("apps/v1beta2", &[], "1.16", "apps/v1"),
    ("networking.k8s.io/v1beta1", &["Ingress", "IngressClass"], "1.22", "networking.k8s.io/v1"),
    ("rbac.authorization.k8s.io/v1beta1", &[], "1.22", "rbac.authorization.k8s.io/v1"),
    ("rbac.authorization.k8s.io/v1alpha1", &[], "1.22", "rbac.authorization.k8s.io/v1"),
    ("apiextensions.k8s.io/v1beta1", &[], "1.22", "apiextensions.k8s.io/v1"),
    ("admissionregistration.k8s.io/v1beta1", &[], "1.22", "admissionregistration.k8s.io/v1"),
    ("apiregistration.k8s.io/v1beta1", &[], "1.22", "apiregistration.k8s.io/v1"),
    ("scheduling.k8s.io/v1beta1", &[], "1.22", "scheduling.k8s.io/v1"),
    ("scheduling.k8s.io/v1alpha1", &[], "1.22", "scheduling.k8s.io/v1"),
    ("coordination.k8s.io/v1beta1", &[], "1.22", "coordination.k8s.io/v1"),
    ("certificates.k8s.io/v1beta1", &[], "1.22", "certificates.k8s.io/v1"),
    (
        "storage.k8s.io/v1beta1",
        &["CSIDriver", "CSINode", "StorageClass", "VolumeAttachment"],
        "1.22",
        "storage.k8s.io/v1",
    ),
    ("storage.k8s.io/v1beta1", &["CSIStorageCapacity"], "1.27", "storage.k8s.io/v1"),
    ("batch/v1beta1", &["CronJob"], "1.25", "batch/v1"),
    ("batch/v2alpha1", &["CronJob"], "1.21", "batch/v1"),
    ("policy/v1beta1", &["PodDisruptionBudget"], "1.25", "policy/v1"),
    ("policy/v1beta1", &["PodSecurityPolicy"], "1.25", "Pod Security Admission"),
    ("autoscaling/v2beta1", &["HorizontalPodAutoscaler"], "1.25", "autoscaling/v2"),
    ("autoscaling/v2beta2", &["HorizontalPodAutoscaler"], "1.26", "autoscaling/v2"),
    ("discovery.k8s.io/v1beta1", &["EndpointSlice"], "1.25", "discovery.k8s.io/v1"),
    ("events.k8s.io/v1beta1", &["Event"], "1.25", "events.k8s.io/v1"),
    ("node.k8s.io/v1beta1", &["RuntimeClass"], "1.25", "node.k8s.io/v1"),
    ("flowcontrol.apiserver.k8s.io/v1beta1", &[], "1.26", "flowcontrol.apiserver.k8s.io/v1"),
    ("flowcontrol.apiserver.k8s.io/v1beta2", &[], "1.29", "flowcontrol.apiserver.k8s.io/v1"),
    ("flowcontrol.apiserver.k8s.io/v1beta3", &[], "1.32", "flowcontrol.apiserver.k8s.io/v1"),
];

impl Rule for DeprecatedApiVersion {
    fn check_object(&self, object: &K8sObject, report: &mut Reporter<'_>) {
        let Some((_, _, release, replacement)) = REMOVED.iter().find(|(version, kinds, _, _)| {
            *version == object.api_version && (kinds.is_empty() || kinds.contains(&object.kind.as_str()))
        }) else {
            return;
        };
        let Some(node) = object.root.get("apiVersion") else { return };
        let advice = if replacement.contains('/') {
            format!("use `apiVersion: {replacement}`")
        } else {
            format!("replace it with {replacement}")
        };
        report.report(
            node.span,
            format!(
                "{} uses `{}`, removed in Kubernetes {release}; {advice}",
                object.display_name(),
                object.api_version
            ),
        );
    }
}
