//! Services that listen on no port (queue consumers, load generators): no
//! Service, Ingress, probes or HEALTHCHECK, a canary by replicas judged on
//! restarts; a real server in any stack is never taken for one.

use shipshape_init::plan::{Plan, Strategy};
use shipshape_init::{make_plan, write, PlanOptions};

fn plan_of(files: &[(&str, &str)]) -> Plan {
    let dir = tempfile::tempdir().expect("temp dir");
    shipshape_testkit::write_tree(dir.path(), files);
    make_plan(dir.path(), &PlanOptions::default()).expect("a plan")
}

fn file(plan: &Plan, suffix: &str) -> Option<String> {
    write::kit(plan).into_iter().find(|f| f.path.ends_with(suffix)).map(|f| f.contents)
}

const RUST_LOAD_GENERATOR: &[(&str, &str)] = &[
    (
        "Cargo.toml",
        "[package]\nname = \"virtual-customer\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[dependencies]\nreqwest = { version = \"0.12\", features = [\"blocking\"] }\n",
    ),
    (
        "src/main.rs",
        "use std::{env, thread, time::Duration};\n\nfn main() {\n    let url = env::var(\"ORDER_SERVICE_URL\").unwrap_or_else(|_| \"http://localhost:3000\".to_string());\n    let client = reqwest::blocking::Client::new();\n    loop {\n        let _ = client.post(url.clone()).body(\"{}\").send();\n        thread::sleep(Duration::from_secs(60));\n    }\n}\n",
    ),
];

const NODE_CONSUMER: &[(&str, &str)] = &[
    (
        "package.json",
        r#"{"name":"mailer","scripts":{"start":"node worker.js"},"dependencies":{"amqplib":"0.10.4"}}"#,
    ),
    (
        "worker.js",
        "const amqp = require('amqplib');\nasync function main() {\n  const connection = await amqp.connect(process.env.AMQP_URL);\n  const channel = await connection.createChannel();\n  channel.consume('mail', (message) => channel.ack(message));\n}\nmain();\n",
    ),
];

#[test]
fn a_load_generator_and_a_queue_consumer_are_workers() {
    for app in [RUST_LOAD_GENERATOR, NODE_CONSUMER] {
        let plan = plan_of(app);
        let service = &plan.services[0];
        assert!(service.is_worker(), "{:?}", service.name);
        let kit = write::kit(&plan);
        let paths: Vec<&str> = kit.iter().map(|f| f.path.as_str()).collect();
        assert!(!paths.iter().any(|p| p.ends_with("service.yaml") || p.ends_with("ingress.yaml")), "{paths:?}");
        let rollout = file(&plan, "base/rollout.yaml").expect("a Rollout");
        for absent in ["containerPort", "Probe:", "trafficRouting", "canaryService", "stableService"] {
            assert!(!rollout.contains(absent), "{absent} in {rollout}");
        }
        assert!(rollout.contains("setWeight: 25") && rollout.contains("ignore[missing-liveness-probe]"), "{rollout}");
        let analysis = file(&plan, "base/analysistemplate.yaml").expect("an AnalysisTemplate");
        assert!(analysis.contains("kube_pod_container_status_restarts_total"), "{analysis}");
        assert!(!analysis.contains("nginx_ingress_controller"), "{analysis}");
        let dockerfile = file(&plan, "Dockerfile").expect("a Dockerfile");
        assert!(dockerfile.contains("HEALTHCHECK NONE") && !dockerfile.contains("EXPOSE"), "{dockerfile}");
        let overlay = file(&plan, "overlays/prod/kustomization.yaml").expect("an overlay");
        assert!(!overlay.contains("Ingress"), "{overlay}");
        let rules = file(&plan, "base/prometheusrule.yaml").expect("a PrometheusRule");
        assert!(!rules.contains("nginx_ingress_controller"), "{rules}");
        let docs = file(&plan, "DEPLOYMENT.md").expect("DEPLOYMENT.md");
        assert!(docs.contains("is a worker") && docs.contains("none: a worker"), "{docs}");
        let workflow = file(&plan, &format!("{}.yml", service.name)).expect("a workflow");
        assert!(workflow.contains("Check that the new pods stay up") && !workflow.contains("HEALTH_PATH"));
    }
}

#[test]
fn a_worker_under_rolling_gets_a_deployment_without_probes() {
    let mut plan = plan_of(RUST_LOAD_GENERATOR);
    plan.delivery.strategy.value = Strategy::Rolling;
    let deployment = file(&plan, "base/deployment.yaml").expect("a Deployment");
    assert!(!deployment.contains("Probe:") && !deployment.contains("containerPort"), "{deployment}");
    let configmap = file(&plan, "base/configmap.yaml").expect("a ConfigMap");
    assert!(!configmap.contains("PORT"), "{configmap}");
}

#[test]
fn servers_without_a_known_framework_are_not_workers() {
    let servers: &[&[(&str, &str)]] = &[
        &[
            ("package.json", r#"{"name":"plain","scripts":{"start":"node server.js"}}"#),
            ("server.js", "require('http').createServer((q, s) => s.end('ok')).listen(process.env.PORT);\n"),
        ],
        &[
            ("requirements.txt", "\n"),
            ("main.py", "from http.server import HTTPServer, BaseHTTPRequestHandler\nHTTPServer(('', 8000), BaseHTTPRequestHandler).serve_forever()\n"),
        ],
        &[
            ("Cargo.toml", "[package]\nname = \"raw\"\nversion = \"0.1.0\"\nedition = \"2021\"\n"),
            ("src/main.rs", "use std::net::TcpListener;\nfn main() {\n    let listener = TcpListener::bind(std::env::var(\"ADDR\").unwrap_or_default()).unwrap();\n    for _ in listener.incoming() {}\n}\n"),
        ],
    ];
    for app in servers {
        let plan = plan_of(app);
        assert!(!plan.services[0].is_worker(), "{app:?}");
        assert!(file(&plan, "base/service.yaml").is_some(), "{app:?}");
    }
}
