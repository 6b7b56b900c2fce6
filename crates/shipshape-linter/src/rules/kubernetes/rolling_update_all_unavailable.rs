use crate::context::K8sObject;
use crate::declare_rule;
use crate::k8s::{self, IntOrPercent};
use crate::rule::{Reporter, Rule};

declare_rule! {
    /// ## What it does
    /// Flags a rolling update whose `maxUnavailable` lets every pod be down
    /// at once: `100%` (or more) on a Deployment, StatefulSet, DaemonSet or
    /// Argo Rollout canary, or a number at or above the workload's
    /// `spec.replicas` when that is written.
    ///
    /// ## Why is this bad?
    /// The controller may then stop all old pods before any new one is
    /// ready: every rollout is an outage, and a release that fails to start
    /// leaves nothing running. If downtime during updates is really
    /// acceptable, say so with `strategy.type: Recreate`.
    ///
    /// ## Example
    /// ```yaml
    /// spec:
    ///   replicas: 3
    ///   strategy:
    ///     rollingUpdate:
    ///       maxUnavailable: 3
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// spec:
    ///   replicas: 3
    ///   strategy:
    ///     rollingUpdate:
    ///       maxUnavailable: 1
    ///       maxSurge: 1
    /// ```
    pub struct RollingUpdateAllUnavailable {
        id: "rolling-update-all-unavailable",
        severity: Warning,
        domains: [Kubernetes],
        summary: "Rolling update may take every pod down at once",
    }
}

impl Rule for RollingUpdateAllUnavailable {
    fn check_object(&self, object: &K8sObject, report: &mut Reporter<'_>) {
        let route: &[&str] = match object.kind.as_str() {
            "Deployment" => &["spec", "strategy", "rollingUpdate", "maxUnavailable"],
            "StatefulSet" | "DaemonSet" => &["spec", "updateStrategy", "rollingUpdate", "maxUnavailable"],
            "Rollout" => &["spec", "strategy", "canary", "maxUnavailable"],
            _ => return,
        };
        let Some(node) = object.root.path(route) else { return };
        let Some(value) = IntOrPercent::parse(node) else { return };
        let replicas = k8s::replicas(object).filter(|_| object.kind != "DaemonSet");
        let all = match value {
            IntOrPercent::Percent(p) => p >= 100.0,
            IntOrPercent::Int(n) => replicas.is_some_and(|r| r > 0 && n >= r),
        };
        if all {
            let written = node.as_str().unwrap_or("");
            report.report(
                node.span,
                format!(
                    "{} allows `maxUnavailable: {written}`, so a rollout may take every pod down at once; lower it \
                     (or use `strategy.type: Recreate` if downtime is intended)",
                    object.display_name()
                ),
            );
        }
    }
}
