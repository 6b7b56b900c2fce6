use crate::context::K8sObject;
use crate::declare_rule;
use crate::k8s;
use crate::rule::{Reporter, Rule};

declare_rule! {
    /// ## What it does
    /// Flags a capability in `securityContext.capabilities.add` that breaks
    /// the container's isolation from the node: `ALL`, `SYS_ADMIN`,
    /// `NET_ADMIN`, `NET_RAW`, `SYS_PTRACE`, `SYS_MODULE`, `SYS_RAWIO`,
    /// `SYS_BOOT`, `SYS_TIME`, `DAC_READ_SEARCH`, `BPF`, `PERFMON`,
    /// `MAC_ADMIN`, `MAC_OVERRIDE`, `SYSLOG` and `CHECKPOINT_RESTORE`.
    /// Names are compared without case and without a `CAP_` prefix. Other
    /// capabilities outside the Pod Security Standards' `baseline` set (such
    /// as `IPC_LOCK` or `SYS_NICE`) are not flagged: they affect resources,
    /// not isolation.
    ///
    /// ## Why is this bad?
    /// These capabilities reach past the container: `SYS_ADMIN` is nearly
    /// root on the host (mounts, namespaces), `SYS_MODULE` loads kernel
    /// modules, `SYS_PTRACE` reads other processes' memory, `SYS_TIME`
    /// changes the node's clock, `NET_ADMIN` and `NET_RAW` rewrite or spoof
    /// the pod network's traffic. A CNI plugin or a service-mesh init
    /// container may truly need one; say so in a suppression.
    ///
    /// ## Example
    /// ```yaml
    /// securityContext:
    ///   capabilities:
    ///     add: [SYS_ADMIN]
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// securityContext:
    ///   capabilities:
    ///     drop: [ALL]
    ///     add: [NET_BIND_SERVICE]
    /// ```
    ///
    /// ## References
    /// - [Pod Security Standards: capabilities](https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline)
    /// - `man 7 capabilities`
    pub struct DangerousCapabilitiesAdded {
        id: "dangerous-capabilities-added",
        severity: Error,
        domains: [Kubernetes],
        summary: "Container adds a capability that breaks its isolation",
    }
}

/// Capabilities that let a container act on the node or other pods.
const DANGEROUS: &[&str] = &[
    "ALL",
    "SYS_ADMIN",
    "NET_ADMIN",
    "NET_RAW",
    "SYS_PTRACE",
    "SYS_MODULE",
    "SYS_RAWIO",
    "SYS_BOOT",
    "SYS_TIME",
    "DAC_READ_SEARCH",
    "BPF",
    "PERFMON",
    "MAC_ADMIN",
    "MAC_OVERRIDE",
    "SYSLOG",
    "CHECKPOINT_RESTORE",
];

impl Rule for DangerousCapabilitiesAdded {
    fn check_object(&self, object: &K8sObject, report: &mut Reporter<'_>) {
        let Some(template) = k8s::pod_template(object) else { return };
        for container in template.containers() {
            let added = container.node.path(&["securityContext", "capabilities", "add"]);
            for item in added.map(|a| a.items()).unwrap_or(&[]) {
                let Some(name) = item.as_str() else { continue };
                let upper = name.trim().to_ascii_uppercase();
                let bare = upper.strip_prefix("CAP_").unwrap_or(&upper);
                if !DANGEROUS.contains(&bare) {
                    continue;
                }
                let what = if bare == "ALL" { "every capability (`ALL`)".to_string() } else { format!("`{bare}`") };
                report.report(
                    item.span,
                    format!(
                        "{} adds {what}, which reaches past the container; drop it or justify it in a suppression",
                        container.describe(object)
                    ),
                );
            }
        }
    }
}
