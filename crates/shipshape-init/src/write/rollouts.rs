//! Progressive delivery: an Argo Rollouts `Rollout` (canary or blue-green)
//! and the `AnalysisTemplate` that aborts a bad release on its own.

use shipshape_models::argo::*;
use shipshape_models::k8s::{LabelSelector, Object, ObjectMeta, Spec};

use super::kustomize::{labels, pod_template};
use super::layout;
use super::yaml;
use crate::plan::{Plan, ServicePlan, Strategy};

/// Share of 5xx answers above which a canary fails, and the p95 latency above which it fails.
pub(crate) const MAX_ERROR_RATE: &str = "0.05";
pub(crate) const MAX_P95_SECONDS: &str = "0.5";
/// Measurements without data the analysis tolerates before it turns
/// Inconclusive (and the rollout pauses): one, for the first minute of a canary.
const INCONCLUSIVE_LIMIT: u32 = 1;

/// The analysis argument naming the new version's pods: the pod template
/// hash the ServiceMonitor copies onto the app's own metrics.
const NEW_VERSION_ARG: &str = "new-version-hash";

fn new_version_arg() -> AnalysisArg {
    AnalysisArg {
        name: NEW_VERSION_ARG.into(),
        value: None,
        value_from: Some(ArgValueFrom { field_ref: None, pod_template_hash_value: Some("Latest".into()) }),
    }
}

fn namespace_arg() -> AnalysisArg {
    AnalysisArg {
        name: "namespace".into(),
        value: None,
        value_from: Some(ArgValueFrom {
            field_ref: Some(FieldRef { field_path: "metadata.namespace".into() }),
            pod_template_hash_value: None,
        }),
    }
}

/// A worker's analysis: the new version's pods, by their template hash.
fn worker_analysis(service: &ServicePlan) -> RolloutAnalysis {
    RolloutAnalysis {
        templates: vec![AnalysisTemplateRef { template_name: layout::analysis_template(service) }],
        starting_step: Some(1),
        args: vec![namespace_arg(), new_version_arg()],
    }
}

fn analysis(service: &ServicePlan, ingress: &str, starting_step: Option<u32>) -> RolloutAnalysis {
    let mut args = vec![
        AnalysisArg { name: "ingress".into(), value: Some(ingress.to_string()), value_from: None },
        namespace_arg(),
    ];
    if app_request_metrics(service).is_some() {
        args.push(new_version_arg());
    }
    RolloutAnalysis {
        templates: vec![AnalysisTemplateRef { template_name: layout::analysis_template(service) }],
        starting_step,
        args,
    }
}

/// The request metrics an instrumentation library exports by default,
/// with no configuration in the app.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct AppRequestMetrics {
    /// A series counting every request (a counter, or a histogram's `_count`).
    pub requests: &'static str,
    /// The label matcher of server errors on that series.
    pub server_errors: &'static str,
    /// Request-duration histogram buckets, when exported by default.
    pub duration_buckets: Option<&'static str>,
}

/// By library name, as `ServicePlan.metrics` spells it. Libraries that
/// export no request metrics by default (prom-client, prometheus_client,
/// client_golang) have none: the analysis then reads the traffic layer only.
pub(crate) fn app_request_metrics(service: &ServicePlan) -> Option<AppRequestMetrics> {
    let metrics = |requests, server_errors, duration_buckets| {
        Some(AppRequestMetrics { requests, server_errors, duration_buckets })
    };
    match service.metrics.as_ref()?.value.library.as_str() {
        // Spring Boot's `http.server.requests` timer; its buckets need
        // `percentiles-histogram`, which is off by default.
        "micrometer-registry-prometheus" => metrics("http_server_requests_seconds_count", "status=~\"5..\"", None),
        // Status codes grouped as `5xx` by default; the high-resolution
        // histogram has no labels of its own.
        "prometheus-fastapi-instrumentator" => {
            metrics("http_requests_total", "status=\"5xx\"", Some("http_request_duration_highr_seconds_bucket"))
        }
        "express-prom-bundle" => metrics(
            "http_request_duration_seconds_count",
            "status_code=~\"5..\"",
            Some("http_request_duration_seconds_bucket"),
        ),
        "axum-prometheus" => metrics(
            "axum_http_requests_duration_seconds_count",
            "status=~\"5..\"",
            Some("axum_http_requests_duration_seconds_bucket"),
        ),
        _ => None,
    }
}

/// The app's own series of the new version's pods.
fn app_selector() -> String {
    format!("namespace=\"{{{{args.namespace}}}}\", rollouts_pod_template_hash=\"{{{{args.{NEW_VERSION_ARG}}}}}\"")
}

pub(crate) fn app_error_rate_query(metrics: &AppRequestMetrics, selector: &str) -> String {
    let (requests, errors) = (metrics.requests, metrics.server_errors);
    format!(
        "(sum(rate({requests}{{{selector}, {errors}}}[2m])) or vector(0)) / sum(rate({requests}{{{selector}}}[2m]))"
    )
}

pub(crate) fn app_p95_latency_query(buckets: &str, selector: &str) -> String {
    format!("histogram_quantile(0.95, sum by (le) (rate({buckets}{{{selector}}}[2m])))")
}

/// A canary by replicas: with no traffic to split, the share of pods
/// running the new version grows while the analysis watches them.
fn worker_canary(service: &ServicePlan) -> RolloutStrategy {
    RolloutStrategy {
        canary: Some(CanaryStrategy {
            canary_service: String::new(),
            stable_service: String::new(),
            max_surge: "25%".into(),
            max_unavailable: 0,
            traffic_routing: None,
            analysis: worker_analysis(service),
            steps: vec![
                CanaryStep::SetWeight(25),
                CanaryStep::Pause(Pause { duration: Some("5m".into()) }),
                CanaryStep::SetWeight(50),
                CanaryStep::Pause(Pause { duration: Some("5m".into()) }),
            ],
        }),
        blue_green: None,
    }
}

pub(crate) fn rollout(plan: &Plan, service: &ServicePlan) -> String {
    let strategy = match plan.delivery.strategy.value {
        // No Service to switch or split: a worker's canary is by replicas.
        _ if service.is_worker() => worker_canary(service),
        Strategy::BlueGreen => RolloutStrategy {
            canary: None,
            blue_green: Some(BlueGreenStrategy {
                active_service: service.name.clone(),
                preview_service: layout::preview_service(service),
                auto_promotion_enabled: false,
                scale_down_delay_seconds: 300,
                pre_promotion_analysis: analysis(service, &layout::preview_service(service), None),
                post_promotion_analysis: analysis(service, &layout::ingress(service), None),
            }),
        },
        _ => RolloutStrategy {
            canary: Some(CanaryStrategy {
                canary_service: layout::canary_service(service),
                stable_service: service.name.clone(),
                max_surge: "25%".into(),
                max_unavailable: 0,
                traffic_routing: Some(TrafficRouting {
                    nginx: NginxTrafficRouting { stable_ingress: layout::ingress(service) },
                }),
                analysis: analysis(service, &layout::ingress(service), Some(1)),
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
    let written = yaml(&Object {
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
    });
    super::kustomize::explain_worker_probes(service, written)
}

/// Requests the ingress controller served through `selector`: ingress-nginx
/// measures every request, so the app needs no instrumentation. Requests
/// sent to the canary carry its upstream in the `canary` label.
pub(crate) fn error_rate_query(selector: &str) -> String {
    format!(
        "(sum(rate(nginx_ingress_controller_requests{{{selector}, status=~\"5..\"}}[2m])) or vector(0)) / sum(rate(nginx_ingress_controller_requests{{{selector}}}[2m]))"
    )
}

pub(crate) fn p95_latency_query(selector: &str) -> String {
    format!(
        "histogram_quantile(0.95, sum by (le) (rate(nginx_ingress_controller_request_duration_seconds_bucket{{{selector}}}[2m])))"
    )
}

/// Passes only on a number at or under `limit`; fails only on a number
/// over it; no data (an empty vector or NaN) is neither: Inconclusive.
pub(crate) fn conditions(limit: &str) -> (String, String) {
    (
        format!("len(result) > 0 && !isNaN(result[0]) && result[0] <= {limit}"),
        format!("len(result) > 0 && !isNaN(result[0]) && result[0] > {limit}"),
    )
}

/// The label matchers of the traffic the analysis judges: the canary's
/// share of the stable Ingress, or all of the blue-green preview Ingress.
fn traffic_selector(plan: &Plan) -> &'static str {
    match plan.delivery.strategy.value {
        Strategy::BlueGreen => "exported_namespace=\"{{args.namespace}}\", ingress=\"{{args.ingress}}\"",
        _ => "exported_namespace=\"{{args.namespace}}\", ingress=\"{{args.ingress}}\", canary!=\"\"",
    }
}

/// Container restarts of the new version's pods, from kube-state-metrics:
/// a worker that crashes or is killed fails its canary.
pub(crate) fn restarts_query(service: &ServicePlan) -> String {
    format!(
        "sum(increase(kube_pod_container_status_restarts_total{{namespace=\"{{{{args.namespace}}}}\", pod=~\"{}-{{{{args.{NEW_VERSION_ARG}}}}}-.*\", container=\"{}\"}}[2m]))",
        service.name, service.name
    )
}

/// Restarts of the new version above which a worker's canary fails.
pub(crate) const MAX_RESTARTS: &str = "0";

pub(crate) fn analysis_template(plan: &Plan, service: &ServicePlan) -> String {
    let selector = traffic_selector(plan);
    let metric = |name: &str, query: String, limit: &str| {
        let (success_condition, failure_condition) = conditions(limit);
        Metric {
            name: name.into(),
            interval: "1m".into(),
            count: 5,
            failure_limit: 1,
            inconclusive_limit: INCONCLUSIVE_LIMIT,
            consecutive_error_limit: 2,
            success_condition,
            failure_condition,
            provider: MetricProvider { prometheus: PrometheusMetric { address: layout::PROMETHEUS_URL.into(), query } },
        }
    };
    let arg = |name: &str| AnalysisArg { name: name.into(), value: None, value_from: None };
    let (mut args, mut metrics) = if service.is_worker() {
        (vec![arg("namespace"), arg(NEW_VERSION_ARG)], vec![metric("restarts", restarts_query(service), MAX_RESTARTS)])
    } else {
        (
            vec![arg("ingress"), arg("namespace")],
            vec![
                metric("error-rate", error_rate_query(selector), MAX_ERROR_RATE),
                metric("latency-p95", p95_latency_query(selector), MAX_P95_SECONDS),
            ],
        )
    };
    // The app's own request metrics, when its library exports them.
    if let Some(app) = app_request_metrics(service).filter(|_| !service.is_worker()) {
        args.push(AnalysisArg { name: NEW_VERSION_ARG.into(), value: None, value_from: None });
        metrics.push(metric("app-error-rate", app_error_rate_query(&app, &app_selector()), MAX_ERROR_RATE));
        if let Some(buckets) = app.duration_buckets {
            metrics.push(metric("app-latency-p95", app_p95_latency_query(buckets, &app_selector()), MAX_P95_SECONDS));
        }
    }
    let written = yaml(&Object {
        api_version: "argoproj.io/v1alpha1",
        kind: "AnalysisTemplate",
        metadata: ObjectMeta::named(layout::analysis_template(service), labels(service)),
        body: Spec { spec: AnalysisTemplateSpec { args, metrics } },
    });
    layout::without_plain_http_literals(plan, written)
}

#[cfg(test)]
mod tests {
    use super::{conditions, MAX_ERROR_RATE, MAX_P95_SECONDS};

    /// A value of the expression subset the conditions use.
    #[derive(Debug, Clone, PartialEq)]
    enum Value {
        Number(f64),
        Bool(bool),
        List(Vec<f64>),
    }

    /// Evaluates an Argo Rollouts condition (expr language: `&&`, `||`,
    /// `!`, comparisons, `len`, `isNaN`, indexing) the way the controller
    /// does, `&&`/`||` short-circuiting, so `result[0]` on an empty result
    /// is never reached when guarded.
    struct Eval<'a> {
        tokens: Vec<String>,
        at: usize,
        result: &'a [f64],
    }

    fn tokenize(text: &str) -> Vec<String> {
        let mut tokens = Vec::new();
        let chars: Vec<char> = text.chars().collect();
        let mut i = 0;
        while i < chars.len() {
            let c = chars[i];
            if c.is_whitespace() {
                i += 1;
            } else if c.is_ascii_alphanumeric() || c == '.' || c == '_' {
                let start = i;
                while i < chars.len() && (chars[i].is_ascii_alphanumeric() || chars[i] == '.' || chars[i] == '_') {
                    i += 1;
                }
                tokens.push(chars[start..i].iter().collect());
            } else {
                let two: String = chars[i..(i + 2).min(chars.len())].iter().collect();
                if ["&&", "||", "<=", ">=", "==", "!="].contains(&two.as_str()) {
                    tokens.push(two);
                    i += 2;
                } else {
                    tokens.push(c.to_string());
                    i += 1;
                }
            }
        }
        tokens
    }

    impl Eval<'_> {
        fn peek(&self) -> Option<&str> {
            self.tokens.get(self.at).map(String::as_str)
        }
        fn next(&mut self) -> String {
            self.at += 1;
            self.tokens[self.at - 1].clone()
        }
        /// `live` false: parse without evaluating (the short-circuited side).
        fn or(&mut self, live: bool) -> Result<Value, String> {
            let mut left = self.and(live)?;
            while self.peek() == Some("||") {
                self.next();
                let taken = live && left == Value::Bool(true);
                let right = self.and(live && !taken)?;
                if live && !taken {
                    left = right;
                }
            }
            Ok(left)
        }
        fn and(&mut self, live: bool) -> Result<Value, String> {
            let mut left = self.comparison(live)?;
            while self.peek() == Some("&&") {
                self.next();
                let stop = live && left == Value::Bool(false);
                let right = self.comparison(live && !stop)?;
                if live && !stop {
                    left = right;
                }
            }
            Ok(left)
        }
        fn comparison(&mut self, live: bool) -> Result<Value, String> {
            let left = self.unary(live)?;
            let Some(op) = self.peek().filter(|op| ["<", ">", "<=", ">=", "==", "!="].contains(op)) else {
                return Ok(left);
            };
            let op = op.to_string();
            self.next();
            let right = self.unary(live)?;
            if !live {
                return Ok(Value::Bool(false));
            }
            let (Value::Number(a), Value::Number(b)) = (left, right) else { return Err("compare non-numbers".into()) };
            Ok(Value::Bool(match op.as_str() {
                "<" => a < b,
                ">" => a > b,
                "<=" => a <= b,
                ">=" => a >= b,
                "==" => a == b,
                _ => a != b,
            }))
        }
        fn unary(&mut self, live: bool) -> Result<Value, String> {
            if self.peek() == Some("!") {
                self.next();
                return match self.unary(live)? {
                    Value::Bool(b) => Ok(Value::Bool(!b)),
                    _ if !live => Ok(Value::Bool(false)),
                    other => Err(format!("! on {other:?}")),
                };
            }
            self.primary(live)
        }
        fn primary(&mut self, live: bool) -> Result<Value, String> {
            let token = self.next();
            let value = match token.as_str() {
                "(" => {
                    let inner = self.or(live)?;
                    self.next();
                    inner
                }
                "result" => Value::List(self.result.to_vec()),
                "len" | "isNaN" => {
                    self.next();
                    let argument = self.or(live)?;
                    self.next();
                    match (token.as_str(), argument) {
                        (_, _) if !live => Value::Bool(false),
                        ("len", Value::List(items)) => Value::Number(items.len() as f64),
                        ("isNaN", Value::Number(n)) => Value::Bool(n.is_nan()),
                        (name, other) => return Err(format!("{name}({other:?})")),
                    }
                }
                number => Value::Number(number.parse().map_err(|_| format!("unexpected `{number}`"))?),
            };
            if self.peek() == Some("[") {
                self.next();
                let index = self.or(live)?;
                self.next();
                if !live {
                    return Ok(Value::Number(0.0));
                }
                return match (value, index) {
                    (Value::List(items), Value::Number(i)) => items
                        .get(i as usize)
                        .map(|n| Value::Number(*n))
                        .ok_or_else(|| "index out of range: the controller reports an Error".to_string()),
                    other => Err(format!("index {other:?}")),
                };
            }
            Ok(value)
        }
    }

    fn holds(condition: &str, result: &[f64]) -> bool {
        let mut eval = Eval { tokens: tokenize(condition), at: 0, result };
        match eval.or(true) {
            Ok(Value::Bool(b)) => b,
            other => panic!("{condition} on {result:?}: {other:?}"),
        }
    }

    #[derive(Debug, PartialEq)]
    enum Phase {
        Successful,
        Failed,
        Inconclusive,
    }

    /// Argo Rollouts' `EvaluateResult`: failure wins, then success, else Inconclusive.
    fn phase(limit: &str, result: &[f64]) -> Phase {
        let (success, failure) = conditions(limit);
        if holds(&failure, result) {
            Phase::Failed
        } else if holds(&success, result) {
            Phase::Successful
        } else {
            Phase::Inconclusive
        }
    }

    #[test]
    fn no_data_is_inconclusive_never_successful() {
        for limit in [MAX_ERROR_RATE, MAX_P95_SECONDS] {
            assert_eq!(phase(limit, &[]), Phase::Inconclusive, "empty result, limit {limit}");
            assert_eq!(phase(limit, &[f64::NAN]), Phase::Inconclusive, "NaN, limit {limit}");
        }
    }

    #[test]
    fn numbers_pass_or_fail_on_the_limit() {
        assert_eq!(phase(MAX_ERROR_RATE, &[0.0]), Phase::Successful);
        assert_eq!(phase(MAX_ERROR_RATE, &[0.05]), Phase::Successful);
        assert_eq!(phase(MAX_ERROR_RATE, &[0.3]), Phase::Failed);
        assert_eq!(phase(MAX_P95_SECONDS, &[0.2]), Phase::Successful);
        assert_eq!(phase(MAX_P95_SECONDS, &[2.0]), Phase::Failed);
    }

    /// The plan of a small Express app.
    fn express_plan() -> crate::plan::Plan {
        let dir = tempfile::tempdir().expect("temp dir");
        std::fs::write(
            dir.path().join("package.json"),
            r#"{"name":"shop","scripts":{"start":"node server.js"},"dependencies":{"express":"4.19.2"}}"#,
        )
        .expect("write package.json");
        std::fs::write(dir.path().join("server.js"), "require('express')().listen(3000);\n").expect("write server.js");
        crate::make_plan(dir.path(), &crate::PlanOptions::default()).expect("a plan")
    }

    /// The AnalysisTemplate as written for a small app, fed no data.
    #[test]
    fn written_template_is_inconclusive_on_no_data() {
        let plan = express_plan();
        let written = super::analysis_template(&plan, &plan.services[0]);
        let template: serde_json::Value = serde_saphyr::from_str(&written).expect("the template is YAML");
        let metrics = template["spec"]["metrics"].as_array().cloned().unwrap_or_default();
        assert_eq!(metrics.len(), 2, "{written}");
        for metric in metrics {
            let success = metric["successCondition"].as_str().expect("successCondition");
            let failure = metric["failureCondition"].as_str().expect("failureCondition");
            for no_data in [&[][..], &[f64::NAN][..]] {
                assert!(!holds(success, no_data), "{success} holds on {no_data:?}");
                assert!(!holds(failure, no_data), "{failure} holds on {no_data:?}");
            }
            assert!(metric["inconclusiveLimit"].as_u64().is_some(), "{metric}");
            let query = metric["provider"]["prometheus"]["query"].as_str().unwrap_or_default();
            assert!(query.contains("nginx_ingress_controller_request"), "{query}");
        }
    }

    /// Each library's own request metrics, by the names it exports by default.
    #[test]
    fn app_metrics_use_the_names_each_library_exports() {
        let mut plan = express_plan();
        let with_library = |plan: &mut crate::plan::Plan, library: &str| {
            plan.services[0].metrics = Some(crate::plan::Detected::configured(crate::plan::AppMetrics {
                library: library.into(),
                path: "/metrics".into(),
            }));
            super::analysis_template(plan, &plan.services[0])
        };
        let cases = [
            ("micrometer-registry-prometheus", "http_server_requests_seconds_count{", "status=~\"5..\"", false),
            ("prometheus-fastapi-instrumentator", "http_requests_total{", "status=\"5xx\"", true),
            ("express-prom-bundle", "http_request_duration_seconds_count{", "status_code=~\"5..\"", true),
            ("axum-prometheus", "axum_http_requests_duration_seconds_count{", "status=~\"5..\"", true),
        ];
        for (library, series, errors, latency) in cases {
            let written = with_library(&mut plan, library);
            let template: serde_json::Value = serde_saphyr::from_str(&written).expect("YAML");
            let metrics = template["spec"]["metrics"].as_array().cloned().unwrap_or_default();
            let query = |name: &str| {
                metrics
                    .iter()
                    .find(|m| m["name"] == name)
                    .and_then(|m| m["provider"]["prometheus"]["query"].as_str().map(str::to_string))
            };
            let error_rate = query("app-error-rate").unwrap_or_default();
            assert!(error_rate.contains(series) && error_rate.contains(errors), "{library}: {error_rate}");
            assert!(error_rate.contains("rollouts_pod_template_hash=\"{{args.new-version-hash}}\""), "{error_rate}");
            assert_eq!(query("app-latency-p95").is_some(), latency, "{library}");
            let rollout = super::rollout(&plan, &plan.services[0]);
            assert!(rollout.contains("podTemplateHashValue: Latest"), "{rollout}");
        }
        for library in ["prom-client", "prometheus_client"] {
            let written = with_library(&mut plan, library);
            assert!(!written.contains("app-error-rate"), "{library} exports no request metrics by default: {written}");
        }
    }

    #[test]
    fn the_old_conditions_passed_on_no_data() {
        let old = "len(result) == 0 || isNaN(result[0]) || result[0] >= 0.99";
        assert!(holds(old, &[]), "the evaluator short-circuits like the controller");
    }
}
