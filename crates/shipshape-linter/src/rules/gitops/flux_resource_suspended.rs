use super::support;
use crate::context::K8sObject;
use crate::declare_rule;
use crate::rule::{Reporter, Rule};

declare_rule! {
    /// ## What it does
    /// Flags a Flux object (a source, `Kustomization`, `HelmRelease`, image
    /// automation) committed with `suspend: true`.
    ///
    /// ## Why is this bad?
    /// A suspended object is not reconciled: new commits and chart versions
    /// are not applied, drift is not undone, and nothing reports it as
    /// failing. `suspend` is meant as a temporary switch during an
    /// incident (`flux suspend`, then `flux resume`); written in Git it
    /// keeps coming back, and is easily forgotten. Gate production with a
    /// reviewed change to what it deploys instead.
    ///
    /// ## Example
    /// ```yaml
    /// kind: Kustomization
    /// spec:
    ///   suspend: true
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// kind: Kustomization
    /// spec:
    ///   suspend: false   # or leave it out
    /// ```
    ///
    /// ## References
    /// - [Flux: suspending reconciliation](https://fluxcd.io/flux/components/kustomize/kustomizations/#suspend)
    pub struct FluxResourceSuspended {
        id: "flux-resource-suspended",
        severity: Info,
        domains: [Gitops],
        summary: "Flux object is committed suspended: it is not reconciled",
    }
}

impl Rule for FluxResourceSuspended {
    fn check_object(&self, object: &K8sObject, report: &mut Reporter<'_>) {
        if !support::is_flux(object) {
            return;
        }
        let Some(suspend) = object.root.path(&["spec", "suspend"]) else { return };
        if suspend.as_bool() == Some(true) {
            report.report(
                suspend.span,
                format!(
                    "{} is committed with `suspend: true`: Flux does not reconcile it (no new revisions, no drift \
                     correction); resume it in Git",
                    object.display_name()
                ),
            );
        }
    }
}
