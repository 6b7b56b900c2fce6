use shipshape_yaml::Node;

use super::support;
use crate::context::K8sObject;
use crate::declare_rule;
use crate::rule::{Reporter, Rule};

declare_rule! {
    /// ## What it does
    /// Flags an Argo Rollouts blue-green strategy that promotes the new
    /// version on its own (`autoPromotionEnabled` is not `false`; it
    /// defaults to `true`) without a `prePromotionAnalysis`.
    ///
    /// ## Why is this bad?
    /// The preview stack is switched to production traffic as soon as its
    /// pods are ready (or after `autoPromotionSeconds`), whether or not it
    /// works: readiness probes say a pod answers, not that the release is
    /// good. Blue-green is only safer than a rolling update when something
    /// checks the preview before the switch: an analysis on the preview
    /// Service, or a person (`autoPromotionEnabled: false`).
    ///
    /// ## Example
    /// ```yaml
    /// strategy:
    ///   blueGreen:
    ///     activeService: shop
    ///     previewService: shop-preview
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// strategy:
    ///   blueGreen:
    ///     activeService: shop
    ///     previewService: shop-preview
    ///     prePromotionAnalysis:
    ///       templates: [{templateName: smoke-tests}]
    ///       args: [{name: service, value: shop-preview}]
    /// ```
    ///
    /// ## References
    /// - [Argo Rollouts: blue-green](https://argo-rollouts.readthedocs.io/en/stable/features/bluegreen/)
    pub struct RolloutAutoPromotionWithoutAnalysis {
        id: "rollout-auto-promotion-without-analysis",
        severity: Warning,
        domains: [Gitops],
        summary: "Argo Rollouts blue-green promotes automatically with no pre-promotion analysis",
    }
}

impl Rule for RolloutAutoPromotionWithoutAnalysis {
    fn check_object(&self, object: &K8sObject, report: &mut Reporter<'_>) {
        if !support::is_rollout(object) || object.kustomize.patch {
            return;
        }
        let Some(strategy) = object.root.path(&["spec", "strategy"]) else { return };
        let Some(blue_green) = strategy.get("blueGreen").filter(|b| b.is_mapping()) else { return };
        let auto = blue_green.get("autoPromotionEnabled");
        if auto.and_then(Node::as_bool) == Some(false) || auto.and_then(Node::as_str).is_some_and(support::is_templated)
        {
            return;
        }
        let analysis = blue_green.get("prePromotionAnalysis");
        if analysis.is_some_and(|a| !a.get("templates").map(Node::items).unwrap_or(&[]).is_empty()) {
            return;
        }
        let span = auto.map_or_else(|| strategy.key_span("blueGreen"), |a| a.span);
        report.report(
            span,
            format!(
                "{} promotes the preview to production as soon as it is ready, with no pre-promotion analysis; \
                 add `prePromotionAnalysis` or set `autoPromotionEnabled: false`",
                object.display_name()
            ),
        );
    }
}
