use crate::context::K8sObject;
use crate::declare_rule;
use crate::k8s;
use crate::rule::{Reporter, Rule};

declare_rule! {
    /// ## What it does
    /// Flags a container that does not set
    /// `securityContext.readOnlyRootFilesystem: true`. Windows pods are
    /// skipped.
    ///
    /// ## Why is this bad?
    /// A writable root filesystem lets an intruder drop tools and binaries,
    /// tamper with the application's code and configuration, and keep a
    /// foothold until the container restarts. A read-only root with an
    /// `emptyDir` volume for the few paths the application writes (`/tmp`,
    /// a cache) closes that and documents what the application writes.
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
    ///       readOnlyRootFilesystem: true
    ///     volumeMounts:
    ///       - name: tmp
    ///         mountPath: /tmp
    /// volumes:
    ///   - name: tmp
    ///     emptyDir: {}
    /// ```
    pub struct WritableRootFilesystem {
        id: "writable-root-filesystem",
        severity: Warning,
        domains: [Kubernetes],
        summary: "Container root filesystem is writable",
    }
}

impl Rule for WritableRootFilesystem {
    fn check_object(&self, object: &K8sObject, report: &mut Reporter<'_>) {
        let Some(template) = k8s::pod_template(object) else { return };
        if template.is_windows() {
            return;
        }
        for container in template.app_containers() {
            match container.own_security_setting("readOnlyRootFilesystem") {
                Some(node) if node.as_bool() == Some(true) => {}
                Some(node) if node.as_bool() == Some(false) => report.report(
                    node.span,
                    format!(
                        "{} has a writable root filesystem; set `readOnlyRootFilesystem: true` and mount an \
                         `emptyDir` where it writes",
                        container.describe(object)
                    ),
                ),
                Some(node) if !node.is_null() => {}
                _ if !template.complete => {}
                _ => report.report(
                    container.report_span(),
                    format!(
                        "{} does not set `securityContext.readOnlyRootFilesystem: true`; make the root filesystem \
                         read-only and mount an `emptyDir` where it writes",
                        container.describe(object)
                    ),
                ),
            }
        }
    }
}
