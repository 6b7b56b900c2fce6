//! Helpers over Kubernetes objects shared by the rules: where a workload
//! keeps its pod template, its containers, labels and selectors.

use shipshape_yaml::Node;

use crate::context::K8sObject;

/// Kinds that run pods, with the route to their pod template's `spec`.
const WORKLOADS: &[(&str, &[&str])] = &[
    ("Pod", &["spec"]),
    ("Deployment", &["spec", "template", "spec"]),
    ("StatefulSet", &["spec", "template", "spec"]),
    ("DaemonSet", &["spec", "template", "spec"]),
    ("ReplicaSet", &["spec", "template", "spec"]),
    ("ReplicationController", &["spec", "template", "spec"]),
    ("Job", &["spec", "template", "spec"]),
    ("CronJob", &["spec", "jobTemplate", "spec", "template", "spec"]),
    ("Rollout", &["spec", "template", "spec"]),
];

pub fn is_workload_kind(kind: &str) -> bool {
    WORKLOADS.iter().any(|(k, _)| *k == kind)
}

/// A pod template found in a workload.
pub struct PodTemplate<'a> {
    pub object: &'a K8sObject,
    /// The pod `spec`.
    pub spec: &'a Node,
    /// The pod's `metadata` (the template's, or the Pod's own).
    pub metadata: Option<&'a Node>,
}

impl<'a> PodTemplate<'a> {
    pub fn labels(&self) -> Vec<(&'a str, &'a str)> {
        labels_of(self.metadata.and_then(|m| m.get("labels")))
    }

    /// Regular, init and ephemeral containers.
    pub fn containers(&self) -> Vec<Container<'a>> {
        let mut out = Vec::new();
        for (key, kind) in [
            ("containers", ContainerKind::Regular),
            ("initContainers", ContainerKind::Init),
            ("ephemeralContainers", ContainerKind::Ephemeral),
        ] {
            for node in self.spec.get(key).map(Node::items).unwrap_or(&[]) {
                if node.is_mapping() {
                    out.push(Container { node, kind, pod: self.spec });
                }
            }
        }
        out
    }

    /// Only the long-running containers (`containers`), not init ones.
    pub fn main_containers(&self) -> Vec<Container<'a>> {
        self.containers().into_iter().filter(|c| c.kind == ContainerKind::Regular).collect()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ContainerKind {
    Regular,
    Init,
    Ephemeral,
}

pub struct Container<'a> {
    pub node: &'a Node,
    pub kind: ContainerKind,
    /// The pod spec holding this container.
    pub pod: &'a Node,
}

impl<'a> Container<'a> {
    pub fn name(&self) -> &'a str {
        self.node.str_at(&["name"]).unwrap_or("<unnamed>")
    }

    pub fn image(&self) -> Option<&'a Node> {
        self.node.get("image")
    }

    /// A restartable init container (`restartPolicy: Always`) is a sidecar.
    pub fn is_sidecar(&self) -> bool {
        self.kind == ContainerKind::Init && self.node.str_at(&["restartPolicy"]) == Some("Always")
    }

    /// A field of the container's `securityContext`, falling back to the
    /// pod's `securityContext` for the fields a pod can set.
    pub fn security_setting(&self, key: &str) -> Option<&'a Node> {
        self.node.path(&["securityContext", key]).or_else(|| {
            const POD_LEVEL: &[&str] =
                &["runAsUser", "runAsGroup", "runAsNonRoot", "seccompProfile", "seLinuxOptions", "appArmorProfile"];
            POD_LEVEL.contains(&key).then(|| self.pod.path(&["securityContext", key])).flatten()
        })
    }

    /// Declared ports: `(name, containerPort)`.
    pub fn ports(&self) -> Vec<(Option<&'a str>, Option<i64>)> {
        self.node
            .get("ports")
            .map(Node::items)
            .unwrap_or(&[])
            .iter()
            .map(|p| (p.str_at(&["name"]), p.get("containerPort").and_then(Node::as_i64)))
            .collect()
    }

    /// The span to report container-level findings at: its `name` or its start.
    pub fn report_span(&self) -> shipshape_diagnostics::Span {
        self.node.get("name").map_or(self.node.head_span(), |n| n.span)
    }
}

/// The pod template of a workload, if it has one inline.
pub fn pod_template(object: &K8sObject) -> Option<PodTemplate<'_>> {
    let (_, route) = WORKLOADS.iter().find(|(k, _)| *k == object.kind)?;
    if object.kind == "Rollout" && !object.api_version.starts_with("argoproj.io/") {
        return None;
    }
    let spec = object.root.path(route)?;
    if !spec.is_mapping() {
        return None;
    }
    let metadata = if route.len() == 1 {
        object.root.get("metadata")
    } else {
        object.root.path(&route[..route.len() - 1]).and_then(|t| t.get("metadata"))
    };
    Some(PodTemplate { object, spec, metadata })
}

/// `key: value` pairs of a labels or selector mapping.
pub fn labels_of(node: Option<&Node>) -> Vec<(&str, &str)> {
    node.map(|n| n.entries())
        .unwrap_or_default()
        .into_iter()
        .filter_map(|e| Some((e.key.as_str()?, e.value.as_str()?)))
        .collect()
}

/// True when every `selector` pair is among `labels`.
pub fn selector_matches(selector: &[(&str, &str)], labels: &[(&str, &str)]) -> bool {
    !selector.is_empty() && selector.iter().all(|s| labels.contains(s))
}
