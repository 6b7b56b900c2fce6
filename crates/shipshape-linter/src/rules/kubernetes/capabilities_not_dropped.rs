use crate::context::K8sObject;
use crate::declare_rule;
use crate::k8s;
use crate::rule::{Reporter, Rule};

declare_rule! {
    /// ## What it does
    /// Flags a container whose `securityContext.capabilities.drop` does not
    /// list `ALL`. Privileged containers are left to `privileged-container`
    /// and Windows pods are skipped.
    ///
    /// ## Why is this bad?
    /// Container runtimes grant a default set of about fourteen
    /// capabilities (`NET_RAW`, `CHOWN`, `SETUID`, `DAC_OVERRIDE`, …) that
    /// almost no application uses and attackers do: `NET_RAW` alone allows
    /// spoofing traffic inside the pod network. Dropping `ALL` and adding
    /// back only what is needed (usually nothing, at most
    /// `NET_BIND_SERVICE`) is what the `restricted` Pod Security Standard
    /// requires.
    ///
    /// ## Example
    /// ```yaml
    /// securityContext:
    ///   capabilities:
    ///     drop: [NET_RAW]
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// securityContext:
    ///   capabilities:
    ///     drop: [ALL]
    /// ```
    ///
    /// ## References
    /// - [Pod Security Standards: restricted](https://kubernetes.io/docs/concepts/security/pod-security-standards/#restricted)
    pub struct CapabilitiesNotDropped {
        id: "capabilities-not-dropped",
        severity: Warning,
        domains: [Kubernetes],
        summary: "Container does not drop all capabilities",
    }
}

impl Rule for CapabilitiesNotDropped {
    fn check_object(&self, object: &K8sObject, report: &mut Reporter<'_>) {
        let Some(template) = k8s::pod_template(object) else { return };
        if template.is_windows() {
            return;
        }
        for container in template.app_containers() {
            if container.own_security_setting("privileged").and_then(|n| n.as_bool()) == Some(true) {
                continue;
            }
            let capabilities = container.own_security_setting("capabilities");
            let drop = capabilities.and_then(|c| c.entry("drop"));
            let Some(drop) = drop else {
                if !template.complete {
                    continue;
                }
                report.report(
                    container.report_span(),
                    format!(
                        "{} keeps the runtime's default capabilities; set `securityContext.capabilities.drop: [ALL]`",
                        container.describe(object)
                    ),
                );
                continue;
            };
            if drop.value.as_sequence().is_none() && !drop.value.is_null() {
                continue;
            }
            let names: Vec<String> =
                drop.value.items().iter().filter_map(|i| i.as_str()).map(|s| s.trim().to_ascii_uppercase()).collect();
            if names.iter().any(|n| n == "ALL" || n == "CAP_ALL" || n.contains(['$', '{'])) {
                continue;
            }
            report.report(
                drop.key.span,
                format!(
                    "{} drops some capabilities but not `ALL`; drop `ALL` and add back only what it needs",
                    container.describe(object)
                ),
            );
        }
    }
}
