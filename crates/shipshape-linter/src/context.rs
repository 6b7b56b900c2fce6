use std::collections::HashMap;
use std::path::Path;
use std::sync::{Arc, OnceLock};

use shipshape_diagnostics::Span;
use shipshape_dockerfile::Dockerfile;
use shipshape_yaml::{Document, Node};

use crate::classify::FileClass;
use crate::discovery::FileKind;
use crate::roles::YamlRole;

/// Index of a file in the scan (files are sorted by path).
pub type FileId = usize;

pub struct DockerfileContext<'a> {
    pub file: FileId,
    pub path: &'a str,
    pub source: &'a str,
    pub dockerfile: &'a Dockerfile,
    /// What the file is, its context and who consumes it.
    pub class: &'a FileClass,
}

pub struct TextContext<'a> {
    pub file: FileId,
    pub path: &'a str,
    pub text: &'a str,
    /// What the file is, its context and who consumes it.
    pub class: &'a FileClass,
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
    /// The classification of the file the object was read from.
    pub class: Arc<FileClass>,
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
            class: Arc::default(),
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
/// Lookups by kind go through an index built on first use, so rules that
/// relate every object to the others stay far from quadratic.
#[derive(Debug, Default)]
pub struct ObjectSet {
    pub objects: Vec<K8sObject>,
    by_kind: OnceLock<HashMap<String, Vec<usize>>>,
    by_name: OnceLock<HashMap<(String, String), Vec<usize>>>,
    by_label: OnceLock<LabelIndex>,
}

/// Objects by what selectors look for, so that matching a selector visits
/// only the objects that carry one of its labels.
#[derive(Debug, Default)]
pub(crate) struct LabelIndex {
    /// Workloads by the `(key, value)` labels of their pod template.
    pub templates: HashMap<(String, String), Vec<usize>>,
    /// Objects by the labels of any `labels` mapping they hold.
    pub nested: HashMap<(String, String), Vec<usize>>,
    /// Workloads with a complete pod template, by folder.
    pub workload_folders: HashMap<String, Vec<usize>>,
    /// Services by the `(key, value)` pairs of their `spec.selector`.
    pub service_selectors: HashMap<(String, String), Vec<usize>>,
    /// HorizontalPodAutoscalers by the `(kind, name)` they scale.
    pub autoscalers: HashMap<(String, String), Vec<usize>>,
    /// PodDisruptionBudgets and NetworkPolicies by `(kind, key, value)`
    /// of their selector's plain `matchLabels`.
    pub policies: HashMap<(String, String, String), Vec<usize>>,
    /// Those whose selector has no plain `matchLabels`, by kind.
    pub unindexed_policies: HashMap<String, Vec<usize>>,
}

impl ObjectSet {
    pub fn new(objects: Vec<K8sObject>) -> Self {
        Self { objects, ..Self::default() }
    }

    /// Adds objects (and forgets the indexes).
    pub fn extend(&mut self, objects: Vec<K8sObject>) {
        self.objects.extend(objects);
        self.by_kind = OnceLock::new();
        self.by_name = OnceLock::new();
        self.by_label = OnceLock::new();
    }

    /// Keeps only the objects `keep` accepts (and forgets the indexes).
    pub fn retain(&mut self, keep: impl FnMut(&K8sObject) -> bool) {
        self.objects.retain(keep);
        self.by_kind = OnceLock::new();
        self.by_name = OnceLock::new();
        self.by_label = OnceLock::new();
    }

    /// The label index, made by `build` on first use.
    pub(crate) fn label_index(&self, build: impl FnOnce(&Self) -> LabelIndex) -> &LabelIndex {
        self.by_label.get_or_init(|| build(self))
    }

    /// The object at `index` when it may share `object`'s namespace and build.
    pub(crate) fn near<'a>(&'a self, object: &K8sObject, index: usize) -> Option<&'a K8sObject> {
        self.objects.get(index).filter(|o| namespaces_may_match(o, object))
    }

    fn indices(&self, kind: &str) -> &[usize] {
        let index = self.by_kind.get_or_init(|| {
            let mut index: HashMap<String, Vec<usize>> = HashMap::new();
            for (i, object) in self.objects.iter().enumerate() {
                index.entry(object.kind.clone()).or_default().push(i);
            }
            index
        });
        index.get(kind).map_or(&[], Vec::as_slice)
    }

    /// Objects of `kind` named `name` that may share `object`'s namespace and build.
    pub fn named<'a>(
        &'a self,
        object: &'a K8sObject,
        kind: &str,
        name: &str,
    ) -> impl Iterator<Item = &'a K8sObject> + 'a {
        let index = self.by_name.get_or_init(|| {
            let mut index: HashMap<(String, String), Vec<usize>> = HashMap::new();
            for (i, o) in self.objects.iter().enumerate() {
                if let Some(name) = &o.name {
                    index.entry((o.kind.clone(), name.clone())).or_default().push(i);
                }
            }
            index
        });
        let found = index.get(&(kind.to_string(), name.to_string())).map_or(&[][..], Vec::as_slice);
        found.iter().filter_map(move |i| self.near(object, *i))
    }

    pub fn of_kind<'a>(&'a self, kind: &'a str) -> impl Iterator<Item = &'a K8sObject> + 'a {
        self.indices(kind).iter().filter_map(|i| self.objects.get(*i))
    }

    /// Objects of the given kinds, in scan order within each kind.
    pub fn of_kinds<'a>(&'a self, kinds: &'a [&'a str]) -> impl Iterator<Item = &'a K8sObject> + 'a {
        kinds.iter().flat_map(move |kind| self.of_kind(kind))
    }

    /// Objects in the same namespace as `object` (an unset namespace matches
    /// any, since it is filled in at apply time), and of the same kustomize
    /// build (or, for loose manifests, not rendered either).
    pub fn same_namespace<'a>(&'a self, object: &'a K8sObject) -> impl Iterator<Item = &'a K8sObject> + 'a {
        self.objects.iter().filter(move |o| namespaces_may_match(o, object))
    }

    /// Objects of `kind` that may share `object`'s namespace and build.
    pub fn same_namespace_of_kind<'a>(
        &'a self,
        object: &'a K8sObject,
        kind: &'a str,
    ) -> impl Iterator<Item = &'a K8sObject> + 'a {
        self.of_kind(kind).filter(move |o| namespaces_may_match(o, object))
    }
}

/// Same kustomize build (or, for loose manifests, not rendered either), and
/// namespaces that can be equal.
fn namespaces_may_match(a: &K8sObject, b: &K8sObject) -> bool {
    a.kustomize.same_build(&b.kustomize)
        && match (&a.namespace, &b.namespace) {
            (Some(a), Some(b)) => a == b,
            _ => true,
        }
}

/// One YAML file, for rules that read a whole file (workflows, GitLab CI,
/// kustomizations). Node spans are global; `span` turns an offset into
/// `text` into a global span.
pub struct YamlFileContext<'a> {
    pub file: FileId,
    pub path: &'a str,
    pub text: &'a str,
    /// Global offset of the file's first byte.
    pub base: usize,
    pub role: YamlRole,
    /// The documents that parsed (all of them when the file parsed).
    pub documents: &'a [Document],
    /// True when the file did not parse to its end.
    pub parse_failed: bool,
    /// What the file is, its context and who consumes it.
    pub class: &'a FileClass,
}

impl YamlFileContext<'_> {
    /// The global span of `start..end` of this file's text.
    pub fn span(&self, start: usize, end: usize) -> Span {
        Span::new(self.base + start, self.base + end)
    }
}

/// One file of the scan, as repository-wide rules see it.
pub struct ScannedFile<'a> {
    pub file: FileId,
    /// Relative to the scanned root, `/`-separated.
    pub path: &'a str,
    pub text: &'a str,
    pub base: usize,
    pub kind: FileKind,
    /// The role of a YAML file; `None` for other files.
    pub role: Option<YamlRole>,
    pub dockerfile: Option<&'a Dockerfile>,
    /// Parsed documents of workflow, GitLab CI and kustomization files,
    /// and of files a kustomization consumes (patches, and resources
    /// without objects).
    pub documents: &'a [Document],
    /// True when `documents` are the whole file (it parsed to its end).
    pub parsed_whole: bool,
    /// What the file is, its context and who consumes it.
    pub class: &'a FileClass,
}

impl ScannedFile<'_> {
    /// The global span of a span local to this file (Dockerfile spans, text offsets).
    pub fn global(&self, span: Span) -> Span {
        span.shift(self.base)
    }

    /// The folder of the file (`""` at the root).
    pub fn dir(&self) -> &str {
        self.path.rsplit_once('/').map_or("", |(dir, _)| dir)
    }
}

/// Everything a scan saw, for rules that relate files to one another.
pub struct RepositoryContext<'a> {
    /// The scanned directory on disk; `None` for in-memory scans.
    pub root: Option<&'a Path>,
    pub files: &'a [ScannedFile<'a>],
    /// Every Kubernetes object (and custom resource) found, kustomize
    /// builds rendered.
    pub objects: &'a ObjectSet,
    /// What the kustomize render found (`None` outside a scan's repository pass).
    pub kustomize: Option<&'a crate::kustomize::RenderNotes>,
}

impl<'a> RepositoryContext<'a> {
    pub fn file(&self, path: &str) -> Option<&ScannedFile<'a>> {
        self.files.iter().find(|f| f.path == path)
    }

    /// True when `dir` (relative to the root) is a folder of the scan or on disk.
    pub fn dir_exists(&self, dir: &str) -> bool {
        let dir = dir.trim_start_matches("./").trim_end_matches('/');
        if dir.is_empty() || dir == "." {
            return true;
        }
        let prefix = format!("{dir}/");
        self.files.iter().any(|f| f.path.starts_with(&prefix)) || self.root.is_some_and(|r| r.join(dir).is_dir())
    }

    /// Files directly or indirectly under `dir`.
    pub fn files_under<'s>(&'s self, dir: &str) -> impl Iterator<Item = &'s ScannedFile<'a>> + 's {
        let dir = dir.trim_start_matches("./").trim_end_matches('/').to_string();
        self.files.iter().filter(move |f| dir.is_empty() || dir == "." || f.path.starts_with(&format!("{dir}/")))
    }
}
