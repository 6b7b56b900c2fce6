use crate::context::RepositoryContext;
use crate::declare_rule;
use crate::rule::{Reporter, Rule};

declare_rule! {
    /// ## What it does
    /// Flags a patch of a kustomization (`patches`, `patchesStrategicMerge`,
    /// `patchesJson6902`) that matches no object of the resources it is
    /// applied to: a strategic-merge patch whose kind, name or namespace
    /// names nothing, or a `target` that selects nothing. A patch of a
    /// component is judged where the component is used. Builds that lack
    /// some objects (remote bases, Helm charts, plugins) are not judged.
    ///
    /// ## Why is this bad?
    /// A strategic-merge patch without a match makes `kustomize build`
    /// fail; a target that selects nothing is silently ignored, so the
    /// change the overlay exists for (more replicas, a resource limit, a
    /// production setting) never reaches the cluster. Renamed base objects
    /// and typos in `kind` are the usual causes.
    ///
    /// ## Example
    /// ```yaml
    /// # overlays/prod/kustomization.yaml; the base Deployment is `web`
    /// patches:
    ///   - path: replicas.yaml        # metadata.name: frontend
    ///   - target: {kind: Deployment, name: frontend}
    ///     patch: |-
    ///       - op: replace
    ///         path: /spec/replicas
    ///         value: 3
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// patches:
    ///   - path: replicas.yaml        # metadata.name: web
    ///   - target: {kind: Deployment, name: web}
    ///     patch: |-
    ///       - op: replace
    ///         path: /spec/replicas
    ///         value: 3
    /// ```
    ///
    /// ## References
    /// - [Kustomize patches](https://kubectl.docs.kubernetes.io/references/kustomize/kustomization/patches/)
    pub struct PatchTargetNotFound {
        id: "patch-target-not-found",
        severity: Warning,
        domains: [Kustomize],
        summary: "Kustomize patch matches no object",
        kind: Defect,
    }
}

impl Rule for PatchTargetNotFound {
    fn check_repository(&self, repo: &RepositoryContext<'_>, report: &mut Reporter<'_>) {
        for note in repo.kustomize.map(|k| k.unmatched_patches.as_slice()).unwrap_or(&[]) {
            report.report(note.span, note.message.clone());
        }
    }
}
