//! A resource being rendered: its tree and the names it has had.

use shipshape_yaml::Node;

use crate::FileId;

/// Kinds of the Kubernetes API that are not namespaced (kustomize leaves
/// their namespace alone; custom kinds are taken as namespaced, as it does).
const CLUSTER_SCOPED: &[&str] = &[
    "APIService",
    "CSIDriver",
    "CSINode",
    "CertificateSigningRequest",
    "ClusterRole",
    "ClusterRoleBinding",
    "ComponentStatus",
    "CustomResourceDefinition",
    "FlowSchema",
    "IngressClass",
    "MutatingWebhookConfiguration",
    "Namespace",
    "Node",
    "PersistentVolume",
    "PodSecurityPolicy",
    "PriorityClass",
    "PriorityLevelConfiguration",
    "RuntimeClass",
    "StorageClass",
    "ValidatingWebhookConfiguration",
    "VolumeAttachment",
];

/// API groups served by Kubernetes itself (not custom resources).
const BUILTIN_GROUPS: &[&str] = &[
    "",
    "apps",
    "batch",
    "autoscaling",
    "policy",
    "extensions",
    "networking.k8s.io",
    "rbac.authorization.k8s.io",
    "storage.k8s.io",
    "scheduling.k8s.io",
    "admissionregistration.k8s.io",
    "apiextensions.k8s.io",
    "apiregistration.k8s.io",
    "certificates.k8s.io",
    "coordination.k8s.io",
    "discovery.k8s.io",
    "events.k8s.io",
    "node.k8s.io",
    "flowcontrol.apiserver.k8s.io",
];

#[derive(Debug, Clone)]
pub(crate) struct Res {
    pub(crate) root: Node,
    pub(crate) file: FileId,
    pub(crate) path: String,
    /// Every (name, namespace) the resource has had, oldest first.
    pub(crate) ids: Vec<(String, Option<String>)>,
    /// Its name when the current kustomization's transformers started,
    /// to update references to it after a rename.
    pub(crate) level_name: String,
    pub(crate) level_namespace: Option<String>,
}

impl Res {
    pub(crate) fn new(root: Node, file: FileId, path: &str) -> Self {
        let mut res = Self {
            root,
            file,
            path: path.to_string(),
            ids: Vec::new(),
            level_name: String::new(),
            level_namespace: None,
        };
        res.record_id();
        res.level_name = res.name().to_string();
        res
    }

    pub(crate) fn api_version(&self) -> &str {
        self.root.str_at(&["apiVersion"]).unwrap_or_default()
    }

    pub(crate) fn kind(&self) -> &str {
        self.root.str_at(&["kind"]).unwrap_or_default()
    }

    pub(crate) fn group(&self) -> &str {
        group_of(self.api_version())
    }

    pub(crate) fn version(&self) -> &str {
        let api = self.api_version();
        api.rsplit_once('/').map_or(api, |(_, v)| v)
    }

    pub(crate) fn name(&self) -> &str {
        self.root.str_at(&["metadata", "name"]).unwrap_or_default()
    }

    pub(crate) fn namespace(&self) -> Option<&str> {
        self.root.str_at(&["metadata", "namespace"])
    }

    pub(crate) fn cluster_scoped(&self) -> bool {
        is_builtin_group(self.group()) && CLUSTER_SCOPED.contains(&self.kind())
    }

    /// True for kinds whose schema kustomize knows (lists merge by key).
    pub(crate) fn builtin(&self) -> bool {
        is_builtin_group(self.group())
    }

    /// The namespace used to compare ids: `default` when unset, nothing
    /// for cluster-scoped kinds.
    pub(crate) fn effective_namespace<'a>(&self, namespace: Option<&'a str>) -> &'a str {
        if self.cluster_scoped() {
            ""
        } else {
            namespace.filter(|n| !n.is_empty()).unwrap_or("default")
        }
    }

    /// Remembers the current name and namespace after a transformer.
    pub(crate) fn record_id(&mut self) {
        let id = (self.name().to_string(), self.namespace().map(str::to_string));
        if self.ids.last() != Some(&id) {
            self.ids.push(id);
        }
    }

    /// True when an id (group, version, kind, name, namespace) names this
    /// resource under any name it has had.
    pub(crate) fn matches_any_id(&self, api_version: &str, kind: &str, name: &str, namespace: Option<&str>) -> bool {
        if self.kind() != kind || self.group() != group_of(api_version) {
            return false;
        }
        let wanted = self.effective_namespace(namespace);
        self.ids.iter().any(|(n, ns)| n == name && self.effective_namespace(ns.as_deref()) == wanted)
    }

    /// The original and current names (what a patch target's `name` matches).
    pub(crate) fn original_and_current(&self) -> [(&str, &str); 2] {
        let first = self.ids.first().map_or(("", None), |(n, ns)| (n.as_str(), ns.as_deref()));
        let current = (self.name(), self.namespace());
        [(first.0, self.effective_namespace(first.1)), (current.0, self.effective_namespace(current.1))]
    }

    /// True when both have the same group, kind, effective namespace and
    /// name: what kustomize keeps unique.
    pub(crate) fn same_id(&self, other: &Res) -> bool {
        self.name() == other.name()
            && self.kind() == other.kind()
            && self.group() == other.group()
            && self.effective_namespace(self.namespace()) == other.effective_namespace(other.namespace())
    }

    pub(crate) fn display(&self) -> String {
        format!("{}/{}", self.kind(), self.name())
    }
}

pub(crate) fn group_of(api_version: &str) -> &str {
    api_version.rsplit_once('/').map_or("", |(g, _)| g)
}

pub(crate) fn is_builtin_group(group: &str) -> bool {
    BUILTIN_GROUPS.contains(&group)
}

/// The Kubernetes objects of a parsed document: itself, or a `List`'s items.
pub(crate) fn objects_of(root: &Node, out: &mut Vec<Node>) {
    let kind = root.str_at(&["kind"]);
    if kind.is_some_and(|k| k == "List" || k.ends_with("List"))
        && root.get("items").is_some_and(|i| !i.items().is_empty())
    {
        for item in root.get("items").map(Node::items).unwrap_or(&[]) {
            objects_of(item, out);
        }
        return;
    }
    let is_object = root.is_mapping()
        && root.str_at(&["apiVersion"]).is_some_and(|v| !v.starts_with("kustomize.config.k8s.io/"))
        && kind.is_some();
    if is_object {
        out.push(root.clone());
    }
}
