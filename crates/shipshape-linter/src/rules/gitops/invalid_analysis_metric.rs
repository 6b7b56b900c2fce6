use std::collections::HashSet;

use shipshape_yaml::Node;

use super::support;
use crate::context::K8sObject;
use crate::declare_rule;
use crate::rule::{Reporter, Rule};

declare_rule! {
    /// ## What it does
    /// Flags an Argo Rollouts `AnalysisTemplate` or
    /// `ClusterAnalysisTemplate` that the controller rejects: no metrics, a
    /// duplicate metric name, `count` above 1 without an `interval`,
    /// `count` below `failureLimit` or `inconclusiveLimit`, an `interval`
    /// or `initialDelay` that is not a duration, a metric with no provider
    /// or with two.
    ///
    /// ## Why is this bad?
    /// The AnalysisRun created from the template errors out at once, and
    /// the Rollout that waits for it is aborted (or, in a background
    /// analysis, degraded): no release gets through until the template is
    /// fixed, and the cause is only visible in the AnalysisRun's status.
    ///
    /// ## Example
    /// ```yaml
    /// metrics:
    ///   - name: success-rate
    ///     count: 5            # five measurements, but no interval between them
    ///     successCondition: result[0] >= 0.99
    ///     provider:
    ///       prometheus: {address: http://prometheus:9090, query: "..."}
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// metrics:
    ///   - name: success-rate
    ///     interval: 1m
    ///     count: 5
    ///     successCondition: result[0] >= 0.99
    ///     provider:
    ///       prometheus: {address: http://prometheus:9090, query: "..."}
    /// ```
    ///
    /// ## References
    /// - [Argo Rollouts: analysis](https://argo-rollouts.readthedocs.io/en/stable/features/analysis/)
    pub struct InvalidAnalysisMetric {
        id: "invalid-analysis-metric",
        severity: Error,
        domains: [Gitops],
        summary: "Analysis template is rejected by the Argo Rollouts controller",
        kind: Defect,
    }
}

impl Rule for InvalidAnalysisMetric {
    fn check_object(&self, object: &K8sObject, report: &mut Reporter<'_>) {
        if !support::is_analysis_template(object) || object.kustomize.patch {
            return;
        }
        if !object.spec().is_some_and(|s| s.is_mapping()) {
            return;
        }
        let owner = object.display_name();
        let metrics = support::metrics(object);
        if metrics.is_empty() {
            report.report(object.root.key_span("spec"), format!("{owner} has no metrics; the controller rejects it"));
            return;
        }
        let mut names = HashSet::new();
        for metric in metrics.iter().filter(|m| m.is_mapping()) {
            let name = support::metric_name(metric);
            let at = |key: &str| metric.get(key).map_or(support::metric_span(metric), |n| n.span);
            if metric.get("name").is_some() && !names.insert(name) {
                report.report(support::metric_span(metric), format!("{owner} has two metrics named `{name}`"));
            }
            let count = support::int_field(metric, "count");
            let interval =
                metric.get("interval").filter(|i| !i.is_null() && i.as_str().is_none_or(|t| !t.trim().is_empty()));
            if count.is_some_and(|c| c > 1) && interval.is_none() {
                report.report(
                    at("count"),
                    format!(
                        "Metric `{name}` of {owner} takes {} measurements with no `interval` between them; set \
                             `interval`",
                        count.unwrap_or(0)
                    ),
                );
            }
            for key in ["failureLimit", "inconclusiveLimit"] {
                let limit = support::int_field(metric, key);
                if let (Some(count), Some(limit)) = (count.filter(|c| *c > 0), limit) {
                    if count < limit {
                        report.report(
                            at(key),
                            format!(
                                "Metric `{name}` of {owner} has `{key}: {limit}` above `count: {count}`; the \
                                     controller requires count >= {key}"
                            ),
                        );
                    }
                }
            }
            if support::int_field(metric, "failureLimit").is_some_and(|l| l < -1) {
                report.report(at("failureLimit"), format!("Metric `{name}` of {owner} has a negative `failureLimit`"));
            }
            for key in ["interval", "initialDelay"] {
                let Some(text) = metric.get(key).and_then(Node::as_str).filter(|t| !t.trim().is_empty()) else {
                    continue;
                };
                if !support::is_templated(text) && support::parse_duration(text).is_none() {
                    report.report(
                        at(key),
                        format!("Metric `{name}` of {owner} has `{key}: {text}`, which is not a duration like `1m`"),
                    );
                }
            }
            match metric.get("provider") {
                None => report.report(
                    support::metric_span(metric),
                    format!("Metric `{name}` of {owner} has no `provider`; the controller rejects it"),
                ),
                Some(provider) if provider.is_mapping() => {
                    let keys: Vec<&str> = provider.entries().iter().filter_map(|e| e.key.as_str()).collect();
                    if keys.len() > 1 {
                        report.report(
                            metric.key_span("provider"),
                            format!(
                                "Metric `{name}` of {owner} names {} providers (`{}`); keep one",
                                keys.len(),
                                keys.join("`, `")
                            ),
                        );
                    } else if keys.is_empty() {
                        report.report(
                            metric.key_span("provider"),
                            format!("Metric `{name}` of {owner} has an empty `provider`"),
                        );
                    }
                }
                Some(_) => {}
            }
        }
    }
}
