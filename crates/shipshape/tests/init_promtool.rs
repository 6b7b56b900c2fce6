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
    let Some(promtool) = promtool() else {
        assert!(std::env::var_os("CI").is_none(), "CI is set but promtool is missing (apt-get install -y prometheus)");
        eprintln!("skipped: promtool is not installed (apt-get install -y prometheus ships it)");
        return;
    };
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
