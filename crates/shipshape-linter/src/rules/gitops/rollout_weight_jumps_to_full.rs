use shipshape_yaml::Node;

use super::support;
use crate::context::K8sObject;
use crate::declare_rule;
use crate::rule::{Reporter, Rule};

declare_rule! {
    /// ## What it does
    /// Flags a `setWeight` step of an Argo Rollouts canary that sends all
    /// traffic (100) to the new version before any partial weight was held
    /// by a `pause`, an `analysis` or an `experiment` step: the first
    /// weight is 100, or the steps go from a partial weight straight to
    /// 100. Also flags weights outside 0 to 100, which the controller
    /// rejects.
    ///
    /// ## Why is this bad?
    /// A canary is meant to expose a few users first and watch them. Going
    /// to 100% at once (or after a partial weight that nothing waited on)
    /// exposes every user to the new version at the same moment, like a
    /// plain rolling update, with the canary's extra machinery but not its
    /// protection.
    ///
    /// ## Example
    /// ```yaml
    /// steps:
    ///   - setWeight: 10
    ///   - setWeight: 100
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// steps:
    ///   - setWeight: 10
    ///   - pause: {duration: 10m}
    ///   - setWeight: 50
    ///   - pause: {duration: 10m}
    /// ```
    ///
    /// ## References
    /// - [Argo Rollouts: canary steps](https://argo-rollouts.readthedocs.io/en/stable/features/canary/)
    pub struct RolloutWeightJumpsToFull {
        id: "rollout-weight-jumps-to-full",
        severity: Warning,
        domains: [Gitops],
        summary: "Argo Rollouts canary sends all traffic to the new version without a held partial step",
    }
}

impl Rule for RolloutWeightJumpsToFull {
    fn check_object(&self, object: &K8sObject, report: &mut Reporter<'_>) {
        if !support::is_rollout(object) {
            return;
        }
        let steps = object.root.path(&["spec", "strategy", "canary", "steps"]).map(Node::items).unwrap_or(&[]);
        let name = object.display_name();
        // A partial weight was set, and then held by a pause or a check.
        let mut partial = false;
        let mut held = false;
        for step in steps {
            if let Some(weight_node) = step.get("setWeight") {
                let Some(weight) = support::int_field(step, "setWeight") else { continue };
                if !(0..=100).contains(&weight) {
                    report.report(
                        weight_node.span,
                        format!("{name} has `setWeight: {weight}`; a weight is a percentage from 0 to 100"),
                    );
                } else if weight == 100 && !held {
                    let what = if partial {
                        "jumps to 100% before the partial weight was held by a pause or an analysis"
                    } else {
                        "sends 100% of traffic to the new version at its first weight"
                    };
                    report.report(
                        weight_node.span,
                        format!("{name} {what}: every user gets the new version at once; hold a partial weight first"),
                    );
                }
                partial = (1..100).contains(&weight);
                continue;
            }
            let holds =
                step.get("pause").is_some() || step.get("analysis").is_some() || step.get("experiment").is_some();
            if partial && holds {
                held = true;
            }
        }
    }
}
