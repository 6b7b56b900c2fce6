use crate::context::K8sObject;
use crate::declare_rule;
use crate::k8s;
use crate::rule::{Reporter, Rule};

declare_rule! {
    /// ## What it does
    /// Flags a `hostPath` volume that exposes a container runtime's socket
    /// or its directory: Docker (`/var/run/docker.sock`, `/var/run/docker`),
    /// containerd (`/run/containerd/containerd.sock`), CRI-O
    /// (`/var/run/crio/crio.sock`), cri-dockerd and Podman, under `/run` or
    /// `/var/run`.
    ///
    /// ## Why is this bad?
    /// Whoever talks to the runtime socket can start a privileged container
    /// with the host's root filesystem mounted: it is root on the node,
    /// whatever the pod's own `securityContext` says. Build tools that need
    /// a daemon can use rootless builders (BuildKit rootless, Kaniko) or a
    /// remote builder instead.
    ///
    /// ## Example
    /// ```yaml
    /// volumes:
    ///   - name: docker
    ///     hostPath:
    ///       path: /var/run/docker.sock
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// # Build with a rootless builder; mount no runtime socket.
    /// volumes:
    ///   - name: workspace
    ///     emptyDir: {}
    /// ```
    pub struct DockerSocketMounted {
        id: "docker-socket-mounted",
        severity: Error,
        domains: [Kubernetes],
        summary: "Pod mounts a container runtime socket from the host",
    }
}

/// Runtime sockets and the folders that hold them, without `/run` or
/// `/var/run` in front.
const RUNTIME_PATHS: &[&str] = &[
    "docker.sock",
    "docker",
    "containerd/containerd.sock",
    "containerd",
    "crio/crio.sock",
    "crio",
    "cri-dockerd.sock",
    "podman/podman.sock",
    "podman",
    "dockershim.sock",
    "k3s/containerd/containerd.sock",
];

/// The runtime path a host path exposes, if any.
pub(crate) fn runtime_socket(path: &str) -> Option<&'static str> {
    let trimmed = path.trim().trim_end_matches('/');
    let rest = trimmed.strip_prefix("/var/run/").or_else(|| trimmed.strip_prefix("/run/"))?;
    RUNTIME_PATHS.iter().find(|p| **p == rest).copied()
}

impl Rule for DockerSocketMounted {
    fn check_object(&self, object: &K8sObject, report: &mut Reporter<'_>) {
        let Some(template) = k8s::pod_template(object) else { return };
        for volume in template.spec.get("volumes").map(|v| v.items()).unwrap_or(&[]) {
            let Some(path) = volume.path(&["hostPath", "path"]) else { continue };
            let Some(text) = path.as_str() else { continue };
            if runtime_socket(text).is_some() {
                report.report(
                    path.span,
                    format!(
                        "Volume `{}` of {} mounts the container runtime socket `{text}`, which gives root on the \
                         node; build or inspect without it",
                        volume.str_at(&["name"]).unwrap_or("<unnamed>"),
                        object.display_name()
                    ),
                );
            }
        }
    }
}
