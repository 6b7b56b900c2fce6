use crate::context::RepositoryContext;
use crate::declare_rule;
use crate::kustomize::{self, Files, Reference};
use crate::roles::YamlRole;
use crate::rule::{Reporter, Rule};

declare_rule! {
    /// ## What it does
    /// Flags a kustomization entry that names a file or folder that does
    /// not exist: `resources`, `bases`, `components`, patch `path`s,
    /// generator `files`/`envs`, `crds`, `configurations` and
    /// `openapi.path`. A folder named in `resources` or `components` must
    /// hold a `kustomization.yaml`. Remote resources are left to
    /// `remote-base-not-pinned`; a name that leaves the scanned folder is
    /// not judged.
    ///
    /// ## Why is this bad?
    /// `kustomize build` (and `kubectl apply -k`, Argo CD, Flux) stops at
    /// the first missing input, so nothing of the overlay is deployed. The
    /// usual causes are a renamed file, a wrong number of `../`, or a file
    /// that was never committed.
    ///
    /// ## Example
    /// ```yaml
    /// resources:
    ///   - ../../base
    ///   - deployment.yml      # the file is deployment.yaml
    /// patches:
    ///   - path: patches/replicas.yaml
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// resources:
    ///   - ../../base
    ///   - deployment.yaml
    /// patches:
    ///   - path: patches/replicas.yaml
    /// ```
    ///
    /// ## References
    /// - [Kustomization reference](https://kubectl.docs.kubernetes.io/references/kustomize/kustomization/)
    pub struct KustomizePathNotFound {
        id: "kustomize-path-not-found",
        severity: Error,
        domains: [Kustomize],
        summary: "Kustomization names a file or folder that does not exist",
        kind: Defect,
    }
}

impl Rule for KustomizePathNotFound {
    fn check_repository(&self, repo: &RepositoryContext<'_>, report: &mut Reporter<'_>) {
        let sources = kustomize::sources(repo.files);
        let files = Files::new(&sources, repo.root);
        for file in repo.files.iter().filter(|f| f.role == Some(YamlRole::Kustomization)) {
            let Some(root) = file.documents.first().map(|d| &d.root) else { continue };
            for (kind, node, reference) in kustomize::references(root) {
                if reference.is_empty() || kustomize::is_remote(&reference) {
                    continue;
                }
                let Some(path) = kustomize::join(file.dir(), &reference) else { continue };
                let message = match kind {
                    kind if kind.is_file() && files.is_file(&path) => continue,
                    Reference::Resource if files.is_file(&path) => continue,
                    Reference::Resource | Reference::Component if files.has_kustomization(&path) => continue,
                    Reference::Resource | Reference::Component if files.is_dir(&path) => format!(
                        "Folder `{reference}` has no kustomization.yaml, so kustomize cannot build it; add one or \
                         list its files"
                    ),
                    _ => format!("`{reference}` does not exist, so `kustomize build` fails; fix the path"),
                };
                report.report(node.span, message);
            }
        }
    }
}
