use crate::context::K8sObject;
use crate::declare_rule;
use crate::k8s;
use crate::rule::{Reporter, Rule};

declare_rule! {
    /// ## What it does
    /// Flags a Deployment, StatefulSet, DaemonSet, ReplicaSet or Argo
    /// Rollout whose `spec.selector` does not select the labels of its own
    /// pod template (`matchLabels` and `matchExpressions` are evaluated),
    /// or that has no selector although `apps/v1` requires one; and a
    /// ReplicationController whose `spec.selector` names labels its
    /// template lacks. A missing selector is not flagged when a
    /// kustomization of the scan builds the file with `commonLabels` (or
    /// `labels` with `includeSelectors`), which adds one, nor in kustomize
    /// patches.
    ///
    /// ## Why is this bad?
    /// The API server rejects the object (`selector does not match
    /// template labels`), so the apply fails. When it slips through (an
    /// old API version, a patch applied later), the controller cannot find
    /// the pods it creates and keeps creating more.
    ///
    /// ## Example
    /// ```yaml
    /// spec:
    ///   selector:
    ///     matchLabels:
    ///       app: api
    ///   template:
    ///     metadata:
    ///       labels:
    ///         app: api-server
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// spec:
    ///   selector:
    ///     matchLabels:
    ///       app: api
    ///   template:
    ///     metadata:
    ///       labels:
    ///         app: api
    /// ```
    pub struct WorkloadSelectorMismatch {
        id: "workload-selector-mismatch",
        severity: Error,
        domains: [Kubernetes],
        summary: "Workload selector does not match its pod template labels",
        kind: Defect,
    }
}

const WITH_LABEL_SELECTOR: &[&str] = &["Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Rollout"];

impl Rule for WorkloadSelectorMismatch {
    fn check_object(&self, object: &K8sObject, report: &mut Reporter<'_>) {
        let kind = object.kind.as_str();
        if !WITH_LABEL_SELECTOR.contains(&kind) && kind != "ReplicationController" {
            return;
        }
        let Some(template) = k8s::pod_template(object).filter(|t| t.complete) else { return };
        let Some(spec) = object.spec() else { return };
        let labels = template.labels();
        let Some(entry) = spec.entry("selector") else {
            let requires = object.api_version == "apps/v1" || object.api_version.starts_with("argoproj.io/");
            if requires && !object.kustomize.selector_labels_added {
                report.report(
                    spec.key_span("template"),
                    format!(
                        "{} has no `spec.selector`, which `{}` requires; the API rejects it, so select the \
                         template's labels",
                        object.display_name(),
                        object.api_version
                    ),
                );
            }
            return;
        };
        if kind == "ReplicationController" {
            let selector = k8s::labels_of(Some(&entry.value));
            if let Some((key, value)) = selector.iter().find(|s| !labels.contains(s)) {
                report.report(
                    entry.key.span,
                    format!(
                        "{} selects `{key}: {value}`, which its pod template does not carry; make the selector \
                         and the template labels agree",
                        object.display_name()
                    ),
                );
            }
            return;
        }
        if entry.value.is_null() {
            return;
        }
        if k8s::label_selector_matches(&entry.value, &labels) == Some(false) {
            let missing = k8s::labels_of(entry.value.get("matchLabels"))
                .into_iter()
                .find(|s| !labels.contains(s))
                .map(|(k, v)| format!(" (`{k}: {v}` is not among the template labels)"))
                .unwrap_or_default();
            report.report(
                entry.key.span,
                format!(
                    "{} has a selector that does not match its pod template labels{missing}; the API rejects it",
                    object.display_name()
                ),
            );
        }
    }
}
