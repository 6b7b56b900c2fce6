use crate::context::K8sObject;
use crate::declare_rule;
use crate::k8s;
use crate::rule::{Reporter, Rule};

declare_rule! {
    /// ## What it does
    /// Flags a container whose `livenessProbe` is identical to its
    /// `readinessProbe` (same handler and same timings), at the liveness
    /// probe.
    ///
    /// It is advice (`info`): the same endpoint is fine when the liveness
    /// probe is more tolerant (a higher `failureThreshold` or
    /// `periodSeconds`), which this rule does not flag.
    ///
    /// ## Why is this bad?
    /// Readiness answers "should I get traffic now?", liveness "is the
    /// process beyond repair?". When both fail at the same moment, a pod
    /// that is only overloaded or waiting on a slow dependency is killed
    /// instead of being taken out of rotation, and under load the restarts
    /// cascade through every replica.
    ///
    /// ## Example
    /// ```yaml
    /// readinessProbe:
    ///   httpGet: {path: /healthz, port: http}
    /// livenessProbe:
    ///   httpGet: {path: /healthz, port: http}
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// readinessProbe:
    ///   httpGet: {path: /readyz, port: http}
    /// livenessProbe:
    ///   httpGet: {path: /livez, port: http}
    ///   failureThreshold: 6
    /// ```
    ///
    /// ## References
    /// - [kube-score: probes](https://github.com/zegl/kube-score/blob/master/README_PROBES.md)
    pub struct LivenessProbeSameAsReadiness {
        id: "liveness-probe-same-as-readiness",
        severity: Info,
        domains: [Kubernetes],
        summary: "Liveness probe is identical to the readiness probe",
    }
}

/// A probe with spans and scalar styles dropped, for comparison.
fn shape(node: &shipshape_yaml::Node) -> String {
    use shipshape_yaml::NodeKind;
    match &node.kind {
        NodeKind::Scalar(s) => s.value.clone(),
        NodeKind::Sequence(items) => format!("[{}]", items.iter().map(shape).collect::<Vec<_>>().join(",")),
        NodeKind::Mapping(_) => {
            let mut entries: Vec<String> = node
                .entries()
                .iter()
                .map(|e| format!("{}:{}", e.key.as_str().unwrap_or(""), shape(&e.value)))
                .collect();
            entries.sort();
            format!("{{{}}}", entries.join(","))
        }
    }
}

impl Rule for LivenessProbeSameAsReadiness {
    fn check_object(&self, object: &K8sObject, report: &mut Reporter<'_>) {
        let Some(template) = k8s::pod_template(object) else { return };
        for container in template.serving_containers() {
            let (Some(liveness), Some(readiness)) =
                (container.node.entry("livenessProbe"), container.node.get("readinessProbe"))
            else {
                continue;
            };
            if liveness.value.is_mapping() && shape(&liveness.value) == shape(readiness) {
                report.report(
                    liveness.key.span,
                    format!(
                        "{} has the same liveness and readiness probe, so an overloaded pod is restarted instead \
                         of rested; point liveness at a cheaper check or make it more tolerant",
                        container.describe(object)
                    ),
                );
            }
        }
    }
}
