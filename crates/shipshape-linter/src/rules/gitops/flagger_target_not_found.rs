use super::support;
use crate::context::{K8sObject, ObjectSet};
use crate::declare_rule;
use crate::k8s;
use crate::rule::{Reporter, Rule};

declare_rule! {
    /// ## What it does
    /// Flags a Flagger `Canary` with no `targetRef` (which the API
    /// requires), or whose `targetRef` or `autoscalerRef` names a
    /// Deployment, DaemonSet, Service or HorizontalPodAutoscaler that is
    /// not among the scanned objects. A missing object is only reported
    /// when the Canary's folder holds other objects, or its folder or
    /// namespace holds objects of that kind, so that partial scans stay
    /// quiet; nor when a Flux `Kustomization` or `HelmRelease` is applied
    /// with the Canary, since it deploys objects from another source (a
    /// `GitRepository`, a chart) where the target may be.
    ///
    /// ## Why is this bad?
    /// Flagger cannot initialize the canary: it stays `Failed` waiting for
    /// a target that does not exist, the primary is never created, and
    /// releases of the real workload go out without any analysis. A
    /// renamed Deployment is the usual cause.
    ///
    /// ## Example
    /// ```yaml
    /// kind: Canary
    /// spec:
    ///   targetRef:
    ///     apiVersion: apps/v1
    ///     kind: Deployment
    ///     name: podinfo-web      # the Deployment is called `podinfo`
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// kind: Canary
    /// spec:
    ///   targetRef:
    ///     apiVersion: apps/v1
    ///     kind: Deployment
    ///     name: podinfo
    /// ```
    pub struct FlaggerTargetNotFound {
        id: "flagger-target-not-found",
        severity: Warning,
        domains: [Gitops],
        summary: "Flagger Canary has no target, or targets a workload that is not in the scan",
        kind: Defect,
    }
}

fn check_reference(set: &ObjectSet, canary: &K8sObject, field: &str, report: &mut Reporter<'_>) {
    let Some(reference) = canary.root.path(&["spec", field]) else { return };
    let (Some(kind), Some(name_node)) = (reference.str_at(&["kind"]), reference.get("name")) else { return };
    let Some(name) = name_node.as_str().filter(|n| !n.trim().is_empty() && !support::is_templated(n)) else {
        return;
    };
    let mut nearby = set.objects.iter().any(|o| !std::ptr::eq(o, canary) && k8s::folder(o) == k8s::folder(canary));
    for o in set.same_namespace(canary).filter(|o| o.kind == kind) {
        if o.name.as_deref() == Some(name) {
            return;
        }
        nearby |= k8s::related(o, canary);
    }
    if !nearby || deployed_from_elsewhere(set, canary) {
        return;
    }
    report.report(
        name_node.span,
        format!(
            "{} targets {kind} `{name}` ({field}), which is not among the scanned objects beside it; fix the name",
            canary.display_name()
        ),
    );
}

/// True when a Flux `Kustomization` or `HelmRelease` is applied with the
/// Canary: it deploys objects from another source (a `GitRepository`, a
/// chart), where the target may be.
fn deployed_from_elsewhere(set: &ObjectSet, canary: &K8sObject) -> bool {
    set.objects.iter().any(|o| {
        let flux = (o.kind == "Kustomization" && o.api_version.starts_with("kustomize.toolkit.fluxcd.io/"))
            || (o.kind == "HelmRelease" && o.api_version.starts_with("helm.toolkit.fluxcd.io/"));
        flux && k8s::applied_together(o, canary)
    })
}

impl Rule for FlaggerTargetNotFound {
    fn check_objects(&self, set: &ObjectSet, report: &mut Reporter<'_>) {
        for canary in set.objects.iter().filter(|o| support::is_flagger_canary(o) && !o.kustomize.patch) {
            let Some(spec) = canary.spec().filter(|s| s.is_mapping()) else { continue };
            if spec.get("targetRef").is_none() {
                report.report(
                    canary.root.key_span("spec"),
                    format!("{} has no `targetRef`: Flagger does not know what to release", canary.display_name()),
                );
                continue;
            }
            check_reference(set, canary, "targetRef", report);
            check_reference(set, canary, "autoscalerRef", report);
        }
    }
}
