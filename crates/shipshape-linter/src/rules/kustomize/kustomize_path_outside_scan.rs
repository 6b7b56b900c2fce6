use crate::context::RepositoryContext;
use crate::declare_rule;
use crate::kustomize;
use crate::roles::YamlRole;
use crate::rule::{Reporter, Rule};

declare_rule! {
    /// ## What it does
    /// Reports a kustomization entry (`resources`, `bases`, `components`,
    /// patch `path`s, generator `files`) whose path leaves the scanned
    /// folder, or is absolute. shipshape reads nothing outside the folder it
    /// is given, so that part of the build is neither rendered nor checked.
    ///
    /// ## Why is this bad?
    /// Nothing is wrong with the kustomization itself, but the scan is
    /// incomplete without a word: a privileged container in the base that
    /// `../../base` names is not reported when only the overlay is scanned.
    /// This finding says which inputs were left out, so the scan can be run
    /// on a folder that holds them.
    ///
    /// ## Example
    /// ```yaml
    /// # scanned: shipshape check overlays/prod
    /// resources:
    ///   - ../../base
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// # scanned: shipshape check .   (the folder that holds base/ and overlays/)
    /// resources:
    ///   - ../../base
    /// ```
    pub struct KustomizePathOutsideScan {
        id: "kustomize-path-outside-scan",
        severity: Info,
        domains: [Kustomize],
        summary: "Kustomization names a path outside the scanned folder, which is not checked",
    }
}

impl Rule for KustomizePathOutsideScan {
    fn check_repository(&self, repo: &RepositoryContext<'_>, report: &mut Reporter<'_>) {
        for file in repo.files.iter().filter(|f| f.role == Some(YamlRole::Kustomization)) {
            let Some(root) = file.documents.first().map(|d| &d.root) else { continue };
            for (_, node, reference) in kustomize::references(root) {
                if reference.is_empty() || kustomize::is_remote(&reference) {
                    continue;
                }
                if kustomize::join(file.dir(), &reference).is_some() {
                    continue;
                }
                report.report(
                    node.span,
                    format!(
                        "`{reference}` is outside the scanned folder, so it was not rendered or checked; scan a \
                         folder that holds it"
                    ),
                );
            }
        }
    }
}
