//! A clean, well-hardened set of Kubernetes manifests (a kustomize base and
//! an overlay patch) must give no warning or error finding with every rule
//! that is on by default. Info findings are advice and are allowed.

use std::path::Path;

use shipshape_linter::{lint_sources, LintSettings, Severity};

#[test]
fn clean_manifests_have_no_warnings_or_errors() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/kubernetes-clean");
    let files = shipshape_testkit::read_tree(&root);
    assert!(files.len() >= 5, "the clean set is missing");
    let outcome = lint_sources(&LintSettings::new("clean"), files);
    let serious: Vec<String> = outcome
        .findings
        .iter()
        .filter(|f| f.severity >= Severity::Warning)
        .map(|f| format!("{}:{}: {} [{}] {}", f.path, f.line, f.severity, f.rule, f.message))
        .collect();
    assert!(serious.is_empty(), "clean manifests got findings:\n{}", serious.join("\n"));
}

/// Documents whose fields have unexpected shapes must not make any
/// Kubernetes rule panic.
#[test]
fn odd_shapes_do_not_panic() {
    let odd = r#"
apiVersion: apps/v1
kind: Deployment
metadata: [not, a, mapping]
spec:
  replicas: many
  selector: "app=web"
  strategy: {rollingUpdate: {maxUnavailable: "%"}}
  template:
    metadata: {labels: [a, b]}
    spec:
      securityContext: [runAsUser, 0]
      volumes: {hostPath: /}
      containers:
        - just-a-string
        - name: [list]
          image: {nested: map}
          ports: {containerPort: 80}
          env: "A=B"
          resources: {requests: {cpu: "1e400", memory: -5Gi}, limits: {cpu: "NaN", memory: ""}}
          securityContext: {capabilities: {add: ALL, drop: ALL}, runAsUser: -1}
          livenessProbe: {httpGet: {port: {name: http}}}
---
apiVersion: v1
kind: Service
metadata: {name: s}
spec: {selector: [x], ports: [1, {targetPort: [a]}]}
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: {name: p}
spec: {minAvailable: 1e9%, selector: {matchExpressions: [{key: a, operator: Bogus}]}}
---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: h}
spec: {scaleTargetRef: [Deployment], minReplicas: 9223372036854775807, maxReplicas: -9223372036854775808}
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: i, annotations: [x]}
spec: {tls: "yes", rules: [{http: {paths: [{backend: {service: {name: s, port: {number: "x"}}}}]}}]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: b}
roleRef: cluster-admin
subjects: default
---
apiVersion: v1
kind: Secret
metadata: {name: s}
data: {a: "====", b: [1], c: "%%%"}
stringData: [x]
---
apiVersion: argoproj.io/v1alpha1
kind: Rollout
metadata: {name: r}
spec: {replicas: 3, workloadRef: {name: r, kind: Rollout}}
"#;
    let mut settings = LintSettings::new("odd");
    let ids: Vec<&str> = shipshape_linter::registry::all().iter().map(|r| r.meta().id).collect();
    settings.select(&ids);
    let outcome = lint_sources(&settings, vec![("odd.yaml".to_string(), odd.to_string())]);
    assert!(outcome.files_scanned == 1);
}
