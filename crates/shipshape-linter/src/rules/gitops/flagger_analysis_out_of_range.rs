use shipshape_yaml::Node;

use super::support;
use crate::context::K8sObject;
use crate::declare_rule;
use crate::rule::{Reporter, Rule};

declare_rule! {
    /// ## What it does
    /// Flags Flagger `Canary` analysis settings that cannot work: a
    /// `maxWeight`, `stepWeightPromotion` or `mirrorWeight` above 100, a
    /// `stepWeight` of 0 or less (with no `stepWeights` or `iterations` to
    /// progress instead) or above `maxWeight` (100 when unset),
    /// `stepWeights` outside 1 to 100 or not increasing, A/B `match`
    /// conditions with `iterations` below 1, and a metric's
    /// `thresholdRange` whose `min` is above its `max`. (A `threshold`
    /// below 1 is read as 1 by Flagger: one failed check rolls back.)
    ///
    /// ## Why is this bad?
    /// Weights are percentages of traffic: above 100 the router cannot be
    /// programmed. A `stepWeight` of 0 never shifts traffic, so the canary
    /// never finishes; one above `maxWeight` sends more traffic to the
    /// canary than its author allowed and promotes after a single check.
    /// Step weights that go down move traffic back and then jump to
    /// promotion. A/B testing without iterations never routes the matched
    /// users. An impossible threshold range fails every check, so every
    /// release is rolled back.
    ///
    /// ## Example
    /// ```yaml
    /// analysis:
    ///   threshold: 5
    ///   maxWeight: 30
    ///   stepWeight: 50
    ///   metrics:
    ///     - name: request-success-rate
    ///       thresholdRange: {min: 99, max: 95}
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// analysis:
    ///   threshold: 5
    ///   maxWeight: 50
    ///   stepWeight: 10
    ///   metrics:
    ///     - name: request-success-rate
    ///       thresholdRange: {min: 99}
    /// ```
    ///
    /// ## References
    /// - [Flagger: canary analysis](https://docs.flagger.app/usage/deployment-strategies#canary-release)
    pub struct FlaggerAnalysisOutOfRange {
        id: "flagger-analysis-out-of-range",
        severity: Error,
        domains: [Gitops],
        summary: "Flagger Canary analysis has weights or thresholds that cannot work",
        kind: Defect,
    }
}

fn number<'a>(node: &'a Node, key: &str) -> Option<(f64, &'a Node)> {
    let value = node.get(key)?;
    let n = value.as_f64().or_else(|| value.as_str().and_then(|s| s.trim().parse().ok()))?;
    Some((n, value))
}

impl Rule for FlaggerAnalysisOutOfRange {
    fn check_object(&self, object: &K8sObject, report: &mut Reporter<'_>) {
        if !support::is_flagger_canary(object) {
            return;
        }
        let Some(spec) = object.spec() else { return };
        let Some(analysis) = spec.get("analysis").or_else(|| spec.get("canaryAnalysis")) else { return };
        let name = object.display_name();
        let max_weight = number(analysis, "maxWeight").filter(|(w, _)| *w > 0.0);
        for key in ["maxWeight", "stepWeightPromotion", "mirrorWeight"] {
            if let Some((weight, node)) = number(analysis, key).filter(|(w, _)| *w > 100.0) {
                report.report(node.span, format!("{name} has `{key}: {weight}`; a weight is a percentage up to 100"));
            }
        }
        let limit = max_weight.map_or(100.0, |(w, _)| w);
        let step_weights = analysis.get("stepWeights").map(Node::items).unwrap_or(&[]);
        let iterations = number(analysis, "iterations");
        if let Some((step, node)) = number(analysis, "stepWeight") {
            if step <= 0.0 && step_weights.is_empty() && iterations.is_none() {
                report.report(
                    node.span,
                    format!("{name} has `stepWeight: {step}`: traffic never shifts, so the canary never finishes"),
                );
            } else if step > limit {
                report.report(
                    node.span,
                    format!(
                        "{name} has `stepWeight: {step}` above `maxWeight: {limit}`: the first step sends more traffic \
                         than the maximum and promotes after one check"
                    ),
                );
            }
        }
        let mut previous = 0.0;
        for item in step_weights {
            let Some(weight) = item.as_f64() else { continue };
            if weight <= 0.0 || weight > 100.0 {
                report.report(item.span, format!("{name} has a step weight of {weight}; weights go from 1 to 100"));
            } else if weight <= previous {
                report.report(
                    item.span,
                    format!("{name} has step weight {weight} after {previous}; step weights must increase"),
                );
            }
            previous = weight;
        }
        if let Some((count, node)) = iterations.filter(|(i, _)| *i < 1.0) {
            if analysis.get("match").is_some_and(|m| !m.items().is_empty()) {
                report.report(
                    node.span,
                    format!(
                        "{name} has A/B `match` conditions and `iterations: {count}`: A/B testing needs at least 1"
                    ),
                );
            }
        }
        for metric in analysis.get("metrics").map(Node::items).unwrap_or(&[]) {
            let Some(range) = metric.get("thresholdRange") else { continue };
            if let (Some((min, _)), Some((max, max_node))) = (number(range, "min"), number(range, "max")) {
                if min > max {
                    report.report(
                        max_node.span,
                        format!(
                            "Metric `{}` of {name} needs a value at least {min} and at most {max}: every check fails",
                            metric.str_at(&["name"]).unwrap_or("<unnamed>")
                        ),
                    );
                }
            }
        }
    }
}
