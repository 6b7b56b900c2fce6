use crate::context::K8sObject;
use crate::declare_rule;
use crate::k8s;
use crate::rule::{Reporter, Rule};

declare_rule! {
    /// ## What it does
    /// Flags a container whose `securityContext` sets `privileged: true`, in
    /// any workload (Pod, Deployment, StatefulSet, DaemonSet, Job, CronJob,
    /// ReplicaSet, ReplicationController, Argo Rollout), init containers
    /// included.
    ///
    /// ## Why is this bad?
    /// A privileged container has every Linux capability, sees the host's
    /// devices and runs without seccomp or AppArmor confinement: a process
    /// that escapes it owns the node and every pod on it. The Pod Security
    /// Standards forbid it from the `baseline` level up.
    ///
    /// ## Example
    /// ```yaml
    /// containers:
    ///   - name: agent
    ///     image: ghcr.io/acme/agent:1.2.0
    ///     securityContext:
    ///       privileged: true
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// containers:
    ///   - name: agent
    ///     image: ghcr.io/acme/agent:1.2.0
    ///     securityContext:
    ///       capabilities:
    ///         drop: [ALL]
    ///         add: [NET_BIND_SERVICE]
    /// ```
    ///
    /// ## References
    /// - [Pod Security Standards: privileged containers](https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline)
    pub struct PrivilegedContainer {
        id: "privileged-container",
        severity: Error,
        domains: [Kubernetes],
        summary: "Container runs privileged",
    }
}

impl Rule for PrivilegedContainer {
    fn check_object(&self, object: &K8sObject, report: &mut Reporter<'_>) {
        let Some(template) = k8s::pod_template(object) else { return };
        for container in template.containers() {
            let Some(node) = container.own_security_setting("privileged") else { continue };
            if node.as_bool() == Some(true) {
                report.report(
                    node.span,
                    format!(
                        "{} runs privileged, with every capability and the host's devices; remove \
                         `privileged: true` and add only the capabilities it needs",
                        container.describe(object)
                    ),
                );
            }
        }
    }
}
