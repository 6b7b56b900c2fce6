use super::support;
use crate::context::K8sObject;
use crate::declare_rule;
use crate::rule::{Reporter, Rule};

declare_rule! {
    /// ## What it does
    /// Flags an Argo CD `Application` (or `ApplicationSet` template) with no
    /// `syncPolicy` at all.
    ///
    /// ## Why is this bad?
    /// Without a sync policy the Application is only ever synced by hand,
    /// with no retry when a sync fails and none of the sync options
    /// (`CreateNamespace`, `PruneLast`, `ServerSideApply`) written down:
    /// Git is not the source of truth of the cluster, only a suggestion.
    /// Turn on `automated` sync, or, where a person must press sync (a
    /// production gate), still write the policy down: `retry` and the
    /// options, so that the manual sync behaves the same every time.
    ///
    /// ## Example
    /// ```yaml
    /// spec:
    ///   project: shop
    ///   source: {repoURL: https://github.com/acme/deploy.git, path: shop, targetRevision: v1.2.0}
    ///   destination: {server: https://kubernetes.default.svc, namespace: shop}
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// spec:
    ///   project: shop
    ///   source: {repoURL: https://github.com/acme/deploy.git, path: shop, targetRevision: v1.2.0}
    ///   destination: {server: https://kubernetes.default.svc, namespace: shop}
    ///   syncPolicy:
    ///     automated: {prune: true, selfHeal: true}
    ///     retry: {limit: 5}
    /// ```
    ///
    /// ## References
    /// - [Argo CD: automated sync policy](https://argo-cd.readthedocs.io/en/stable/user-guide/auto_sync/)
    pub struct SyncPolicyMissing {
        id: "sync-policy-missing",
        severity: Info,
        domains: [Gitops],
        summary: "Application has no sync policy: it is only synced by hand",
    }
}

impl Rule for SyncPolicyMissing {
    fn check_object(&self, object: &K8sObject, report: &mut Reporter<'_>) {
        let Some(spec) = support::application_spec(object) else { return };
        if spec.get("syncPolicy").is_some() || !spec.is_mapping() {
            return;
        }
        // An ApplicationSet may set the policy in a `templatePatch`.
        if object.root.path(&["spec", "templatePatch"]).is_some() {
            return;
        }
        report.report(
            support::application_spec_key(object),
            format!(
                "{} has no `syncPolicy`: it is only synced by hand and never retried; add `automated` sync (or \
                 write down `retry` and the sync options for a manual gate)",
                object.display_name()
            ),
        );
    }
}
