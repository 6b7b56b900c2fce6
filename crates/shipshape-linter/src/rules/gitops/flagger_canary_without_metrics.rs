use shipshape_yaml::Node;

use super::support;
use crate::context::K8sObject;
use crate::declare_rule;
use crate::rule::{Reporter, Rule};

declare_rule! {
    /// ## What it does
    /// Flags a Flagger `Canary` whose `analysis` (or the older
    /// `canaryAnalysis`) has no `metrics`, unless a `confirm-promotion`
    /// webhook makes a person or a system approve the promotion. A Canary
    /// with no analysis at all, which the API requires, is flagged too.
    ///
    /// ## Why is this bad?
    /// Without metrics, Flagger only checks that the canary's pods are
    /// ready, then shifts traffic step by step and promotes: a release
    /// that answers every request with an error is promoted like a good
    /// one. The built-in `request-success-rate` and `request-duration`
    /// checks cost one line each.
    ///
    /// ## Example
    /// ```yaml
    /// kind: Canary
    /// spec:
    ///   analysis:
    ///     interval: 1m
    ///     threshold: 5
    ///     maxWeight: 50
    ///     stepWeight: 10
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// kind: Canary
    /// spec:
    ///   analysis:
    ///     interval: 1m
    ///     threshold: 5
    ///     maxWeight: 50
    ///     stepWeight: 10
    ///     metrics:
    ///       - name: request-success-rate
    ///         thresholdRange: {min: 99}
    ///         interval: 1m
    ///       - name: request-duration
    ///         thresholdRange: {max: 500}
    ///         interval: 1m
    /// ```
    ///
    /// ## References
    /// - [Flagger: metrics analysis](https://docs.flagger.app/usage/metrics)
    pub struct FlaggerCanaryWithoutMetrics {
        id: "flagger-canary-without-metrics",
        severity: Warning,
        domains: [Gitops],
        summary: "Flagger Canary promotes without checking any metric",
    }
}

impl Rule for FlaggerCanaryWithoutMetrics {
    fn check_object(&self, object: &K8sObject, report: &mut Reporter<'_>) {
        if !support::is_flagger_canary(object) || object.kustomize.patch {
            return;
        }
        let Some(spec) = object.spec().filter(|s| s.is_mapping()) else { return };
        let key = if spec.get("analysis").is_some() { "analysis" } else { "canaryAnalysis" };
        let Some(analysis) = spec.get(key) else {
            report.report(
                object.root.key_span("spec"),
                format!("{} has no `analysis`, which the API requires; add one with metrics", object.display_name()),
            );
            return;
        };
        if !analysis.get("metrics").map(Node::items).unwrap_or(&[]).is_empty() {
            return;
        }
        let gated = analysis
            .get("webhooks")
            .map(Node::items)
            .unwrap_or(&[])
            .iter()
            .any(|w| w.str_at(&["type"]) == Some("confirm-promotion"));
        if gated {
            return;
        }
        report.report(
            spec.key_span(key),
            format!(
                "{} checks no metrics: any release whose pods start is promoted; add `request-success-rate` and \
                 `request-duration` metrics",
                object.display_name()
            ),
        );
    }
}
