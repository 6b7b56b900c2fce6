//! Progressive delivery: an Argo Rollouts `Rollout` (canary or blue-green)
//! and the `AnalysisTemplate` that aborts a bad release on its own.

use shipshape_models::argo::*;
use shipshape_models::k8s::{LabelSelector, Object, ObjectMeta, Spec};

use super::kustomize::{labels, pod_template};
use super::layout;
use super::yaml;
use crate::plan::{Plan, ServicePlan, Strategy};

/// Success rate below which a canary fails, and the p95 latency above which it fails.
pub(crate) const MIN_SUCCESS_RATE: &str = "0.99";
pub(crate) const MAX_P95_SECONDS: &str = "0.5";

fn analysis(service: &ServicePlan, service_arg: &str, starting_step: Option<u32>) -> RolloutAnalysis {
    RolloutAnalysis {
        templates: vec![AnalysisTemplateRef { template_name: layout::analysis_template(service) }],
        starting_step,
        args: vec![
            AnalysisArg { name: "service".into(), value: Some(service_arg.to_string()), value_from: None },
            AnalysisArg {
                name: "namespace".into(),
                value: None,
                value_from: Some(ArgValueFrom { field_ref: FieldRef { field_path: "metadata.namespace".into() } }),
            },
        ],
    }
}

pub(crate) fn rollout(plan: &Plan, service: &ServicePlan) -> String {
    let strategy = match plan.delivery.strategy.value {
        Strategy::BlueGreen => RolloutStrategy {
            canary: None,
            blue_green: Some(BlueGreenStrategy {
                active_service: service.name.clone(),
                preview_service: layout::preview_service(service),
                auto_promotion_enabled: false,
                scale_down_delay_seconds: 300,
                pre_promotion_analysis: analysis(service, &layout::preview_service(service), None),
                post_promotion_analysis: analysis(service, &service.name, None),
            }),
        },
        _ => RolloutStrategy {
            canary: Some(CanaryStrategy {
                canary_service: layout::canary_service(service),
                stable_service: service.name.clone(),
                max_surge: "25%".into(),
                max_unavailable: 0,
                analysis: analysis(service, &layout::canary_service(service), Some(1)),
                steps: vec![
                    CanaryStep::SetWeight(10),
                    CanaryStep::Pause(Pause { duration: Some("2m".into()) }),
                    CanaryStep::SetWeight(25),
                    CanaryStep::Pause(Pause { duration: Some("5m".into()) }),
                    CanaryStep::SetWeight(50),
                    CanaryStep::Pause(Pause { duration: Some("5m".into()) }),
                    CanaryStep::SetWeight(75),
                    CanaryStep::Pause(Pause { duration: Some("5m".into()) }),
                ],
            }),
            blue_green: None,
        },
    };
    yaml(&Object {
        api_version: "argoproj.io/v1alpha1",
        kind: "Rollout",
        metadata: ObjectMeta::named(&service.name, labels(service)),
        body: Spec {
            spec: RolloutSpec {
                replicas: None,
                revision_history_limit: 5,
                selector: LabelSelector { match_labels: labels(service) },
                template: pod_template(plan, service),
                strategy,
            },
        },
    })
}

/// The PromQL of the two health signals, per Service (RED metrics).
pub(crate) fn success_rate_query(service_selector: &str) -> String {
    format!(
        "(sum(rate(http_requests_total{{{service_selector}, code!~\"5..\"}}[2m])) or vector(0)) / (sum(rate(http_requests_total{{{service_selector}}}[2m])) > 0)"
    )
}

pub(crate) fn p95_latency_query(service_selector: &str) -> String {
    format!(
        "histogram_quantile(0.95, sum by (le) (rate(http_request_duration_seconds_bucket{{{service_selector}}}[2m])))"
    )
}

pub(crate) fn analysis_template(_plan: &Plan, service: &ServicePlan) -> String {
    let selector = "namespace=\"{{args.namespace}}\", service=\"{{args.service}}\"";
    let metric = |name: &str, query: String, success: String, failure: String| Metric {
        name: name.into(),
        interval: "1m".into(),
        count: 5,
        failure_limit: 1,
        success_condition: success,
        failure_condition: failure,
        provider: MetricProvider { prometheus: PrometheusMetric { address: layout::PROMETHEUS_URL.into(), query } },
    };
    yaml(&Object {
        api_version: "argoproj.io/v1alpha1",
        kind: "AnalysisTemplate",
        metadata: ObjectMeta::named(layout::analysis_template(service), labels(service)),
        body: Spec {
            spec: AnalysisTemplateSpec {
                args: vec![
                    AnalysisArg { name: "service".into(), value: None, value_from: None },
                    AnalysisArg { name: "namespace".into(), value: None, value_from: None },
                ],
                metrics: vec![
                    metric(
                        "success-rate",
                        success_rate_query(selector),
                        format!("len(result) == 0 || isNaN(result[0]) || result[0] >= {MIN_SUCCESS_RATE}"),
                        format!("len(result) > 0 && result[0] < {MIN_SUCCESS_RATE}"),
                    ),
                    metric(
                        "latency-p95",
                        p95_latency_query(selector),
                        format!("len(result) == 0 || isNaN(result[0]) || result[0] <= {MAX_P95_SECONDS}"),
                        format!("len(result) > 0 && result[0] > {MAX_P95_SECONDS}"),
                    ),
                ],
            },
        },
    })
}
