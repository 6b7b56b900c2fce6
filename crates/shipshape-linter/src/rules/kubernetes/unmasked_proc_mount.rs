use crate::context::K8sObject;
use crate::declare_rule;
use crate::k8s;
use crate::rule::{Reporter, Rule};

declare_rule! {
    /// ## What it does
    /// Flags a container whose `securityContext.procMount` is `Unmasked`.
    ///
    /// ## Why is this bad?
    /// The runtime normally masks and makes read-only the sensitive parts
    /// of `/proc` (`/proc/kcore`, `/proc/sys`, `/proc/sysrq-trigger`, …).
    /// An unmasked `/proc` hands them to the container: kernel memory, and
    /// kernel settings that affect the whole node. Only nested container
    /// runtimes need it; the `baseline` Pod Security Standard forbids it.
    ///
    /// ## Example
    /// ```yaml
    /// securityContext:
    ///   procMount: Unmasked
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// securityContext:
    ///   procMount: Default
    /// ```
    pub struct UnmaskedProcMount {
        id: "unmasked-proc-mount",
        severity: Error,
        domains: [Kubernetes],
        summary: "Container mounts `/proc` unmasked",
    }
}

impl Rule for UnmaskedProcMount {
    fn check_object(&self, object: &K8sObject, report: &mut Reporter<'_>) {
        let Some(template) = k8s::pod_template(object) else { return };
        for container in template.containers() {
            let Some(node) = container.own_security_setting("procMount") else { continue };
            if node.as_str() == Some("Unmasked") {
                report.report(
                    node.span,
                    format!(
                        "{} mounts `/proc` unmasked, exposing kernel memory and settings; remove \
                         `procMount: Unmasked`",
                        container.describe(object)
                    ),
                );
            }
        }
    }
}
