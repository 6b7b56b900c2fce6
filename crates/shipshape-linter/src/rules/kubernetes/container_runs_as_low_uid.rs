use crate::context::K8sObject;
use crate::declare_rule;
use crate::k8s;
use crate::rule::{Reporter, Rule};

declare_rule! {
    /// ## What it does
    /// Flags a container whose `runAsUser` (its own, or the pod's) is a
    /// non-zero UID below 10000. UID 0 is reported by
    /// `container-may-run-as-root`; a container without `runAsUser` is not
    /// judged here.
    ///
    /// ## Why is this bad?
    /// Low UIDs are the ones the node's own accounts use (`1000` is the
    /// first login user on most distributions, system services sit below
    /// it). A process that escapes the container keeps its UID on the
    /// node, and with a low one it owns that account's files and processes.
    /// A UID of 10000 or more belongs to no one on the node. This is
    /// defence in depth, hence a note, and off by default
    /// (list it under `enable` in the `[check]` table of `shipshape.toml`).
    ///
    /// ## Example
    /// ```yaml
    /// securityContext:
    ///   runAsUser: 1000
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// securityContext:
    ///   runAsUser: 10001
    ///   runAsGroup: 10001
    /// ```
    ///
    /// ## References
    /// - [Kubesec: containers securityContext runAsUser](https://kubesec.io/basics/containers-securitycontext-runasuser/)
    /// - Checkov CKV_K8S_40
    pub struct ContainerRunsAsLowUid {
        id: "container-runs-as-low-uid",
        severity: Info,
        domains: [Kubernetes],
        summary: "Container runs as a UID below 10000, which the node's own accounts use",
        enabled_by_default: false,
    }
}

impl Rule for ContainerRunsAsLowUid {
    fn check_object(&self, object: &K8sObject, report: &mut Reporter<'_>) {
        let Some(template) = k8s::pod_template(object) else { return };
        if template.is_windows() {
            return;
        }
        let mut reported = Vec::new();
        for container in template.app_containers() {
            let Some(user) = container.security_setting("runAsUser") else { continue };
            let Some(uid) = user.as_i64() else { continue };
            // A pod-level UID shared by several containers is reported once.
            if (1..10000).contains(&uid) && !reported.contains(&user.span) {
                reported.push(user.span);
                report.report(
                    user.span,
                    format!(
                        "{} runs as UID {uid}, which accounts on the node may use; pick a UID of 10000 or more",
                        container.describe(object)
                    ),
                );
            }
        }
    }
}
