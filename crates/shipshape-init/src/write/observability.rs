//! Observability and secrets: ServiceMonitor (when the app exposes its own
//! metrics), PrometheusRule alerts, a Grafana dashboard (RED metrics per
//! version, from the ingress controller) and the ExternalSecret.

use std::collections::BTreeMap;

use serde_json::json;
use shipshape_models::k8s::{LabelSelector, Object, ObjectMeta, Spec};
use shipshape_models::monitoring::*;

use super::kustomize::{labels, HTTP_PORT_NAME};
use super::layout::{self, Env};
use super::rollouts::MAX_P95_SECONDS;
use super::{yaml, GeneratedFile};
use crate::plan::{Plan, ServicePlan, Strategy};

/// The ClusterSecretStore the platform provides (Vault, AWS/GCP/Azure secret managers…).
pub(crate) const SECRET_STORE: &str = "platform-secrets";

/// Scrapes the app's own metrics, only when its instrumentation was
/// detected: a ServiceMonitor on a path that does not exist only adds a
/// failing target.
pub(crate) fn service_monitor(_plan: &Plan, service: &ServicePlan) -> Option<String> {
    let metrics = service.metrics.as_ref()?;
    Some(yaml(&Object {
        api_version: "monitoring.coreos.com/v1",
        kind: "ServiceMonitor",
        metadata: ObjectMeta::named(&service.name, labels(service)),
        body: Spec {
            spec: ServiceMonitorSpec {
                selector: LabelSelector { match_labels: labels(service) },
                pod_target_labels: vec!["rollouts-pod-template-hash".into(), "pod-template-hash".into()],
                endpoints: vec![Endpoint {
                    port: HTTP_PORT_NAME.into(),
                    path: metrics.value.path.clone(),
                    interval: "30s".into(),
                }],
            },
        },
    }))
}

/// Share of 5xx answers above which the error alert fires.
pub(crate) const ALERT_ERROR_RATE: &str = "0.01";

fn alert(name: &str, expr: String, for_duration: &str, severity: &str, summary: String, runbook: &str) -> AlertRule {
    AlertRule {
        alert: name.into(),
        expr,
        for_duration: for_duration.into(),
        labels: BTreeMap::from([("severity".to_string(), severity.to_string())]),
        annotations: BTreeMap::from([
            ("summary".to_string(), summary),
            ("runbook_url".to_string(), format!("RUNBOOK.md#{runbook}")),
        ]),
    }
}

/// The alerts of a service. Request signals come from ingress-nginx (the
/// Ingress the kit writes), pod signals from kube-state-metrics, the
/// rollout's from Argo Rollouts: all exist without changing the app.
pub(crate) fn prometheus_rule(plan: &Plan, service: &ServicePlan) -> String {
    let name = &service.name;
    let requests = format!("ingress=\"{}\"", layout::ingress(service));
    let pods = format!("pod=~\"{name}-.*\", pod!~\"{}-.*\"", layout::migration_job(service));
    let mut rules = vec![
        alert(
            &format!("{}HighErrorRate", camel(name)),
            format!(
                "sum by (exported_namespace) (rate(nginx_ingress_controller_requests{{{requests}, status=~\"5..\"}}[5m])) / sum by (exported_namespace) (rate(nginx_ingress_controller_requests{{{requests}}}[5m])) > {ALERT_ERROR_RATE}"
            ),
            "5m",
            "critical",
            format!("{name}: more than 1% of requests fail in {{{{ $labels.exported_namespace }}}}"),
            "high-error-rate",
        ),
        alert(
            &format!("{}HighLatencyP95", camel(name)),
            format!("histogram_quantile(0.95, sum by (le, exported_namespace) (rate(nginx_ingress_controller_request_duration_seconds_bucket{{{requests}}}[5m]))) > {MAX_P95_SECONDS}"),
            "10m",
            "warning",
            format!("{name}: p95 latency above {MAX_P95_SECONDS}s in {{{{ $labels.exported_namespace }}}}"),
            "high-latency",
        ),
        alert(
            &format!("{}Restarting", camel(name)),
            format!("increase(kube_pod_container_status_restarts_total{{container=\"{name}\"}}[15m]) > 3"),
            "0m",
            "warning",
            format!("{name}: pod {{{{ $labels.pod }}}} restarted more than 3 times in 15 minutes"),
            "crash-looping",
        ),
        alert(
            &format!("{}ReplicasUnavailable", camel(name)),
            format!(
                "max by (namespace) (kube_horizontalpodautoscaler_status_desired_replicas{{horizontalpodautoscaler=\"{name}\"}}) - (sum by (namespace) (kube_pod_status_ready{{{pods}, condition=\"true\"}}) or max by (namespace) (kube_horizontalpodautoscaler_status_desired_replicas{{horizontalpodautoscaler=\"{name}\"}}) * 0) > 0"
            ),
            "10m",
            "warning",
            format!("{name}: fewer ready pods than wanted in {{{{ $labels.namespace }}}}"),
            "replicas-unavailable",
        ),
    ];
    // A worker serves no requests: its alerts are its pods'.
    if service.is_worker() {
        rules.drain(..2);
    }
    if plan.delivery.strategy.value != Strategy::Rolling {
        rules.push(alert(
            &format!("{}RolloutAborted", camel(name)),
            format!("max by (namespace) (rollout_info{{name=\"{name}\", phase=~\"Degraded|Aborted\"}}) > 0"),
            "1m",
            "critical",
            format!("{name}: the rollout in {{{{ $labels.namespace }}}} was aborted; the stable version still serves"),
            "rollout-aborted",
        ));
    }
    yaml(&Object {
        api_version: "monitoring.coreos.com/v1",
        kind: "PrometheusRule",
        metadata: ObjectMeta::named(name, labels(service)),
        body: Spec { spec: PrometheusRuleSpec { groups: vec![RuleGroup { name: format!("{name}.rules"), rules }] } },
    })
}

/// `web-api` → `WebApi`, for alert names.
pub(crate) fn camel(name: &str) -> String {
    name.split('-')
        .map(|part| {
            let mut chars = part.chars();
            chars.next().map_or(String::new(), |c| c.to_ascii_uppercase().to_string() + chars.as_str())
        })
        .collect()
}

pub(crate) fn external_secret(_plan: &Plan, service: &ServicePlan) -> String {
    yaml(&Object {
        api_version: "external-secrets.io/v1",
        kind: "ExternalSecret",
        metadata: ObjectMeta::named(layout::secret_name(service), labels(service)),
        body: Spec {
            spec: ExternalSecretSpec {
                refresh_interval: "1h".into(),
                secret_store_ref: SecretStoreRef { name: SECRET_STORE.into(), kind: "ClusterSecretStore".into() },
                target: ExternalSecretTarget { name: layout::secret_name(service), creation_policy: "Owner".into() },
                data: service
                    .secret_env
                    .iter()
                    .map(|s| ExternalSecretData {
                        secret_key: s.value.clone(),
                        remote_ref: RemoteRef { key: format!("{}/dev", service.name), property: s.value.clone() },
                    })
                    .collect(),
            },
        },
    })
}

/// Points every secret of an environment at that environment's entry in the store.
pub(crate) fn external_secret_env_patch(service: &ServicePlan, env: &Env) -> String {
    let mut out = String::new();
    for index in 0..service.secret_env.len() {
        out.push_str(&format!(
            "- op: replace\n  path: /spec/data/{index}/remoteRef/key\n  value: {}/{}\n",
            service.name, env.name
        ));
    }
    out
}

/// A Grafana timeseries panel, legend by `legend`, on a 2-wide grid.
fn panel(id: u32, title: &str, expr: String, unit: &str, legend: &str) -> serde_json::Value {
    json!({
        "id": id,
        "type": "timeseries",
        "title": title,
        "datasource": { "type": "prometheus", "uid": "${datasource}" },
        "gridPos": { "h": 8, "w": 12, "x": (id - 1) % 2 * 12, "y": (id - 1) / 2 * 8 },
        "fieldConfig": { "defaults": { "unit": unit }, "overrides": [] },
        "targets": [{ "refId": "A", "expr": expr, "legendFormat": legend }]
    })
}

/// A Grafana dashboard of a service: its namespace picked from the label
/// values of `namespaces` (a query), then `panels`.
fn dashboard_json(service: &ServicePlan, title: &str, namespaces: String, panels: Vec<serde_json::Value>) -> String {
    let name = &service.name;
    let dashboard = json!({
        "title": format!("{name}: {title}"),
        "uid": format!("shipshape-{name}"),
        "tags": ["shipshape", name],
        "timezone": "browser",
        "schemaVersion": 39,
        "refresh": "30s",
        "time": { "from": "now-3h", "to": "now" },
        "templating": { "list": [
            { "name": "datasource", "type": "datasource", "query": "prometheus" },
            { "name": "namespace", "type": "query", "datasource": { "type": "prometheus", "uid": "${datasource}" },
              "query": namespaces, "refresh": 2 }
        ]},
        "panels": panels
    });
    serde_json::to_string_pretty(&dashboard).unwrap_or_default() + "\n"
}

/// A Grafana dashboard: rate, errors and duration of the stable and the
/// canary traffic side by side, from the ingress controller; for a worker,
/// its pods.
pub(crate) fn dashboard(service: &ServicePlan) -> String {
    let name = &service.name;
    if service.is_worker() {
        let pods = format!("namespace=\"$namespace\", pod=~\"{name}-.*\"");
        let container = format!("{pods}, container=\"{name}\"");
        return dashboard_json(
            service,
            "worker pods",
            format!("label_values(kube_pod_container_status_restarts_total{{container=\"{name}\"}}, namespace)"),
            vec![
                panel(
                    1,
                    "Ready pods",
                    format!("sum(kube_pod_status_ready{{{pods}, condition=\"true\"}})"),
                    "short",
                    "",
                ),
                panel(
                    2,
                    "Restarts (15m)",
                    format!("sum by (pod) (increase(kube_pod_container_status_restarts_total{{{container}}}[15m]))"),
                    "short",
                    "{{pod}}",
                ),
                panel(
                    3,
                    "CPU (cores)",
                    format!("sum by (pod) (rate(container_cpu_usage_seconds_total{{{container}}}[2m]))"),
                    "short",
                    "{{pod}}",
                ),
                panel(
                    4,
                    "Memory (working set)",
                    format!("sum by (pod) (container_memory_working_set_bytes{{{container}}})"),
                    "bytes",
                    "{{pod}}",
                ),
            ],
        );
    }
    let by_version = "sum by (canary) ";
    let canary = "{{canary}}";
    let selector = format!("exported_namespace=\"$namespace\", ingress=\"{}\"", layout::ingress(service));
    let requests = "nginx_ingress_controller_requests";
    dashboard_json(
        service,
        "RED metrics, stable and canary",
        format!("label_values({requests}{{ingress=\"{}\"}}, exported_namespace)", layout::ingress(service)),
        vec![
            panel(1, "Requests per second (canary label empty: stable)", format!("{by_version}(rate({requests}{{{selector}}}[2m]))"), "reqps", canary),
            panel(2, "Error ratio (5xx)", format!("{by_version}(rate({requests}{{{selector}, status=~\"5..\"}}[2m])) / {by_version}(rate({requests}{{{selector}}}[2m]))"), "percentunit", canary),
            panel(3, "p95 latency", format!("histogram_quantile(0.95, sum by (le, canary) (rate(nginx_ingress_controller_request_duration_seconds_bucket{{{selector}}}[2m])))"), "s", canary),
            panel(4, "Ready pods", format!("sum by (namespace) (kube_pod_status_ready{{namespace=\"$namespace\", pod=~\"{name}-.*\", condition=\"true\"}})"), "short", canary),
        ],
    )
}

pub(crate) fn files(plan: &Plan, service: &ServicePlan) -> Vec<GeneratedFile> {
    vec![GeneratedFile {
        path: format!("{}/observability/{}-dashboard.json", layout::deploy_dir(plan, service), service.name),
        contents: dashboard(service),
    }]
}
