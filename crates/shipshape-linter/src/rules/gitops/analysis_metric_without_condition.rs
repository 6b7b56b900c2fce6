use super::support;
use crate::context::K8sObject;
use crate::declare_rule;
use crate::rule::{Reporter, Rule};

/// Providers whose result is judged without conditions: a Job's exit
/// status, Kayenta's own score.
const SELF_JUDGING: &[&str] = &["job", "kayenta"];

declare_rule! {
    /// ## What it does
    /// Flags a metric of an Argo Rollouts `AnalysisTemplate` or
    /// `ClusterAnalysisTemplate` that has neither a `successCondition` nor
    /// a `failureCondition`, for a provider that needs one (Prometheus,
    /// Datadog, New Relic, web, CloudWatch…; not `job` or `kayenta`).
    ///
    /// ## Why is this bad?
    /// Without a condition every measurement that returns is `Successful`:
    /// a Prometheus query reporting a 50% error rate passes, and the
    /// analysis only fails when the query itself errors. The analysis
    /// looks like a safety net and is none. A `failureLimit` does not help:
    /// nothing ever counts as a failure. (With only one of the two
    /// conditions, the other is its negation: that is fine.)
    ///
    /// ## Example
    /// ```yaml
    /// metrics:
    ///   - name: error-rate
    ///     interval: 1m
    ///     count: 5
    ///     provider:
    ///       prometheus:
    ///         query: sum(rate(http_requests_total{code=~"5.."}[2m])) / sum(rate(http_requests_total[2m]))
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// metrics:
    ///   - name: error-rate
    ///     interval: 1m
    ///     count: 5
    ///     successCondition: len(result) == 0 || result[0] < 0.01
    ///     provider:
    ///       prometheus:
    ///         query: sum(rate(http_requests_total{code=~"5.."}[2m])) / sum(rate(http_requests_total[2m]))
    /// ```
    ///
    /// ## References
    /// - [Argo Rollouts: analysis](https://argo-rollouts.readthedocs.io/en/stable/features/analysis/)
    pub struct AnalysisMetricWithoutCondition {
        id: "analysis-metric-without-condition",
        severity: Warning,
        domains: [Gitops],
        summary: "Analysis metric has no success or failure condition, so it always passes",
        kind: Defect,
    }
}

impl Rule for AnalysisMetricWithoutCondition {
    fn check_object(&self, object: &K8sObject, report: &mut Reporter<'_>) {
        if !support::is_analysis_template(object) {
            return;
        }
        for metric in support::metrics(object) {
            let Some(provider) = metric.get("provider").filter(|p| p.is_mapping()) else { continue };
            let providers: Vec<&str> = provider.entries().iter().filter_map(|e| e.key.as_str()).collect();
            if providers.is_empty() || providers.iter().any(|p| SELF_JUDGING.contains(p)) {
                continue;
            }
            if metric.get("successCondition").is_some() || metric.get("failureCondition").is_some() {
                continue;
            }
            report.report(
                support::metric_span(metric),
                format!(
                    "Metric `{}` of {} has no `successCondition` or `failureCondition`: every {} result counts as \
                     a success; add a condition",
                    support::metric_name(metric),
                    object.display_name(),
                    providers.join("/")
                ),
            );
        }
    }
}
