use crate::context::K8sObject;
use crate::declare_rule;
use crate::k8s;
use crate::rule::{Reporter, Rule};

declare_rule! {
    /// ## What it does
    /// Flags the `port` of an `httpGet`, `tcpSocket` or `grpc` liveness,
    /// readiness or startup probe that names a port the container does not
    /// declare among its `ports[].name`. A port number is not flagged: the
    /// kubelet probes it whether or not a `containerPort` declares it.
    ///
    /// ## Why is this bad?
    /// A named port the container does not declare cannot be resolved: the
    /// probe fails every time, so the pod never becomes ready or is
    /// restarted in a loop.
    ///
    /// ## Example
    /// ```yaml
    /// ports:
    ///   - name: http
    ///     containerPort: 8080
    /// readinessProbe:
    ///   httpGet:
    ///     path: /readyz
    ///     port: web
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// ports:
    ///   - name: http
    ///     containerPort: 8080
    /// readinessProbe:
    ///   httpGet:
    ///     path: /readyz
    ///     port: http
    /// ```
    pub struct ProbePortNotDeclared {
        id: "probe-port-not-declared",
        severity: Warning,
        domains: [Kubernetes],
        summary: "Probe targets a port the container does not declare",
        kind: Defect,
    }
}

impl Rule for ProbePortNotDeclared {
    fn check_object(&self, object: &K8sObject, report: &mut Reporter<'_>) {
        let Some(template) = k8s::pod_template(object).filter(|t| t.complete) else { return };
        for container in template.app_containers() {
            for probe_key in ["livenessProbe", "readinessProbe", "startupProbe"] {
                let Some(probe) = container.node.get(probe_key) else { continue };
                for handler in ["httpGet", "tcpSocket", "grpc"] {
                    let Some(port) = probe.path(&[handler, "port"]) else { continue };
                    // Numbers are probed whether declared or not; only a name needs a declaration.
                    let problem = port
                        .as_str()
                        .filter(|name| port.as_i64().is_none() && name.parse::<i64>().is_err())
                        .filter(|name| !name.contains(['$', '{']) && !container.declares_port_name(name))
                        .map(|name| {
                            format!("port `{name}`, which it does not declare, so the probe can never succeed")
                        });
                    if let Some(problem) = problem {
                        report.report(
                            port.span,
                            format!(
                                "{}: its {probe_key} targets {problem}; point it at a declared port",
                                container.describe(object)
                            ),
                        );
                    }
                }
            }
        }
    }
}
