use std::collections::HashSet;

use shipshape_yaml::Node;

use super::source_paths::{self, Located, Resolver};
use crate::context::RepositoryContext;
use crate::declare_rule;
use crate::k8s;
use crate::roles::YamlRole;
use crate::rule::{Reporter, Rule};

declare_rule! {
    /// ## What it does
    /// Flags a Flux `Kustomization` that deploys workloads (Deployments,
    /// StatefulSets, DaemonSets, Jobs, Argo Rollouts) but sets neither
    /// `wait` nor `healthChecks`. What it deploys is read from its `path`
    /// in the scanned repository, following the kustomizations there to
    /// their bases; a Kustomization whose path the scan does not show is
    /// not judged. `wait: false` written out is a deliberate choice and is
    /// respected. HelmReleases are not counted: the helm-controller waits
    /// for the release and reports its health on the HelmRelease itself.
    ///
    /// ## Why is this bad?
    /// Without health checks a Kustomization is `Ready` as soon as the
    /// objects are applied, not when they run: a Deployment stuck in
    /// `CrashLoopBackOff` or a failed rollout is never reported by Flux,
    /// and Kustomizations that `dependsOn` it go ahead against a broken
    /// dependency. `wait: true` checks every object it applies.
    ///
    /// ## Example
    /// ```yaml
    /// kind: Kustomization
    /// spec:
    ///   interval: 10m
    ///   path: ./apps/production
    ///   prune: true
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
    ///   wait: true
    ///   timeout: 5m
    ///   sourceRef: {kind: GitRepository, name: fleet}
    /// ```
    ///
    /// ## References
    /// - [Flux: Kustomization health checks](https://fluxcd.io/flux/components/kustomize/kustomizations/#health-checks)
    pub struct FluxKustomizationWithoutHealthChecks {
        id: "flux-kustomization-without-health-checks",
        severity: Warning,
        domains: [Gitops],
        summary: "Flux Kustomization deploys workloads without `wait` or `healthChecks`",
    }
}

/// The folders and files a folder deploys: itself, and what the
/// kustomizations below it reference, followed transitively.
fn deployed_from(repo: &RepositoryContext<'_>, start: &str) -> (HashSet<String>, HashSet<String>) {
    let mut dirs: HashSet<String> = HashSet::new();
    let mut files: HashSet<String> = HashSet::new();
    let mut queue = vec![start.to_string()];
    while let Some(dir) = queue.pop() {
        if dirs.len() > 200 || !dirs.insert(dir.clone()) {
            continue;
        }
        let prefix = if dir.is_empty() { String::new() } else { format!("{dir}/") };
        for file in repo.files.iter().filter(|f| f.role == Some(YamlRole::Kustomization) && f.path.starts_with(&prefix))
        {
            let Some(root) = file.documents.first().map(|d| &d.root) else { continue };
            for key in ["resources", "bases", "components"] {
                for item in root.get(key).map(Node::items).unwrap_or(&[]).iter().filter_map(Node::as_str) {
                    if item.contains("://") || item.starts_with("github.com/") {
                        continue;
                    }
                    let Some(target) = source_paths::join(file.dir(), item) else { continue };
                    if repo.file(&target).is_some() {
                        files.insert(target);
                    } else {
                        queue.push(target);
                    }
                }
            }
        }
    }
    (dirs, files)
}

impl Rule for FluxKustomizationWithoutHealthChecks {
    fn check_repository(&self, repo: &RepositoryContext<'_>, report: &mut Reporter<'_>) {
        let refs = source_paths::path_refs(repo.objects);
        if refs.is_empty() {
            return;
        }
        let resolver = Resolver::new(repo, &refs);
        for r in refs.iter().filter(|r| r.object.kind == "Kustomization") {
            let Some(spec) = r.object.spec() else { continue };
            // `wait: true` checks everything; `wait: false` is a choice.
            let waits = spec.get("wait").and_then(Node::as_bool).is_some();
            let checks = spec.get("healthChecks").is_some_and(|h| !h.items().is_empty() || h.as_str().is_some());
            if waits || checks || r.object.kustomize.patch {
                continue;
            }
            let Located::Found { scan_dir: Some(dir), .. } = resolver.locate(r) else { continue };
            let (dirs, files) = deployed_from(repo, &dir);
            let workload = repo.objects.objects.iter().find(|o| {
                let deploys = k8s::is_workload_kind(&o.kind) && o.kind != "Pod";
                let folder = k8s::folder(o);
                deploys
                    && (files.contains(&o.path)
                        || dirs.iter().any(|d| d.is_empty() || folder == d || folder.starts_with(&format!("{d}/"))))
            });
            let Some(workload) = workload else { continue };
            report.report(
                r.object.root.key_span("spec"),
                format!(
                    "{} deploys {} (from `{}`) but has no `wait` or `healthChecks`: it turns Ready before \
                     its workloads run, and a failed rollout goes unreported; set `wait: true`",
                    r.object.display_name(),
                    workload.display_name(),
                    r.written
                ),
            );
        }
    }
}
