//! Every alert of every PrometheusRule `init` writes for the example apps,
//! under `promtool test rules`: one case where it fires, one where it does
//! not. The rule groups are taken out of the PrometheusRule into a rules
//! file; the test files are generated here. Skipped with a message when
//! promtool is missing (Debian's `prometheus` package ships it), unless
//! `CI` is set.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::{json, Value};

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn promtool() -> Option<PathBuf> {
    let output = Command::new("sh").arg("-c").arg("command -v promtool").output().ok()?;
    let path = String::from_utf8_lossy(&output.stdout).trim().to_string();
    (!path.is_empty()).then(|| PathBuf::from(path))
}

/// promtool, or `None` with a message (a failure when `CI` is set).
fn promtool_or_skip() -> Option<PathBuf> {
    let found = promtool();
    if found.is_none() {
        assert!(std::env::var_os("CI").is_none(), "CI is set but promtool is missing (apt-get install -y prometheus)");
        eprintln!("skipped: promtool is not installed (apt-get install -y prometheus ships it)");
    }
    found
}

const NAMESPACE: &str = "shop-dev";

/// Input series where the alert must fire, where it must not, the time to
/// look, and the labels the alert carries (besides its rule labels).
struct Case {
    firing: Vec<(String, &'static str)>,
    quiet: Vec<(String, &'static str)>,
    eval_time: &'static str,
    labels: Vec<(&'static str, String)>,
}

/// The cases of an alert, by what its name ends with; `None` for an alert
/// this test does not know, which fails the test.
fn case(alert: &str, service: &str) -> Option<Case> {
    let ns = NAMESPACE;
    let requests = |status: &str| {
        format!("nginx_ingress_controller_requests{{ingress=\"{service}\", exported_namespace=\"{ns}\", status=\"{status}\"}}")
    };
    let bucket = |le: &str| {
        format!(
            "nginx_ingress_controller_request_duration_seconds_bucket{{ingress=\"{service}\", exported_namespace=\"{ns}\", le=\"{le}\"}}"
        )
    };
    let restarts = format!(
        "kube_pod_container_status_restarts_total{{namespace=\"{ns}\", pod=\"{service}-7d9f-x1\", container=\"{service}\"}}"
    );
    let desired = format!(
        "kube_horizontalpodautoscaler_status_desired_replicas{{namespace=\"{ns}\", horizontalpodautoscaler=\"{service}\"}}"
    );
    let ready =
        |pod: &str| format!("kube_pod_status_ready{{namespace=\"{ns}\", pod=\"{service}-{pod}\", condition=\"true\"}}");
    let rollout = |phase: &str| format!("rollout_info{{namespace=\"{ns}\", name=\"{service}\", phase=\"{phase}\"}}");
    let found = ["HighErrorRate", "HighLatencyP95", "Restarting", "ReplicasUnavailable", "RolloutAborted"]
        .into_iter()
        .find(|s| alert.ends_with(s))?;
    Some(match found {
        "HighErrorRate" => Case {
            firing: vec![(requests("200"), "0+100x40"), (requests("503"), "0+10x40")],
            quiet: vec![(requests("200"), "0+100x40"), (requests("503"), "0+0x40")],
            eval_time: "20m",
            labels: vec![("exported_namespace", ns.to_string())],
        },
        "HighLatencyP95" => Case {
            firing: vec![(bucket("0.1"), "0+1x40"), (bucket("1"), "0+2x40"), (bucket("+Inf"), "0+100x40")],
            quiet: vec![(bucket("0.1"), "0+100x40"), (bucket("1"), "0+100x40"), (bucket("+Inf"), "0+100x40")],
            eval_time: "30m",
            labels: vec![("exported_namespace", ns.to_string())],
        },
        "Restarting" => Case {
            firing: vec![(restarts.clone(), "0+1x30")],
            quiet: vec![(restarts, "0+0x30")],
            eval_time: "20m",
            labels: vec![
                ("container", service.to_string()),
                ("namespace", ns.to_string()),
                ("pod", format!("{service}-7d9f-x1")),
            ],
        },
        // 3 wanted and 1 ready for 20 minutes; the migration Job's pod never counts.
        "ReplicasUnavailable" => Case {
            firing: vec![
                (desired.clone(), "3x30"),
                (ready("7d9f-x1"), "1x30"),
                (ready("7d9f-x2"), "0x30"),
                (ready("migrate-x3"), "1x30"),
            ],
            quiet: vec![
                (desired, "3x30"),
                (ready("7d9f-x1"), "1x30"),
                (ready("7d9f-x2"), "1x30"),
                (ready("7d9f-x3"), "1x30"),
            ],
            eval_time: "20m",
            labels: vec![("namespace", ns.to_string())],
        },
        "RolloutAborted" => Case {
            firing: vec![(rollout("Degraded"), "1x10")],
            quiet: vec![(rollout("Healthy"), "1x10")],
            eval_time: "5m",
            labels: vec![("namespace", ns.to_string())],
        },
        _ => return None,
    })
}

/// `{{ $labels.x }}` in an annotation, filled in as Prometheus would.
fn expand(text: &str, labels: &[(&str, String)]) -> String {
    labels
        .iter()
        .fold(text.to_string(), |text, (name, value)| text.replace(&format!("{{{{ $labels.{name} }}}}"), value))
}

fn series(list: &[(String, &str)]) -> Value {
    Value::Array(list.iter().map(|(s, v)| json!({ "series": s, "values": v })).collect())
}

/// The promtool test file of one alert: the firing case, then the quiet one.
fn test_file(rule: &Value, case: &Case) -> Value {
    let alert = rule["alert"].as_str().unwrap_or_default();
    let mut labels: serde_json::Map<String, Value> =
        case.labels.iter().map(|(k, v)| ((*k).to_string(), json!(v))).collect();
    if let Some(rule_labels) = rule["labels"].as_object() {
        labels.extend(rule_labels.clone());
    }
    let annotations: serde_json::Map<String, Value> = rule["annotations"]
        .as_object()
        .map(|a| {
            a.iter().map(|(k, v)| (k.clone(), json!(expand(v.as_str().unwrap_or_default(), &case.labels)))).collect()
        })
        .unwrap_or_default();
    json!({
        "rule_files": ["rules.json"],
        "evaluation_interval": "1m",
        "tests": [
            {
                "interval": "1m",
                "input_series": series(&case.firing),
                "alert_rule_test": [{
                    "eval_time": case.eval_time,
                    "alertname": alert,
                    "exp_alerts": [{ "exp_labels": labels, "exp_annotations": annotations }]
                }]
            },
            {
                "interval": "1m",
                "input_series": series(&case.quiet),
                "alert_rule_test": [{ "eval_time": case.eval_time, "alertname": alert, "exp_alerts": [] }]
            }
        ]
    })
}

#[test]
fn every_alert_fires_and_stays_quiet_under_promtool() {
    let Some(promtool) = promtool_or_skip() else { return };
    let mut failures = Vec::new();
    let mut tested = 0;
    for app in shipshape_testkit::example_apps(&repo_root().join("examples")) {
        for strategy in ["canary", "rolling"] {
            let dir = tempfile::tempdir().expect("temp dir");
            shipshape_testkit::materialize(&app, dir.path()).expect("copy the app");
            let output = Command::new(env!("CARGO_BIN_EXE_shipshape"))
                .args(["init", ".", "--strategy", strategy])
                .current_dir(dir.path())
                .output()
                .expect("runs");
            assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
            let rule_files: Vec<PathBuf> = shipshape_testkit::files_under(dir.path())
                .into_iter()
                .filter(|p| p.file_name().is_some_and(|n| n == "prometheusrule.yaml"))
                .collect();
            assert!(!rule_files.is_empty(), "{}: no PrometheusRule written", app.display());
            for file in rule_files {
                let text = std::fs::read_to_string(&file).expect("read");
                let rule: Value = serde_saphyr::from_str(&text).expect("YAML");
                let service = rule["metadata"]["name"].as_str().unwrap_or_default().to_string();
                let groups = rule["spec"]["groups"].clone();
                let work = tempfile::tempdir().expect("temp dir");
                std::fs::write(work.path().join("rules.json"), json!({ "groups": groups }).to_string())
                    .expect("write rules");
                let label = format!("{}/{strategy}", app.file_name().unwrap_or_default().to_string_lossy());
                let check =
                    Command::new(&promtool).args(["check", "rules", "rules.json"]).current_dir(work.path()).output();
                if let Ok(out) = &check {
                    if !out.status.success() {
                        failures
                            .push(format!("{label}: promtool check rules: {}", String::from_utf8_lossy(&out.stdout)));
                        continue;
                    }
                }
                for rule in groups
                    .as_array()
                    .into_iter()
                    .flatten()
                    .flat_map(|g| g["rules"].as_array().cloned().unwrap_or_default())
                {
                    let alert = rule["alert"].as_str().unwrap_or_default().to_string();
                    let Some(case) = case(&alert, &service) else {
                        failures.push(format!("{label}: no promtool case for alert {alert}"));
                        continue;
                    };
                    let test = work.path().join(format!("{alert}.test.json"));
                    std::fs::write(&test, test_file(&rule, &case).to_string()).expect("write test");
                    let out = Command::new(&promtool)
                        .args(["test", "rules", &test.to_string_lossy()])
                        .current_dir(work.path())
                        .output()
                        .expect("promtool runs");
                    tested += 1;
                    if !out.status.success() {
                        failures.push(format!(
                            "{label}: {alert}:\n{}{}",
                            String::from_utf8_lossy(&out.stdout),
                            String::from_utf8_lossy(&out.stderr)
                        ));
                    }
                }
            }
        }
    }
    eprintln!("promtool: {tested} alerts tested, each firing and quiet");
    assert!(failures.is_empty(), "promtool:\n{}", failures.join("\n"));
}

/// Small apps whose instrumentation library exports request metrics by
/// default, and one without (the traffic layer's metrics only).
fn instrumented_apps() -> Vec<(&'static str, tempfile::TempDir)> {
    let express = tempfile::tempdir().expect("temp dir");
    shipshape_testkit::write_tree(
        express.path(),
        &[
            (
                "package.json",
                r#"{"name":"shop","scripts":{"start":"node server.js"},"dependencies":{"express":"4.19.2","express-prom-bundle":"7.0.0","prom-client":"15.1.0"}}"#,
            ),
            (
                "server.js",
                "const express = require('express');\nconst promBundle = require('express-prom-bundle');\nconst app = express();\napp.use(promBundle({ includeMethod: true }));\napp.get('/healthz', (req, res) => res.send('ok'));\napp.listen(3000);\n",
            ),
        ],
    );
    let fastapi = tempfile::tempdir().expect("temp dir");
    shipshape_testkit::write_tree(
        fastapi.path(),
        &[
            ("requirements.txt", "fastapi==0.115.0\nuvicorn==0.30.0\nprometheus-fastapi-instrumentator==7.0.0\n"),
            (
                "main.py",
                "from fastapi import FastAPI\nfrom prometheus_fastapi_instrumentator import Instrumentator\n\napp = FastAPI()\nInstrumentator().instrument(app).expose(app)\n\n\n@app.get(\"/healthz\")\ndef health():\n    return {\"ok\": True}\n",
            ),
        ],
    );
    let axum = tempfile::tempdir().expect("temp dir");
    shipshape_testkit::write_tree(
        axum.path(),
        &[
            (
                "Cargo.toml",
                "[package]\nname = \"shop\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[dependencies]\naxum = \"0.7\"\naxum-prometheus = \"0.7\"\ntokio = { version = \"1\", features = [\"full\"] }\n",
            ),
            (
                "src/main.rs",
                "use axum::{routing::get, Router};\nuse axum_prometheus::PrometheusMetricLayer;\n\n#[tokio::main]\nasync fn main() {\n    let (layer, handle) = PrometheusMetricLayer::pair();\n    let app = Router::new()\n        .route(\"/healthz\", get(|| async { \"ok\" }))\n        .route(\"/metrics\", get(|| async move { handle.render() }))\n        .layer(layer);\n    let listener = tokio::net::TcpListener::bind(\"0.0.0.0:8080\").await.unwrap();\n    axum::serve(listener, app).await.unwrap();\n}\n",
            ),
        ],
    );
    let plain = tempfile::tempdir().expect("temp dir");
    shipshape_testkit::materialize(&repo_root().join("examples/node-express"), plain.path()).expect("copy the app");
    vec![
        ("express-prom-bundle", express),
        ("prometheus-fastapi-instrumentator", fastapi),
        ("axum-prometheus", axum),
        ("ingress only", plain),
    ]
}

/// A series for each `name{matchers}` of a query: `=` as written, `=~"5.."`
/// as `503`, `!=""` as a value; with the 5xx matcher turned into a success
/// when `success` is set.
fn series_of_query(query: &str, success: bool) -> Vec<String> {
    let term = regex::Regex::new(r"([a-zA-Z_:][a-zA-Z0-9_:]*)\{([^}]*)\}").expect("regex");
    let matcher = regex::Regex::new(r#"([a-zA-Z_]+)\s*(=~|!=|!~|=)\s*"([^"]*)""#).expect("regex");
    let mut out = Vec::new();
    for caps in term.captures_iter(query) {
        let mut labels = Vec::new();
        let mut errors = false;
        for m in matcher.captures_iter(&caps[2]) {
            let (name, op, value) = (&m[1], &m[2], &m[3]);
            let value = match (op, value) {
                ("=", "5xx") | ("=~", "5..") => {
                    errors = true;
                    if success {
                        if value == "5xx" {
                            "2xx"
                        } else {
                            "200"
                        }
                    } else if value == "5xx" {
                        "5xx"
                    } else {
                        "503"
                    }
                }
                ("=", v) => v,
                ("!=", _) => "upstream-canary",
                _ => continue,
            };
            labels.push(format!("{name}=\"{value}\""));
        }
        if errors || !query.contains("5") || caps[1].ends_with("_bucket") {
            out.push(format!("{}{{{}}}", &caps[1], labels.join(", ")));
        }
    }
    out.sort();
    out.dedup();
    out
}

/// Input series: counters growing by 10 a minute; histograms all fast
/// (`le` 0.1) when `healthy`, all slow (beyond every bound) when not.
fn input_series(query: &str, healthy: bool) -> Value {
    let mut list = Vec::new();
    for series in series_of_query(query, healthy) {
        if let Some(name) = series.strip_suffix('}').and_then(|s| s.split_once("_bucket{")) {
            for le in ["0.1", "1", "+Inf"] {
                let fast = healthy || le == "+Inf";
                list.push(json!({ "series": format!("{}_bucket{{{}, le=\"{le}\"}}", name.0, name.1), "values": if fast { "0+10x20" } else { "0x20" } }));
            }
        } else {
            list.push(json!({ "series": series, "values": "0+10x20" }));
        }
    }
    Value::Array(list)
}

/// A promtool test of an analysis query: empty without data, over `limit`
/// on the `broken` series, not over it on the `healthy` ones.
fn analysis_test(query: &str, limit: &str, broken: Value, healthy: Value) -> Value {
    let judged = format!("({query}) > bool {limit}");
    json!({
        "rule_files": [],
        "evaluation_interval": "1m",
        "tests": [
            { "interval": "1m", "input_series": [], "promql_expr_test": [{ "expr": query, "eval_time": "10m", "exp_samples": [] }] },
            { "interval": "1m", "input_series": broken, "promql_expr_test": [{ "expr": judged, "eval_time": "10m", "exp_samples": [{ "labels": "{}", "value": 1 }] }] },
            { "interval": "1m", "input_series": healthy, "promql_expr_test": [{ "expr": judged, "eval_time": "10m", "exp_samples": [{ "labels": "{}", "value": 0 }] }] }
        ]
    })
}

/// Runs `init` in `dir`; the AnalysisTemplate it wrote, as text and parsed.
fn analysis_template_of(dir: &Path, what: &str) -> (String, Value) {
    let output =
        Command::new(env!("CARGO_BIN_EXE_shipshape")).args(["init", "."]).current_dir(dir).output().expect("runs");
    assert!(output.status.success(), "{what}: {}", String::from_utf8_lossy(&output.stderr));
    let text = std::fs::read_to_string(dir.join("deploy/base/analysistemplate.yaml")).expect("template");
    let template: Value = serde_saphyr::from_str(&text).expect("YAML");
    (text, template)
}

/// Every metric of every AnalysisTemplate, under `promtool test rules`:
/// no data gives an empty result (which the conditions call neither
/// success nor failure: Inconclusive), a broken version crosses the
/// limit, a healthy one does not.
#[test]
fn every_analysis_metric_is_inconclusive_without_data_under_promtool() {
    let Some(promtool) = promtool_or_skip() else { return };
    let mut failures = Vec::new();
    let mut app_metrics = 0;
    for (what, dir) in instrumented_apps() {
        let (text, template) = analysis_template_of(dir.path(), what);
        let metrics = template["spec"]["metrics"].as_array().cloned().unwrap_or_default();
        let own: Vec<&Value> =
            metrics.iter().filter(|m| m["name"].as_str().is_some_and(|n| n.starts_with("app-"))).collect();
        assert_eq!(own.is_empty(), what == "ingress only", "{what}: {text}");
        app_metrics += own.len();
        for metric in &metrics {
            let name = metric["name"].as_str().unwrap_or_default();
            let failure = metric["failureCondition"].as_str().unwrap_or_default();
            let success = metric["successCondition"].as_str().unwrap_or_default();
            let guard = "len(result) > 0 && !isNaN(result[0]) && result[0] ";
            assert!(success.starts_with(guard) && failure.starts_with(guard), "{what} {name}: {success} / {failure}");
            assert!(metric["inconclusiveLimit"].as_u64().is_some(), "{what} {name}");
            let limit = failure.rsplit('>').next().unwrap_or_default().trim().to_string();
            let query = metric["provider"]["prometheus"]["query"]
                .as_str()
                .unwrap_or_default()
                .replace("{{args.namespace}}", NAMESPACE)
                .replace("{{args.ingress}}", "shop")
                .replace("{{args.new-version-hash}}", "6c9f8d7b5");
            let test = analysis_test(&query, &limit, input_series(&query, false), input_series(&query, true));
            let work = tempfile::tempdir().expect("temp dir");
            std::fs::write(work.path().join("analysis.test.json"), test.to_string()).expect("write test");
            let out = Command::new(&promtool)
                .args(["test", "rules", "analysis.test.json"])
                .current_dir(work.path())
                .output()
                .expect("promtool runs");
            if !out.status.success() {
                failures.push(format!(
                    "{what} {name}: {query}\n{}{}",
                    String::from_utf8_lossy(&out.stdout),
                    String::from_utf8_lossy(&out.stderr)
                ));
            }
        }
    }
    assert!(app_metrics >= 5, "the instrumented apps' own metrics are in their analysis");
    assert!(failures.is_empty(), "promtool:\n{}", failures.join("\n"));
}

/// A worker's analysis under promtool: no data is an empty result
/// (Inconclusive), a restart of the new version's pods crosses the limit,
/// pods that keep running do not, and the old version's restarts are not
/// counted.
#[test]
fn worker_restarts_fail_its_canary_under_promtool() {
    let Some(promtool) = promtool_or_skip() else { return };
    let dir = tempfile::tempdir().expect("temp dir");
    shipshape_testkit::materialize(&repo_root().join("examples/python-worker"), dir.path()).expect("copy the app");
    let (text, template) = analysis_template_of(dir.path(), "python-worker");
    let metric = &template["spec"]["metrics"][0];
    assert_eq!(metric["name"], "restarts", "{text}");
    let limit = metric["failureCondition"].as_str().unwrap_or_default().rsplit('>').next().unwrap_or_default().trim();
    let query = metric["provider"]["prometheus"]["query"]
        .as_str()
        .unwrap_or_default()
        .replace("{{args.namespace}}", NAMESPACE)
        .replace("{{args.new-version-hash}}", "6c9f8d7b5");
    let name = template["metadata"]["labels"]["app.kubernetes.io/name"].as_str().unwrap_or_default().to_string();
    let restarts = |hash: &str, values: &str| json!({ "series": format!("kube_pod_container_status_restarts_total{{namespace=\"{NAMESPACE}\", pod=\"{name}-{hash}-x1\", container=\"{name}\"}}"), "values": values });
    let broken = json!([restarts("6c9f8d7b5", "0 0 0 0 0 0 0 0 1 1 2")]);
    let healthy = json!([restarts("6c9f8d7b5", "0x10"), restarts("5b8e7c6a4", "0 1 2 3 4 5 6 7 8 9 10")]);
    let test = analysis_test(&query, limit, broken, healthy);
    std::fs::write(dir.path().join("worker.test.json"), test.to_string()).expect("write test");
    let out = Command::new(&promtool)
        .args(["test", "rules", "worker.test.json"])
        .current_dir(dir.path())
        .output()
        .expect("promtool runs");
    assert!(
        out.status.success(),
        "{query}\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}
