use std::collections::HashSet;

use shipshape_yaml::Node;

use super::support::{self, AnalysisUse};
use crate::context::{K8sObject, ObjectSet};
use crate::declare_rule;
use crate::k8s;
use crate::rule::{Reporter, Rule};

declare_rule! {
    /// ## What it does
    /// Flags a metric of an Argo Rollouts analysis template that measures
    /// at an `interval` with no `count` (or `count: 0`), when a Rollout of
    /// the scan runs that template as a canary `analysis` step or as a
    /// blue-green `prePromotionAnalysis` or `postPromotionAnalysis`. Such a
    /// metric is fine in a background analysis, which the rollout stops
    /// when it ends. A Rollout and a template are related by name only
    /// when applied together (same kustomize build, or same folder), and
    /// a template in the Rollout's own file is preferred to others of the
    /// same name.
    ///
    /// ## Why is this bad?
    /// A metric with an interval and no count measures forever. A step or
    /// promotion analysis must finish before the Rollout goes on, so the
    /// rollout waits until a measurement fails: a good release is never
    /// promoted, and stays half-deployed until someone promotes it by hand.
    ///
    /// ## Example
    /// ```yaml
    /// kind: AnalysisTemplate
    /// metadata: {name: smoke}
    /// spec:
    ///   metrics:
    ///     - name: success-rate
    ///       interval: 1m          # used by `- analysis: {templates: [{templateName: smoke}]}`
    ///       successCondition: result[0] >= 0.99
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// kind: AnalysisTemplate
    /// metadata: {name: smoke}
    /// spec:
    ///   metrics:
    ///     - name: success-rate
    ///       interval: 1m
    ///       count: 5
    ///       successCondition: result[0] >= 0.99
    /// ```
    ///
    /// ## References
    /// - [Argo Rollouts: analysis](https://argo-rollouts.readthedocs.io/en/stable/features/analysis/)
    pub struct AnalysisMetricNeverCompletes {
        id: "analysis-metric-never-completes",
        severity: Warning,
        domains: [Gitops],
        summary: "Analysis metric without `count` runs forever in a step the rollout waits for",
        kind: Defect,
    }
}

/// True when a metric measures forever: an interval and no positive count.
fn runs_forever(metric: &Node) -> bool {
    let interval = metric.get("interval").and_then(Node::as_str).is_some_and(|i| !i.trim().is_empty());
    let count = metric.get("count");
    let unbounded = match count {
        None => true,
        Some(c) if c.is_null() => true,
        Some(_) => support::int_field(metric, "count") == Some(0),
    };
    interval && unbounded
}

/// The analysis templates a reference names, among those applied with the
/// Rollout (same kustomize build, or same folder); those of the Rollout's
/// own file when it holds one.
fn templates_named<'a>(set: &'a ObjectSet, rollout: &'a K8sObject, name: &'a str, cluster: bool) -> Vec<&'a K8sObject> {
    let kind = if cluster { "ClusterAnalysisTemplate" } else { "AnalysisTemplate" };
    let candidates: Box<dyn Iterator<Item = &K8sObject>> =
        if cluster { Box::new(set.objects.iter()) } else { Box::new(set.same_namespace(rollout)) };
    let named: Vec<&K8sObject> = candidates
        .filter(|o| support::is_argo(o, kind) && o.name.as_deref() == Some(name) && k8s::applied_together(o, rollout))
        .collect();
    if named.iter().any(|o| o.path == rollout.path) {
        named.into_iter().filter(|o| o.path == rollout.path).collect()
    } else {
        named
    }
}

impl Rule for AnalysisMetricNeverCompletes {
    fn check_objects(&self, set: &ObjectSet, report: &mut Reporter<'_>) {
        let mut reported = HashSet::new();
        for rollout in set.objects.iter().filter(|o| support::is_rollout(o)) {
            for reference in support::template_refs(rollout).iter().filter(|r| r.usage == AnalysisUse::Blocking) {
                let Some(name) = reference.name.as_str().filter(|n| !support::is_templated(n)) else { continue };
                for template in templates_named(set, rollout, name, reference.cluster) {
                    for metric in support::metrics(template).iter().filter(|m| runs_forever(m)) {
                        let span = metric.key_span("interval");
                        if !reported.insert((span.start, span.end)) {
                            continue;
                        }
                        report.report(
                            span,
                            format!(
                                "Metric `{}` of {} measures every {} with no `count`, so it never finishes, and \
                                 {} waits for it before going on; set `count`",
                                support::metric_name(metric),
                                template.display_name(),
                                metric.str_at(&["interval"]).unwrap_or("interval"),
                                rollout.display_name()
                            ),
                        );
                    }
                }
            }
        }
    }
}
