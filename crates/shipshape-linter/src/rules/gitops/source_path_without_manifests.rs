use super::source_paths::{self, Located, Resolver};
use crate::context::RepositoryContext;
use crate::declare_rule;
use crate::rule::{Reporter, Rule};

declare_rule! {
    /// ## What it does
    /// Flags the `path` of an Argo CD Application source or of a Flux
    /// `Kustomization` that exists but holds nothing to deploy: no YAML or
    /// JSON manifest, no kustomization, no Helm chart, no Jsonnet. Argo CD
    /// reads only the folder itself unless `directory.recurse: true`, so a
    /// folder whose manifests are all in subfolders counts as empty for it;
    /// Flux reads the whole tree. Sources with a config management plugin
    /// or `directory.include` patterns are not judged, and neither are
    /// repositories whose root the scan does not show (see
    /// `source-path-not-found`).
    ///
    /// ## Why is this bad?
    /// The sync succeeds with nothing in it: Argo CD reports the
    /// Application healthy and synced, and with pruning on it deletes what
    /// the Application deployed before. The usual cause is an Application
    /// pointed at the parent of the overlays, or at a folder of
    /// Applications without `recurse`.
    ///
    /// ## Example
    /// ```yaml
    /// kind: Application
    /// spec:
    ///   source:
    ///     path: deploy/overlays      # holds only the prod/ and staging/ folders
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// kind: Application
    /// spec:
    ///   source:
    ///     path: deploy/overlays/prod
    /// ```
    pub struct SourcePathWithoutManifests {
        id: "source-path-without-manifests",
        severity: Warning,
        domains: [Gitops],
        summary: "Argo CD or Flux deploys from a folder that holds no manifests",
        kind: Defect,
    }
}

impl Rule for SourcePathWithoutManifests {
    fn check_repository(&self, repo: &RepositoryContext<'_>, report: &mut Reporter<'_>) {
        let refs = source_paths::path_refs(repo.objects);
        if refs.is_empty() {
            return;
        }
        let resolver = Resolver::new(repo, &refs);
        for r in refs.iter().filter(|r| r.judge_manifests) {
            let Located::Found { scan_dir, disk_dir } = resolver.locate(r) else { continue };
            if resolver.has_manifests(scan_dir.as_deref(), disk_dir.as_deref(), r.recurse) {
                continue;
            }
            let has_below = !r.recurse && resolver.has_manifests(scan_dir.as_deref(), disk_dir.as_deref(), true);
            let hint = if has_below {
                "its manifests are in subfolders, which Argo CD reads only with `directory.recurse: true`; point \
                 at the folder to deploy or set `recurse`"
            } else {
                "point it at the folder that holds the manifests"
            };
            report.report(
                r.span,
                format!("{} deploys from `{}`, which holds no manifests; {hint}", r.object.display_name(), r.written),
            );
        }
    }
}
