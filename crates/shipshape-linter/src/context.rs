use shipshape_dockerfile::Dockerfile;
use shipshape_yaml::Node;

/// Index of a file in the scan (files are sorted by path).
pub type FileId = usize;

pub struct DockerfileContext<'a> {
    pub file: FileId,
    pub path: &'a str,
    pub source: &'a str,
    pub dockerfile: &'a Dockerfile,
}

pub struct TextContext<'a> {
    pub file: FileId,
    pub path: &'a str,
    pub text: &'a str,
}

/// One Kubernetes object: a YAML document (or `List` item) with
/// `apiVersion` and `kind`.
#[derive(Debug, Clone)]
pub struct K8sObject {
    pub file: FileId,
    pub path: String,
    pub root: Node,
    pub api_version: String,
    pub kind: String,
    pub name: Option<String>,
    pub namespace: Option<String>,
    /// What the kustomizations of the scan make of this object's file.
    pub kustomize: crate::k8s::KustomizeRole,
}

impl K8sObject {
    pub fn from_node(file: FileId, path: &str, root: Node) -> Option<Self> {
        let api_version = root.str_at(&["apiVersion"])?.to_string();
        let kind = root.str_at(&["kind"])?.to_string();
        let name = root.str_at(&["metadata", "name"]).map(str::to_string);
        let namespace = root.str_at(&["metadata", "namespace"]).map(str::to_string);
        Some(Self {
            file,
            path: path.to_string(),
            root,
            api_version,
            kind,
            name,
            namespace,
            kustomize: crate::k8s::KustomizeRole::default(),
        })
    }

    /// `Kind/name` for messages.
    pub fn display_name(&self) -> String {
        format!("{}/{}", self.kind, self.name.as_deref().unwrap_or("<unnamed>"))
    }

    pub fn spec(&self) -> Option<&Node> {
        self.root.get("spec")
    }

    /// The API group (`apps` for `apps/v1`, empty for `v1`).
    pub fn group(&self) -> &str {
        self.api_version.rsplit_once('/').map_or("", |(g, _)| g)
    }
}

/// Every Kubernetes object of a scan, for rules that relate objects.
#[derive(Debug, Default)]
pub struct ObjectSet {
    pub objects: Vec<K8sObject>,
}

impl ObjectSet {
    pub fn of_kind<'a>(&'a self, kind: &'a str) -> impl Iterator<Item = &'a K8sObject> + 'a {
        self.objects.iter().filter(move |o| o.kind == kind)
    }

    /// Objects in the same namespace as `object` (an unset namespace matches
    /// any, since it is filled in at apply time).
    pub fn same_namespace<'a>(&'a self, object: &'a K8sObject) -> impl Iterator<Item = &'a K8sObject> + 'a {
        self.objects.iter().filter(move |o| match (&o.namespace, &object.namespace) {
            (Some(a), Some(b)) => a == b,
            _ => true,
        })
    }
}
