use crate::context::K8sObject;
use crate::declare_rule;
use crate::k8s;
use crate::rule::{Reporter, Rule};

declare_rule! {
    /// ## What it does
    /// Flags the `port` of an `httpGet`, `tcpSocket` or `grpc` liveness,
    /// readiness or startup probe that the container does not declare: a
    /// port name that is not among the container's `ports[].name`, or a
    /// number that is not among its `containerPort`s when it declares some.
    ///
    /// ## Why is this bad?
    /// A named port the container does not declare cannot be resolved: the
    /// probe fails every time, so the pod never becomes ready or is
    /// restarted in a loop. A number that matches none of the declared
    /// ports usually means the ports were renumbered and the probe was
    /// forgotten; if the application really answers health checks on an
    /// undeclared admin port, declare that port too.
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
            let declared = container.ports();
            for probe_key in ["livenessProbe", "readinessProbe", "startupProbe"] {
                let Some(probe) = container.node.get(probe_key) else { continue };
                for handler in ["httpGet", "tcpSocket", "grpc"] {
                    let Some(port) = probe.path(&[handler, "port"]) else { continue };
                    let problem = if let Some(number) = port.as_i64() {
                        (!declared.is_empty() && !container.declares_port_number(number))
                            .then(|| format!("port {number}, which is not among its declared `containerPort`s"))
                    } else if let Some(name) = port.as_str() {
                        if let Ok(number) = name.parse::<i64>() {
                            (!declared.is_empty() && !container.declares_port_number(number))
                                .then(|| format!("port {number}, which is not among its declared `containerPort`s"))
                        } else if name.contains(['$', '{']) {
                            None
                        } else {
                            (!container.declares_port_name(name)).then(|| {
                                format!("port `{name}`, which it does not declare, so the probe can never succeed")
                            })
                        }
                    } else {
                        None
                    };
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
