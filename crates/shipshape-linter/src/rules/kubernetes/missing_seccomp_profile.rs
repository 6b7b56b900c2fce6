use crate::context::K8sObject;
use crate::declare_rule;
use crate::k8s;
use crate::rule::{Reporter, Rule};

declare_rule! {
    /// ## What it does
    /// Flags a container that runs without a seccomp profile: neither the
    /// container nor the pod `securityContext` sets `seccompProfile.type` to
    /// `RuntimeDefault` or `Localhost`, or the effective type is
    /// `Unconfined`. The deprecated `seccomp.security.alpha.kubernetes.io`
    /// annotations are not counted: current Kubernetes versions ignore
    /// them. Windows pods are skipped.
    ///
    /// ## Why is this bad?
    /// Unless the kubelet runs with `--seccomp-default`, a pod without a
    /// profile runs `Unconfined`: every one of the kernel's ~400 system
    /// calls is open to it, including the rarely used ones behind most
    /// container-escape bugs. `RuntimeDefault` blocks those and is safe for
    /// nearly every application; the `restricted` Pod Security Standard
    /// requires it.
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
    ///     seccompProfile:
    ///       type: RuntimeDefault
    ///   containers:
    ///     - name: api
    ///       image: ghcr.io/acme/api:1.4.2
    /// ```
    ///
    /// ## References
    /// - [Restrict a container's syscalls with seccomp](https://kubernetes.io/docs/tutorials/security/seccomp/)
    pub struct MissingSeccompProfile {
        id: "missing-seccomp-profile",
        severity: Warning,
        domains: [Kubernetes],
        summary: "Container runs without a seccomp profile",
    }
}

impl Rule for MissingSeccompProfile {
    fn check_object(&self, object: &K8sObject, report: &mut Reporter<'_>) {
        let Some(template) = k8s::pod_template(object) else { return };
        if template.is_windows() {
            return;
        }
        for container in template.app_containers() {
            let Some(profile) = container.security_setting("seccompProfile") else {
                if !template.complete {
                    continue;
                }
                report.report(
                    container.report_span(),
                    format!(
                        "{} has no seccomp profile, so it runs unconfined; set `seccompProfile.type: RuntimeDefault` \
                         in the pod or container securityContext",
                        container.describe(object)
                    ),
                );
                continue;
            };
            let Some(kind) = profile.get("type") else { continue };
            if kind.as_str() == Some("Unconfined") {
                report.report(
                    kind.span,
                    format!(
                        "{} runs with seccomp `Unconfined`; use `RuntimeDefault` or a `Localhost` profile",
                        container.describe(object)
                    ),
                );
            }
        }
    }
}
