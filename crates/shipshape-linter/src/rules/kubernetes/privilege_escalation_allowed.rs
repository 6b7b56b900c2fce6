use crate::context::K8sObject;
use crate::declare_rule;
use crate::k8s;
use crate::rule::{Reporter, Rule};

declare_rule! {
    /// ## What it does
    /// Flags a container that does not set
    /// `securityContext.allowPrivilegeEscalation: false`, or sets it to
    /// `true`. Privileged containers are left to `privileged-container`
    /// (they always allow escalation), and Windows pods are skipped.
    ///
    /// ## Why is this bad?
    /// The field defaults to `true`: a process can gain more privileges than
    /// its parent through setuid binaries or file capabilities (`sudo`,
    /// `ping`, a planted binary), the first step of most container escapes.
    /// Setting it to `false` sets the kernel's `no_new_privs` flag. The
    /// `restricted` Pod Security Standard requires it.
    ///
    /// ## Example
    /// ```yaml
    /// containers:
    ///   - name: api
    ///     image: ghcr.io/acme/api:1.4.2
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// containers:
    ///   - name: api
    ///     image: ghcr.io/acme/api:1.4.2
    ///     securityContext:
    ///       allowPrivilegeEscalation: false
    /// ```
    ///
    /// ## References
    /// - [Pod Security Standards: restricted](https://kubernetes.io/docs/concepts/security/pod-security-standards/#restricted)
    pub struct PrivilegeEscalationAllowed {
        id: "privilege-escalation-allowed",
        severity: Warning,
        domains: [Kubernetes],
        summary: "Container allows privilege escalation",
    }
}

impl Rule for PrivilegeEscalationAllowed {
    fn check_object(&self, object: &K8sObject, report: &mut Reporter<'_>) {
        let Some(template) = k8s::pod_template(object) else { return };
        if template.is_windows() {
            return;
        }
        for container in template.app_containers() {
            if container.own_security_setting("privileged").and_then(|n| n.as_bool()) == Some(true) {
                continue;
            }
            match container.own_security_setting("allowPrivilegeEscalation") {
                Some(node) if node.as_bool() == Some(true) => report.report(
                    node.span,
                    format!(
                        "{} allows privilege escalation; set `allowPrivilegeEscalation: false`",
                        container.describe(object)
                    ),
                ),
                Some(node) if node.as_bool().is_some() || !node.is_null() => {}
                _ if !template.complete => {}
                _ => report.report(
                    container.report_span(),
                    format!(
                        "{} does not set `securityContext.allowPrivilegeEscalation: false`, so it defaults to \
                         allowing escalation; set it to `false`",
                        container.describe(object)
                    ),
                ),
            }
        }
    }
}
