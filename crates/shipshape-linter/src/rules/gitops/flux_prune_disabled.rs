use super::support;
use crate::context::K8sObject;
use crate::declare_rule;
use crate::rule::{Reporter, Rule};

declare_rule! {
    /// ## What it does
    /// Flags a Flux `Kustomization` with `prune: false`, or with no
    /// `prune` (required by `kustomize.toolkit.fluxcd.io/v1`; older API
    /// versions default it to false).
    ///
    /// ## Why is this bad?
    /// Without pruning, an object deleted from Git stays in the cluster: a
    /// removed Deployment keeps running an old version, a removed
    /// RoleBinding keeps granting access, and a renamed object exists
    /// twice. The cluster no longer matches the repository, which is the
    /// point of GitOps. Keep an object that must survive (a namespace, a
    /// volume) with the `kustomize.toolkit.fluxcd.io/prune: disabled`
    /// annotation instead.
    ///
    /// ## Example
    /// ```yaml
    /// kind: Kustomization
    /// spec:
    ///   interval: 10m
    ///   path: ./apps/production
    ///   prune: false
    ///   sourceRef: {kind: GitRepository, name: fleet}
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// kind: Kustomization
    /// spec:
    ///   interval: 10m
    ///   path: ./apps/production
    ///   prune: true
    ///   sourceRef: {kind: GitRepository, name: fleet}
    /// ```
    ///
    /// ## References
    /// - [Flux: Kustomization garbage collection](https://fluxcd.io/flux/components/kustomize/kustomizations/#prune)
    pub struct FluxPruneDisabled {
        id: "flux-prune-disabled",
        severity: Warning,
        domains: [Gitops],
        summary: "Flux Kustomization does not prune what is deleted from Git",
    }
}

impl Rule for FluxPruneDisabled {
    fn check_object(&self, object: &K8sObject, report: &mut Reporter<'_>) {
        if !support::is_flux_kind(object, "kustomize", "Kustomization") || object.kustomize.patch {
            return;
        }
        let Some(spec) = object.spec().filter(|s| s.is_mapping()) else { return };
        let name = object.display_name();
        match spec.get("prune") {
            Some(prune) if prune.as_bool() == Some(false) => report.report(
                prune.span,
                format!("{name} does not prune: objects deleted from Git stay in the cluster; set `prune: true`"),
            ),
            // A patch or overlay fragment that does not name its source may
            // leave `prune` to the base.
            None if spec.get("sourceRef").is_some() => report.report(
                object.root.key_span("spec"),
                format!(
                    "{name} has no `prune` (false by default, required in v1): objects deleted from Git stay in \
                     the cluster; set `prune: true`"
                ),
            ),
            _ => {}
        }
    }
}
