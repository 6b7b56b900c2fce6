use crate::context::K8sObject;
use crate::declare_rule;
use crate::k8s;
use crate::rule::{Reporter, Rule};

declare_rule! {
    /// ## What it does
    /// Flags an `env` entry of a container whose `name` an earlier entry of
    /// the same container already set, at the later one.
    ///
    /// ## Why is this bad?
    /// Only the last value takes effect, so the first one silently does
    /// nothing, and tools disagree about duplicates: `kubectl apply`'s
    /// strategic merge keys `env` by name and can drop or keep either entry
    /// when the manifest changes, so what runs differs from what is
    /// reviewed.
    ///
    /// ## Example
    /// ```yaml
    /// env:
    ///   - name: LOG_LEVEL
    ///     value: info
    ///   - name: LOG_LEVEL
    ///     value: debug
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// env:
    ///   - name: LOG_LEVEL
    ///     value: debug
    /// ```
    pub struct DuplicateEnvVar {
        id: "duplicate-env-var",
        severity: Warning,
        domains: [Kubernetes],
        summary: "Container sets the same env var twice",
        kind: Defect,
    }
}

impl Rule for DuplicateEnvVar {
    fn check_object(&self, object: &K8sObject, report: &mut Reporter<'_>) {
        let Some(template) = k8s::pod_template(object) else { return };
        for container in template.containers() {
            let mut seen: Vec<&str> = Vec::new();
            for item in container.node.get("env").map(|e| e.items()).unwrap_or(&[]) {
                let Some(name_node) = item.get("name") else { continue };
                let Some(name) = name_node.as_str() else { continue };
                if seen.contains(&name) {
                    report.report(
                        name_node.span,
                        format!(
                            "Env var `{name}` is set again in {}; only the last value applies, so remove one",
                            container.describe(object).replacen("Container", "container", 1)
                        ),
                    );
                } else {
                    seen.push(name);
                }
            }
        }
    }
}
