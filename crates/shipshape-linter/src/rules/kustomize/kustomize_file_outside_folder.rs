use crate::context::RepositoryContext;
use crate::declare_rule;
use crate::kustomize::{self, Files, Reference};
use crate::roles::YamlRole;
use crate::rule::{Reporter, Rule};

declare_rule! {
    /// ## What it does
    /// Flags a kustomization that reads a *file* outside its own folder
    /// (`resources: [../../base/service.yaml]`, a patch or generator file
    /// under `../`). Folders (bases, components) may be anywhere; single
    /// files must be in or below the kustomization's folder.
    ///
    /// ## Why is this bad?
    /// kustomize's default load restrictor refuses such files (`security;
    /// file ... is not in or below ...`), so `kustomize build` and
    /// `kubectl apply -k` fail. Tools that turn the restrictor off build it,
    /// so the overlay works in one pipeline and breaks in another. Sharing
    /// a file by path also bypasses the base it belongs to.
    ///
    /// ## Example
    /// ```yaml
    /// # overlays/prod/kustomization.yaml
    /// resources:
    ///   - ../../base/service.yaml
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// # overlays/prod/kustomization.yaml
    /// resources:
    ///   - ../../base        # a kustomization that lists service.yaml
    /// ```
    ///
    /// ## References
    /// - [Load restrictor](https://kubectl.docs.kubernetes.io/references/kustomize/cmd/build/)
    pub struct KustomizeFileOutsideFolder {
        id: "kustomize-file-outside-folder",
        severity: Warning,
        domains: [Kustomize],
        summary: "Kustomization reads a file outside its folder",
        kind: Defect,
    }
}

impl Rule for KustomizeFileOutsideFolder {
    fn check_repository(&self, repo: &RepositoryContext<'_>, report: &mut Reporter<'_>) {
        let sources = kustomize::sources(repo.files);
        let files = Files::new(&sources, repo.root);
        for file in repo.files.iter().filter(|f| f.role == Some(YamlRole::Kustomization)) {
            let Some(root) = file.documents.first().map(|d| &d.root) else { continue };
            let dir = file.dir();
            for (kind, node, reference) in kustomize::references(root) {
                if kind == Reference::Component || !reference.starts_with("..") || kustomize::is_remote(&reference) {
                    continue;
                }
                let Some(path) = kustomize::join(dir, &reference) else { continue };
                let inside = dir.is_empty() || path.starts_with(&format!("{dir}/"));
                if inside || !files.is_file(&path) {
                    continue;
                }
                report.report(
                    node.span,
                    format!(
                        "`{reference}` is a file outside this kustomization's folder, which kustomize refuses by \
                         default; include the folder's kustomization instead, or move the file here"
                    ),
                );
            }
        }
    }
}
