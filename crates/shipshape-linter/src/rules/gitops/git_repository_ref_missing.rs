use super::support;
use crate::context::K8sObject;
use crate::declare_rule;
use crate::rule::{Reporter, Rule};

declare_rule! {
    /// ## What it does
    /// Flags a Flux `GitRepository` with no `ref` (or an empty one).
    ///
    /// ## Why is this bad?
    /// Without a `ref`, Flux tracks the `master` branch. Most repositories
    /// now default to `main`: the source then fails to fetch, or, worse,
    /// follows a stale `master` that nobody pushes to any more, and the
    /// cluster silently stops receiving changes. Name the branch, tag,
    /// semver range or commit to follow.
    ///
    /// ## Example
    /// ```yaml
    /// kind: GitRepository
    /// spec:
    ///   interval: 1m
    ///   url: https://github.com/acme/fleet
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// kind: GitRepository
    /// spec:
    ///   interval: 1m
    ///   url: https://github.com/acme/fleet
    ///   ref:
    ///     branch: main
    /// ```
    ///
    /// ## References
    /// - [Flux: GitRepository reference](https://fluxcd.io/flux/components/source/gitrepositories/#reference)
    pub struct GitRepositoryRefMissing {
        id: "git-repository-ref-missing",
        severity: Warning,
        domains: [Gitops],
        summary: "Flux GitRepository has no `ref`, so it tracks `master`",
    }
}

impl Rule for GitRepositoryRefMissing {
    fn check_object(&self, object: &K8sObject, report: &mut Reporter<'_>) {
        if !support::is_flux_kind(object, "source", "GitRepository") || object.kustomize.patch {
            return;
        }
        let Some(spec) = object.spec().filter(|s| s.is_mapping()) else { return };
        // A patch of an overlay may only change the URL or the interval.
        let Some(url) = spec.get("url") else { return };
        let reference = spec.get("ref");
        if reference.is_some_and(|r| r.entries().iter().any(|e| !e.value.is_null()) || r.as_str().is_some()) {
            return;
        }
        let span = if reference.is_some() { spec.key_span("ref") } else { url.span };
        report.report(
            span,
            format!(
                "{} has no `ref`, so Flux tracks the `master` branch; name the branch, tag or semver range",
                object.display_name()
            ),
        );
    }
}
