use crate::context::K8sObject;
use crate::declare_rule;
use crate::k8s;
use crate::rule::{Reporter, Rule};

declare_rule! {
    /// ## What it does
    /// Flags a container whose AppArmor profile is set to unconfined: an
    /// `appArmorProfile.type: Unconfined` in the pod or container
    /// `securityContext` (the container's wins), or the older annotation
    /// `container.apparmor.security.beta.kubernetes.io/<container>:
    /// unconfined`.
    ///
    /// ## Why is this bad?
    /// On nodes with AppArmor (Ubuntu, Debian, COS, Bottlerocket), the
    /// runtime's default profile blocks writes to `/proc` and `/sys`,
    /// mounts and other operations that container escapes rely on.
    /// Unconfined removes that layer; the `baseline` Pod Security Standard
    /// forbids it.
    ///
    /// ## Example
    /// ```yaml
    /// securityContext:
    ///   appArmorProfile:
    ///     type: Unconfined
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// securityContext:
    ///   appArmorProfile:
    ///     type: RuntimeDefault
    /// ```
    ///
    /// ## References
    /// - [Restrict a container's access to resources with AppArmor](https://kubernetes.io/docs/tutorials/security/apparmor/)
    pub struct ApparmorUnconfined {
        id: "apparmor-unconfined",
        severity: Warning,
        domains: [Kubernetes],
        summary: "Container runs without AppArmor confinement",
    }
}

impl Rule for ApparmorUnconfined {
    fn check_object(&self, object: &K8sObject, report: &mut Reporter<'_>) {
        let Some(template) = k8s::pod_template(object) else { return };
        for container in template.containers() {
            let field = container.security_setting("appArmorProfile").and_then(|p| p.get("type"));
            if let Some(kind) = field.filter(|k| k.as_str() == Some("Unconfined")) {
                report.report(
                    kind.span,
                    format!(
                        "{} runs without AppArmor (`Unconfined`); use `RuntimeDefault` or a `Localhost` profile",
                        container.describe(object)
                    ),
                );
                continue;
            }
            let key = format!("container.apparmor.security.beta.kubernetes.io/{}", container.name());
            let annotation = template.metadata.and_then(|m| m.get("annotations")).and_then(|a| a.get(&key));
            if let Some(value) = annotation.filter(|v| v.as_str() == Some("unconfined")) {
                report.report(
                    value.span,
                    format!(
                        "{} runs without AppArmor (`unconfined` annotation); use `runtime/default`",
                        container.describe(object)
                    ),
                );
            }
        }
    }
}
