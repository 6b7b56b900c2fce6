use shipshape_yaml::Node;

use super::support;
use crate::context::K8sObject;
use crate::declare_rule;
use crate::rule::{Reporter, Rule};

declare_rule! {
    /// ## What it does
    /// Flags an Argo CD `Application` (or `ApplicationSet` template) with
    /// automated sync but without `selfHeal: true`.
    ///
    /// ## Why is this bad?
    /// Automated sync applies new commits, but without `selfHeal` a change
    /// made in the cluster by hand (`kubectl edit`, a scaled Deployment, a
    /// deleted NetworkPolicy) stays until the next commit touches the
    /// Application: the cluster drifts from Git while Argo CD only reports
    /// it as out of sync. With `prune: true` the Application already trusts
    /// Git enough to delete resources, but not to undo drift. Leave
    /// `selfHeal` off only on purpose, for fields other controllers own
    /// (and list those in `ignoreDifferences` instead).
    ///
    /// ## Example
    /// ```yaml
    /// spec:
    ///   syncPolicy:
    ///     automated:
    ///       prune: true
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// spec:
    ///   syncPolicy:
    ///     automated:
    ///       prune: true
    ///       selfHeal: true
    /// ```
    ///
    /// ## References
    /// - [Argo CD: automated sync policy](https://argo-cd.readthedocs.io/en/stable/user-guide/auto_sync/)
    pub struct AutomatedSyncWithoutSelfHeal {
        id: "automated-sync-without-self-heal",
        severity: Info,
        domains: [Gitops],
        summary: "Application syncs automatically but does not undo drift (`selfHeal`)",
    }
}

impl Rule for AutomatedSyncWithoutSelfHeal {
    fn check_object(&self, object: &K8sObject, report: &mut Reporter<'_>) {
        let Some(spec) = support::application_spec(object) else { return };
        let Some(automated) = support::automated_sync(spec) else { return };
        let self_heal = automated.get("selfHeal");
        if self_heal.and_then(Node::as_bool) == Some(true)
            || self_heal.and_then(Node::as_str).is_some_and(support::is_templated)
        {
            return;
        }
        let prune = automated.get("prune").and_then(Node::as_bool) == Some(true);
        let span = self_heal
            .map_or_else(|| spec.path(&["syncPolicy"]).map_or(automated.span, |p| p.key_span("automated")), |n| n.span);
        let detail = if prune { "prunes what Git deletes but leaves" } else { "leaves" };
        report.report(
            span,
            format!(
                "{} syncs automatically but {detail} changes made in the cluster until the next commit; set \
                 `selfHeal: true`",
                object.display_name()
            ),
        );
    }
}
