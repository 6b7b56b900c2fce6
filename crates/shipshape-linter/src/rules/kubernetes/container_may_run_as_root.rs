use crate::context::K8sObject;
use crate::declare_rule;
use crate::k8s;
use crate::rule::{Reporter, Rule};

declare_rule! {
    /// ## What it does
    /// Flags a container that may run as root: neither the container nor
    /// the pod `securityContext` sets `runAsNonRoot: true` or a non-zero
    /// `runAsUser`, or the effective `runAsUser` is `0`. The container's
    /// setting wins over the pod's, as in Kubernetes. Windows pods are
    /// skipped.
    ///
    /// ## Why is this bad?
    /// Without `runAsNonRoot: true` the container runs as whatever user its
    /// image says, often root. Root in a container is root on the node once
    /// anything goes wrong: a kernel bug, a writable host mount, an added
    /// capability. `runAsNonRoot: true` makes the kubelet refuse to start a
    /// container whose image would run as UID 0.
    ///
    /// ## Example
    /// ```yaml
    /// spec:
    ///   containers:
    ///     - name: api
    ///       image: ghcr.io/acme/api:1.4.2
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// spec:
    ///   securityContext:
    ///     runAsNonRoot: true
    ///     runAsUser: 10001
    ///   containers:
    ///     - name: api
    ///       image: ghcr.io/acme/api:1.4.2
    /// ```
    ///
    /// ## References
    /// - [Pod Security Standards: running as non-root](https://kubernetes.io/docs/concepts/security/pod-security-standards/#restricted)
    pub struct ContainerMayRunAsRoot {
        id: "container-may-run-as-root",
        severity: Warning,
        domains: [Kubernetes],
        summary: "Container may run as root",
    }
}

impl Rule for ContainerMayRunAsRoot {
    fn check_object(&self, object: &K8sObject, report: &mut Reporter<'_>) {
        let Some(template) = k8s::pod_template(object) else { return };
        if template.is_windows() {
            return;
        }
        for container in template.app_containers() {
            let user = container.security_setting("runAsUser");
            if let Some(user) = user {
                match user.as_i64() {
                    Some(0) => {
                        report.report(
                            user.span,
                            format!(
                                "{} runs as root (`runAsUser: 0`); run it as a non-zero user and set \
                                 `runAsNonRoot: true`",
                                container.describe(object)
                            ),
                        );
                        continue;
                    }
                    Some(_) => continue,
                    // A templated or malformed value: not judged.
                    None if !user.is_null() => continue,
                    None => {}
                }
            }
            match container.security_setting("runAsNonRoot") {
                Some(node) if node.as_bool() == Some(true) => {}
                Some(node) if node.as_bool() == Some(false) => report.report(
                    node.span,
                    format!(
                        "{} sets `runAsNonRoot: false` and no non-zero `runAsUser`, so it may run as root; set \
                         `runAsNonRoot: true`",
                        container.describe(object)
                    ),
                ),
                Some(node) if !node.is_null() => {}
                _ if !template.complete => {}
                _ => report.report(
                    container.report_span(),
                    format!(
                        "{} may run as root: set `runAsNonRoot: true` (pod or container securityContext) or a \
                         non-zero `runAsUser`",
                        container.describe(object)
                    ),
                ),
            }
        }
    }
}
