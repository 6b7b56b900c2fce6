use super::support;
use crate::context::K8sObject;
use crate::declare_rule;
use crate::rule::{Reporter, Rule};

declare_rule! {
    /// ## What it does
    /// Flags a metric of an Argo Rollouts `AnalysisTemplate` or
    /// `ClusterAnalysisTemplate` whose `failureLimit` can never be
    /// exceeded: equal to its `count`, or `-1` (disabled) without a
    /// `consecutiveSuccessLimit`. (A `failureLimit` above `count` is
    /// rejected by the controller: see `invalid-analysis-metric`.)
    ///
    /// ## Why is this bad?
    /// A metric fails when its failed measurements exceed `failureLimit`.
    /// With `count: 5` and `failureLimit: 5` at most 5 can fail, which is
    /// not more than 5: every measurement may fail and the analysis still
    /// passes. Omitting `failureLimit` (0) fails the metric on its first
    /// failed measurement; allow a few with a limit below `count`.
    ///
    /// ## Example
    /// ```yaml
    /// metrics:
    ///   - name: success-rate
    ///     interval: 1m
    ///     count: 5
    ///     failureLimit: 5
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// metrics:
    ///   - name: success-rate
    ///     interval: 1m
    ///     count: 5
    ///     failureLimit: 1
    /// ```
    ///
    /// ## References
    /// - [Argo Rollouts: failure conditions and failure limit](https://argo-rollouts.readthedocs.io/en/stable/features/analysis/#failure-conditions-and-failure-limit)
    pub struct AnalysisFailureLimitUnreachable {
        id: "analysis-failure-limit-unreachable",
        severity: Warning,
        domains: [Gitops],
        summary: "Analysis metric's failure limit can never be exceeded, so it never fails",
        kind: Defect,
    }
}

impl Rule for AnalysisFailureLimitUnreachable {
    fn check_object(&self, object: &K8sObject, report: &mut Reporter<'_>) {
        if !support::is_analysis_template(object) {
            return;
        }
        for metric in support::metrics(object) {
            let Some(limit_node) = metric.get("failureLimit") else { continue };
            let Some(limit) = support::int_field(metric, "failureLimit") else { continue };
            let name = support::metric_name(metric);
            if limit == -1 && metric.get("consecutiveSuccessLimit").is_none() {
                report.report(
                    limit_node.span,
                    format!(
                        "Metric `{name}` of {} disables its failure limit (`-1`) with no `consecutiveSuccessLimit`: \
                         failed measurements never fail it; set a limit",
                        object.display_name()
                    ),
                );
                continue;
            }
            let count = support::int_field(metric, "count");
            if let Some(count) = count.filter(|c| *c > 0 && limit == *c) {
                report.report(
                    limit_node.span,
                    format!(
                        "Metric `{name}` of {} allows {limit} failures out of {count} measurements: it can never \
                         fail; lower `failureLimit` below `count`",
                        object.display_name()
                    ),
                );
            }
        }
    }
}
