use crate::context::K8sObject;
use crate::declare_rule;
use crate::k8s;
use crate::rule::{Reporter, Rule};

declare_rule! {
    /// ## What it does
    /// Flags a pod spec that sets `hostNetwork`, `hostPID` or `hostIPC` to
    /// `true`, at the key.
    ///
    /// ## Why is this bad?
    /// The pod then shares the node's namespace instead of its own:
    /// `hostPID` lets it see, signal and (with `SYS_PTRACE`) read every
    /// process on the node, `hostIPC` lets it read other processes' shared
    /// memory, and `hostNetwork` puts it on the node's interfaces, where it
    /// can reach node-local services, sniff traffic and bypass
    /// NetworkPolicies. The `baseline` Pod Security Standard forbids all
    /// three. Node agents (CNI plugins, node exporters) sometimes need one;
    /// say so in a suppression.
    ///
    /// ## Example
    /// ```yaml
    /// spec:
    ///   hostPID: true
    ///   containers:
    ///     - name: debug
    ///       image: busybox:1.36
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// spec:
    ///   containers:
    ///     - name: debug
    ///       image: busybox:1.36
    /// ```
    ///
    /// ## References
    /// - [Pod Security Standards: host namespaces](https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline)
    pub struct HostNamespaceShared {
        id: "host-namespace-shared",
        severity: Error,
        domains: [Kubernetes],
        summary: "Pod shares the node's network, PID or IPC namespace",
    }
}

impl Rule for HostNamespaceShared {
    fn check_object(&self, object: &K8sObject, report: &mut Reporter<'_>) {
        let Some(template) = k8s::pod_template(object) else { return };
        for (key, what) in [
            ("hostPID", "process namespace: it can see and signal every process on the node"),
            ("hostIPC", "IPC namespace: it can read other processes' shared memory"),
            ("hostNetwork", "network namespace: it can reach node-local services and bypass NetworkPolicies"),
        ] {
            let Some(entry) = template.spec.entry(key) else { continue };
            if entry.value.as_bool() == Some(true) {
                report.report(
                    entry.key.span,
                    format!("{} shares the node's {what}; remove `{key}: true`", object.display_name()),
                );
            }
        }
    }
}
