use crate::context::RepositoryContext;
use crate::declare_rule;
use crate::rule::{Reporter, Rule};

declare_rule! {
    /// ## What it does
    /// Flags an `images` entry of a kustomization whose `name` matches no
    /// container or init container image of the resources it applies to.
    /// The name must equal the image as written in the manifests, registry
    /// included and tag excluded. Builds that lack some objects (remote
    /// bases, Helm charts, plugins) or that configure the images
    /// transformer (`configurations`) are not judged.
    ///
    /// ## Why is this bad?
    /// kustomize ignores an entry that matches nothing, without a warning:
    /// the overlay keeps deploying the base's image (often an old or
    /// `latest` tag) while the kustomization claims a pinned release. CI
    /// jobs that bump `newTag` then update nothing.
    ///
    /// ## Example
    /// ```yaml
    /// # the base runs ghcr.io/shop/web:1.0.0
    /// images:
    ///   - name: shop/web
    ///     newTag: 1.4.2
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// images:
    ///   - name: ghcr.io/shop/web
    ///     newTag: 1.4.2
    /// ```
    ///
    /// ## References
    /// - [Kustomize images](https://kubectl.docs.kubernetes.io/references/kustomize/kustomization/images/)
    pub struct ImageOverrideUnused {
        id: "image-override-unused",
        severity: Warning,
        domains: [Kustomize],
        summary: "Kustomize `images` entry matches no container",
        kind: Defect,
    }
}

impl Rule for ImageOverrideUnused {
    fn check_repository(&self, repo: &RepositoryContext<'_>, report: &mut Reporter<'_>) {
        for note in repo.kustomize.map(|k| k.unused_images.as_slice()).unwrap_or(&[]) {
            report.report(note.span, note.message.clone());
        }
    }
}
