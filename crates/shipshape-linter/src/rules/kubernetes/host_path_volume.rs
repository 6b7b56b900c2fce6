use super::docker_socket_mounted::runtime_socket;
use crate::context::K8sObject;
use crate::declare_rule;
use crate::k8s;
use crate::rule::{Reporter, Rule};

declare_rule! {
    /// ## What it does
    /// Flags a `hostPath` volume, at its path. Container runtime sockets
    /// are left to `docker-socket-mounted`.
    ///
    /// ## Why is this bad?
    /// A `hostPath` volume ties the pod to one node's filesystem and opens
    /// it to the container: a writable mount of `/`, `/etc`, `/root` or
    /// `/var/lib/kubelet` is a way onto the node, and even read-only mounts
    /// leak credentials and other pods' data. The `baseline` Pod Security
    /// Standard forbids `hostPath`. Use `emptyDir`, a ConfigMap, a Secret or
    /// a PersistentVolumeClaim; node agents that must read the host should
    /// mount the narrowest path read-only and say so in a suppression.
    ///
    /// ## Example
    /// ```yaml
    /// volumes:
    ///   - name: data
    ///     hostPath:
    ///       path: /srv/data
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// volumes:
    ///   - name: data
    ///     persistentVolumeClaim:
    ///       claimName: data
    /// ```
    ///
    /// ## References
    /// - [Volumes: hostPath](https://kubernetes.io/docs/concepts/storage/volumes/#hostpath)
    pub struct HostPathVolume {
        id: "host-path-volume",
        severity: Warning,
        domains: [Kubernetes],
        summary: "Pod mounts a directory or file of the node (`hostPath`)",
    }
}

impl Rule for HostPathVolume {
    fn check_object(&self, object: &K8sObject, report: &mut Reporter<'_>) {
        let Some(template) = k8s::pod_template(object) else { return };
        for volume in template.spec.get("volumes").map(|v| v.items()).unwrap_or(&[]) {
            let Some(host_path) = volume.entry("hostPath") else { continue };
            let path = host_path.value.get("path");
            let text = path.and_then(|p| p.as_str()).unwrap_or("");
            if runtime_socket(text).is_some() {
                continue;
            }
            let shown = if text.is_empty() { String::new() } else { format!(" `{text}`") };
            report.report(
                path.map_or(host_path.key.span, |p| p.span),
                format!(
                    "Volume `{}` of {} mounts the node's path{shown}; use an emptyDir, ConfigMap, Secret or \
                     PersistentVolumeClaim, or mount it read-only and justify it",
                    volume.str_at(&["name"]).unwrap_or("<unnamed>"),
                    object.display_name()
                ),
            );
        }
    }
}
