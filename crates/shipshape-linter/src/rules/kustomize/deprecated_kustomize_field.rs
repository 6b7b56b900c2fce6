use crate::context::YamlFileContext;
use crate::declare_rule;
use crate::roles::YamlRole;
use crate::rule::{Reporter, Rule};

declare_rule! {
    /// ## What it does
    /// Flags the kustomization fields that kustomize v5 deprecates:
    /// `bases`, `commonLabels`, `patchesStrategicMerge`,
    /// `patchesJson6902` and `vars`, each with its replacement.
    ///
    /// ## Why is this bad?
    /// Deprecated fields print warnings on every build and will be removed
    /// in a future kustomize. `commonLabels` also adds its labels to
    /// selectors, which are immutable on Deployments: changing one later
    /// breaks `kubectl apply`. `kustomize edit fix` rewrites most of them.
    ///
    /// ## Example
    /// ```yaml
    /// bases:
    ///   - ../../base
    /// commonLabels:
    ///   team: shop
    /// patchesStrategicMerge:
    ///   - replicas.yaml
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// resources:
    ///   - ../../base
    /// labels:
    ///   - pairs:
    ///       team: shop
    /// patches:
    ///   - path: replicas.yaml
    /// ```
    ///
    /// ## References
    /// - [kustomize v5 deprecations](https://github.com/kubernetes-sigs/kustomize/releases/tag/kustomize%2Fv5.0.0)
    pub struct DeprecatedKustomizeField {
        id: "deprecated-kustomize-field",
        severity: Info,
        domains: [Kustomize],
        summary: "Kustomization uses a deprecated field",
    }
}

const DEPRECATED: &[(&str, &str)] = &[
    ("bases", "list the bases under `resources`"),
    ("commonLabels", "use `labels` (with `includeSelectors: true` only where selectors must change)"),
    ("patchesStrategicMerge", "list the patches under `patches` (`- path: file.yaml`)"),
    ("patchesJson6902", "list the patches under `patches`, with their `target`"),
    ("vars", "use `replacements`"),
];

impl Rule for DeprecatedKustomizeField {
    fn check_yaml(&self, cx: &YamlFileContext<'_>, report: &mut Reporter<'_>) {
        if cx.role != YamlRole::Kustomization {
            return;
        }
        for document in cx.documents {
            for (field, advice) in DEPRECATED {
                if let Some(entry) = document.root.entry(field) {
                    report.report(entry.key.span, format!("`{field}` is deprecated since kustomize v5; {advice}"));
                }
            }
        }
    }
}
