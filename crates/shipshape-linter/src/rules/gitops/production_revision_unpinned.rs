use shipshape_yaml::Node;

use super::support::{self, application_sources, automated_sync};
use crate::context::K8sObject;
use crate::declare_rule;
use crate::rule::{Reporter, Rule};

declare_rule! {
    /// ## What it does
    /// Flags an Argo CD `Application` (or `ApplicationSet` template) that
    /// deploys to production with automated sync from a moving revision:
    /// `targetRevision: HEAD`, no `targetRevision` (HEAD), or a branch
    /// name (Helm chart versions are left to `helm-chart-version-unpinned`).
    /// An Application is taken to be for production when its name,
    /// namespace, labels, destination (namespace, cluster name or server),
    /// source path or (for an ApplicationSet) generator values say `prod`,
    /// `production` or `prd`. Values with digits (`v1.4.2`,
    /// `release-2024-05`) and commit SHAs count as pinned. Applications
    /// synced by hand are not flagged: there the sync is the gate.
    ///
    /// ## Why is this bad?
    /// With automated sync, every commit pushed to the branch, including a
    /// change meant for the base of all environments, goes live in
    /// production at once, and what production runs cannot be named by one
    /// revision. Argo CD recommends a tag or a commit SHA for production.
    ///
    /// ## Example
    /// ```yaml
    /// kind: Application
    /// metadata:
    ///   name: shop-prod
    /// spec:
    ///   source:
    ///     repoURL: https://github.com/acme/deploy.git
    ///     targetRevision: HEAD
    ///     path: shop/overlays/prod
    ///   syncPolicy:
    ///     automated: {prune: true, selfHeal: true}
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// kind: Application
    /// metadata:
    ///   name: shop-prod
    /// spec:
    ///   source:
    ///     repoURL: https://github.com/acme/deploy.git
    ///     targetRevision: shop-v1.4.2   # promoted by a reviewed change
    ///     path: shop/overlays/prod
    ///   syncPolicy:
    ///     automated: {prune: true, selfHeal: true}
    /// ```
    ///
    /// ## References
    /// - [Argo CD: tracking and deployment strategies](https://argo-cd.readthedocs.io/en/stable/user-guide/tracking_strategies/)
    pub struct ProductionRevisionUnpinned {
        id: "production-revision-unpinned",
        severity: Warning,
        domains: [Gitops],
        summary: "Production Application syncs automatically from a branch or HEAD",
    }
}

impl Rule for ProductionRevisionUnpinned {
    fn check_object(&self, object: &K8sObject, report: &mut Reporter<'_>) {
        let Some(spec) = support::application_spec(object) else { return };
        if automated_sync(spec).is_none() || !support::is_production_application(object, spec) {
            return;
        }
        for source in application_sources(spec) {
            let Some(repo) = source.str_at(&["repoURL"]) else { continue };
            if repo.trim().is_empty() || support::is_templated(repo) || repo.starts_with("oci://") {
                continue;
            }
            let revision = source.get("targetRevision");
            let text = revision.and_then(Node::as_str);
            if text.is_some_and(support::is_templated) {
                continue;
            }
            let span = revision.map_or_else(|| source.key_span("repoURL"), |r| r.span);
            // Chart versions are judged by `helm-chart-version-unpinned`.
            if source.get("chart").is_some() {
                continue;
            }
            if let Some(what) = support::floating_git_revision(text) {
                let shown = match text {
                    Some(t) if what == "HEAD" => format!("`{t}`"),
                    Some(t) if !t.trim().is_empty() => format!("`{t}`, {what}"),
                    _ => "HEAD (no `targetRevision`)".to_string(),
                };
                report.report(
                    span,
                    format!(
                        "{} syncs production automatically from {shown}: every push goes live; pin a tag or a \
                         commit SHA",
                        object.display_name()
                    ),
                );
            }
        }
    }
}
