use crate::context::K8sObject;
use crate::declare_rule;
use crate::k8s;
use crate::rule::{Reporter, Rule};

declare_rule! {
    /// ## What it does
    /// Flags a sysctl in the pod's `securityContext.sysctls` that is not in
    /// Kubernetes' safe set (`kernel.shm_rmid_forced`,
    /// `net.ipv4.ip_local_port_range`, `net.ipv4.ip_unprivileged_port_start`,
    /// `net.ipv4.tcp_syncookies`, `net.ipv4.ping_group_range`,
    /// `net.ipv4.ip_local_reserved_ports`, `net.ipv4.tcp_keepalive_time`,
    /// `net.ipv4.tcp_fin_timeout`, `net.ipv4.tcp_keepalive_intvl`,
    /// `net.ipv4.tcp_keepalive_probes`).
    ///
    /// ## Why is this bad?
    /// Other sysctls are not namespaced or not isolated: setting them from a
    /// pod changes them for the node, or lets the pod starve its
    /// neighbours. The kubelet refuses unsafe sysctls unless an
    /// administrator allowed them on that node, so the pod also fails to
    /// start (`SysctlForbidden`). The `baseline` Pod Security Standard
    /// forbids them.
    ///
    /// ## Example
    /// ```yaml
    /// securityContext:
    ///   sysctls:
    ///     - name: kernel.msgmax
    ///       value: "65536"
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// securityContext:
    ///   sysctls:
    ///     - name: net.ipv4.ip_local_port_range
    ///       value: "1024 65535"
    /// ```
    ///
    /// ## References
    /// - [Using sysctls in a Kubernetes cluster](https://kubernetes.io/docs/tasks/administer-cluster/sysctl-cluster/)
    pub struct UnsafeSysctl {
        id: "unsafe-sysctl",
        severity: Warning,
        domains: [Kubernetes],
        summary: "Pod sets a sysctl outside the safe set",
    }
}

const SAFE: &[&str] = &[
    "kernel.shm_rmid_forced",
    "net.ipv4.ip_local_port_range",
    "net.ipv4.ip_unprivileged_port_start",
    "net.ipv4.tcp_syncookies",
    "net.ipv4.ping_group_range",
    "net.ipv4.ip_local_reserved_ports",
    "net.ipv4.tcp_keepalive_time",
    "net.ipv4.tcp_fin_timeout",
    "net.ipv4.tcp_keepalive_intvl",
    "net.ipv4.tcp_keepalive_probes",
];

impl Rule for UnsafeSysctl {
    fn check_object(&self, object: &K8sObject, report: &mut Reporter<'_>) {
        let Some(template) = k8s::pod_template(object) else { return };
        let sysctls = template.spec.path(&["securityContext", "sysctls"]);
        for item in sysctls.map(|s| s.items()).unwrap_or(&[]) {
            let Some(name) = item.get("name") else { continue };
            let Some(text) = name.as_str() else { continue };
            let normalized = text.replace('/', ".");
            if SAFE.contains(&normalized.as_str()) || text.contains(['$', '{']) {
                continue;
            }
            report.report(
                name.span,
                format!(
                    "{} sets the unsafe sysctl `{text}`, which is not isolated per pod; remove it or set it on the \
                     node",
                    object.display_name()
                ),
            );
        }
    }
}
