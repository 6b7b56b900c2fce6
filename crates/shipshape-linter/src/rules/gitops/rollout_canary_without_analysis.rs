use shipshape_yaml::Node;

use super::support;
use crate::context::K8sObject;
use crate::declare_rule;
use crate::rule::{Reporter, Rule};

declare_rule! {
    /// ## What it does
    /// Flags an Argo Rollouts canary whose `steps` promote the new version
    /// with nothing checking it: no `analysis` step, no background
    /// `analysis`, no `experiment` with analyses, and no manual gate: an
    /// indefinite `pause: {}`, or an `experiment` step without `duration`
    /// (it runs until someone ends it, so the rollout waits there as at a
    /// pause), where a person promotes by hand.
    ///
    /// ## Why is this bad?
    /// The canary shifts traffic step by step on a timer whatever the new
    /// version does: a release that fails every request reaches 100% as
    /// surely as a good one, only slower. A canary is only safer than a
    /// rolling update when something can stop it: an AnalysisTemplate on
    /// error rate and latency, or a manual gate.
    ///
    /// ## Example
    /// ```yaml
    /// strategy:
    ///   canary:
    ///     steps:
    ///       - setWeight: 20
    ///       - pause: {duration: 5m}
    ///       - setWeight: 50
    ///       - pause: {duration: 5m}
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// strategy:
    ///   canary:
    ///     analysis:
    ///       templates: [{templateName: success-rate}]
    ///       startingStep: 1
    ///     steps:
    ///       - setWeight: 20
    ///       - pause: {duration: 5m}
    ///       - setWeight: 50
    ///       - pause: {duration: 5m}
    /// ```
    ///
    /// ## References
    /// - [Argo Rollouts: analysis and progressive delivery](https://argo-rollouts.readthedocs.io/en/stable/features/analysis/)
    /// - [Argo Rollouts: experiments (a step without `duration` runs until terminated)](https://argo-rollouts.readthedocs.io/en/stable/features/experiment/)
    pub struct RolloutCanaryWithoutAnalysis {
        id: "rollout-canary-without-analysis",
        severity: Warning,
        domains: [Gitops],
        summary: "Argo Rollouts canary promotes on a timer with no analysis or manual gate",
    }
}

fn has_templates(analysis: Option<&Node>) -> bool {
    analysis.is_some_and(|a| {
        !a.get("templates").map(Node::items).unwrap_or(&[]).is_empty() || a.get("templateName").is_some()
    })
}

/// `pause: {}` or a pause without `duration`: waits for a promotion.
fn is_indefinite_pause(step: &Node) -> bool {
    step.get("pause").is_some_and(|p| p.get("duration").is_none_or(Node::is_null) && (p.is_mapping() || p.is_null()))
}

/// An `experiment` step without `duration`: it never ends by itself (its
/// analyses, which would end it, are counted as checks already), so the
/// rollout waits for a person, as at `pause: {}`.
fn is_open_ended_experiment(step: &Node) -> bool {
    step.get("experiment").is_some_and(|e| e.is_mapping() && e.get("duration").is_none_or(Node::is_null))
}

impl Rule for RolloutCanaryWithoutAnalysis {
    fn check_object(&self, object: &K8sObject, report: &mut Reporter<'_>) {
        if !support::is_rollout(object) || object.kustomize.patch {
            return;
        }
        let Some(canary) = object.root.path(&["spec", "strategy", "canary"]) else { return };
        let Some(steps_node) = canary.get("steps") else { return };
        let steps = steps_node.items();
        if steps.is_empty() || has_templates(canary.get("analysis")) {
            return;
        }
        let checked = steps.iter().any(|step| {
            has_templates(step.get("analysis"))
                || !step.path(&["experiment", "analyses"]).map(Node::items).unwrap_or(&[]).is_empty()
                || is_indefinite_pause(step)
                || is_open_ended_experiment(step)
                || step.get("plugin").is_some()
        });
        if checked {
            return;
        }
        report.report(
            canary.key_span("steps"),
            format!(
                "{} shifts traffic to the canary on a timer with no analysis and no manual pause: a failing \
                 version is promoted all the same; add an analysis (background or as a step)",
                object.display_name()
            ),
        );
    }
}
