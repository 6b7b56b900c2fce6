use super::source_paths::{self, Located, Resolver};
use crate::context::RepositoryContext;
use crate::declare_rule;
use crate::rule::{Reporter, Rule};

declare_rule! {
    /// ## What it does
    /// Flags the `path` of an Argo CD Application source (`source`,
    /// `sources[]`, an ApplicationSet template with a literal path) or of a
    /// Flux `Kustomization` that does not exist in the repository it names.
    /// It only judges paths of a repository whose root the scan shows: the
    /// Git checkout being scanned has that remote, the scanned folder has
    /// the repository's name, or another path of the same repository exists
    /// below a folder holding the referencing file.
    /// Paths into other repositories, and templated paths, are left alone.
    ///
    /// ## Why is this bad?
    /// The Application cannot generate its manifests (`ComparisonError:
    /// ... app path does not exist`), the Flux Kustomization fails to
    /// build: nothing is deployed, and a renamed or moved folder leaves
    /// the environment on its last synced state with only a status
    /// condition to say so.
    ///
    /// ## Example
    /// ```yaml
    /// kind: Application
    /// spec:
    ///   source:
    ///     repoURL: https://github.com/acme/shop.git
    ///     path: deploy/overlay/prod    # the folder is deploy/overlays/prod
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// kind: Application
    /// spec:
    ///   source:
    ///     repoURL: https://github.com/acme/shop.git
    ///     path: deploy/overlays/prod
    /// ```
    pub struct SourcePathNotFound {
        id: "source-path-not-found",
        severity: Warning,
        domains: [Gitops],
        summary: "Argo CD or Flux deploys from a path that does not exist in the repository",
        kind: Defect,
    }
}

impl Rule for SourcePathNotFound {
    fn check_repository(&self, repo: &RepositoryContext<'_>, report: &mut Reporter<'_>) {
        let refs = source_paths::path_refs(repo.objects);
        if refs.is_empty() {
            return;
        }
        let resolver = Resolver::new(repo, &refs);
        for r in refs.iter().filter(|r| !r.path.is_empty()) {
            if let Located::Missing { tried } = resolver.locate(r) {
                let shown = if tried == r.path { String::new() } else { format!(" (looked for `{tried}`)") };
                report.report(
                    r.span,
                    format!(
                        "{} deploys from `{}`, which does not exist in this repository{shown}; fix the path",
                        r.object.display_name(),
                        r.written
                    ),
                );
            }
        }
    }
}
