use shipshape_yaml::Node;

use super::support;
use crate::context::{K8sObject, ObjectSet};
use crate::declare_rule;
use crate::k8s;
use crate::rule::{Reporter, Rule};

declare_rule! {
    /// ## What it does
    /// Flags an Argo Rollouts `Rollout` that names an `AnalysisTemplate`,
    /// a `ClusterAnalysisTemplate`, a Service (`canaryService`,
    /// `stableService`, `activeService`, `previewService`) or a
    /// `workloadRef` Deployment that is not among the scanned objects. To
    /// stay quiet on partial scans, a missing object is only reported when
    /// the scan shows the Rollout's application: its folder holds other
    /// objects, or its folder or namespace holds objects of that kind (for
    /// a ClusterAnalysisTemplate: its folder holds ClusterAnalysisTemplates).
    /// In a kustomize build with `namePrefix`/`nameSuffix`, a reference
    /// whose name, prefixed and suffixed like the Rollout's own, is an
    /// object of the build is taken as found: the build's `configurations:`
    /// (Argo Rollouts' `rollout-transform.yaml`) rewrite such references.
    ///
    /// ## Why is this bad?
    /// The controller cannot start the rollout: a missing Service or
    /// Deployment makes the Rollout `InvalidSpec`, and a missing template
    /// fails the AnalysisRun, which aborts the release. A renamed template
    /// or Service is the usual cause.
    ///
    /// ## Example
    /// ```yaml
    /// kind: Rollout
    /// spec:
    ///   strategy:
    ///     canary:
    ///       canaryService: shop-canary    # the Service is called `shop-preview`
    ///       analysis:
    ///         templates: [{templateName: sucess-rate}]
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// kind: Rollout
    /// spec:
    ///   strategy:
    ///     canary:
    ///       canaryService: shop-preview
    ///       analysis:
    ///         templates: [{templateName: success-rate}]
    /// ```
    pub struct RolloutReferenceNotFound {
        id: "rollout-reference-not-found",
        severity: Warning,
        domains: [Gitops],
        summary: "Argo Rollout names a template, Service or Deployment that is not in the scan",
        kind: Defect,
    }
}

/// True when an object of `kind` named `name` exists for `rollout`, and
/// whether the scan shows where such objects would be: objects of that
/// kind beside the Rollout, or (for namespaced kinds) any other object in
/// its folder, so that the Rollout's application is among the scanned files.
fn lookup(set: &ObjectSet, rollout: &K8sObject, kind: &str, name: &str, folder_has_others: bool) -> (bool, bool) {
    let cluster = kind == "ClusterAnalysisTemplate";
    let mut exists = false;
    let mut nearby = folder_has_others && !cluster;
    for o in set.objects.iter().filter(|o| o.kind == kind) {
        let same_namespace = cluster
            || match (&o.namespace, &rollout.namespace) {
                (Some(a), Some(b)) => a == b,
                _ => true,
            };
        if same_namespace && o.name.as_deref() == Some(name) {
            exists = true;
            break;
        }
        if (cluster && k8s::folder(o) == k8s::folder(rollout)) || (!cluster && k8s::related(o, rollout)) {
            nearby = true;
        }
    }
    (exists, nearby)
}

/// True when the build that rendered `rollout` holds an object of `kind`
/// named `name` with the prefix and suffix the build gave the Rollout
/// (`namePrefix: my-` makes `svc` into `my-svc`): the reference names it
/// before the rename.
fn renamed_in_build(set: &ObjectSet, rollout: &K8sObject, kind: &str, name: &str) -> bool {
    let Some(rendered) = rollout.name.as_deref().filter(|_| rollout.kustomize.build.is_some()) else { return false };
    set.objects.iter().filter(|o| o.kind == kind && k8s::applied_together(o, rollout)).any(|o| {
        let Some(candidate) = o.name.as_deref() else { return false };
        candidate.match_indices(name).any(|(at, _)| {
            let (prefix, suffix) = (&candidate[..at], &candidate[at + name.len()..]);
            !(prefix.is_empty() && suffix.is_empty())
                && rendered.len() > prefix.len() + suffix.len()
                && rendered.starts_with(prefix)
                && rendered.ends_with(suffix)
        })
    })
}

impl Rule for RolloutReferenceNotFound {
    fn check_objects(&self, set: &ObjectSet, report: &mut Reporter<'_>) {
        for rollout in set.objects.iter().filter(|o| support::is_rollout(o) && !o.kustomize.patch) {
            let folder_has_others =
                set.objects.iter().any(|o| !std::ptr::eq(o, rollout) && k8s::folder(o) == k8s::folder(rollout));
            let mut refs: Vec<(&str, &Node, &str)> = Vec::new();
            for template in support::template_refs(rollout) {
                let kind = if template.cluster { "ClusterAnalysisTemplate" } else { "AnalysisTemplate" };
                refs.push((kind, template.name, "analysis template"));
            }
            if let Some(strategy) = rollout.root.path(&["spec", "strategy"]) {
                for (route, key) in [
                    ("canary", "canaryService"),
                    ("canary", "stableService"),
                    ("blueGreen", "activeService"),
                    ("blueGreen", "previewService"),
                ] {
                    if let Some(node) = strategy.path(&[route, key]) {
                        refs.push(("Service", node, key));
                    }
                }
            }
            if let Some(workload) = rollout.root.path(&["spec", "workloadRef"]) {
                if let Some(node) = workload.get("name") {
                    let kind = workload.str_at(&["kind"]).unwrap_or("Deployment");
                    refs.push((kind, node, "workloadRef"));
                }
            }
            for (kind, node, field) in refs {
                let Some(name) = node.as_str().filter(|n| !support::is_templated(n) && !n.trim().is_empty()) else {
                    continue;
                };
                let (exists, nearby) = lookup(set, rollout, kind, name, folder_has_others);
                if exists || !nearby || renamed_in_build(set, rollout, kind, name) {
                    continue;
                }
                report.report(
                    node.span,
                    format!(
                        "{} names {kind} `{name}` ({field}), which is not among the scanned objects beside it; fix \
                         the name or add the {kind}",
                        rollout.display_name()
                    ),
                );
            }
        }
    }
}
