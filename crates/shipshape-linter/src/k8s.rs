//! Helpers over Kubernetes objects shared by the rules: where a workload
//! keeps its pod template, its containers, labels, selectors, replicas and
//! resource quantities.

use std::collections::{HashMap, HashSet};

use shipshape_diagnostics::Span;
use shipshape_yaml::Node;

use crate::context::{K8sObject, LabelIndex, ObjectSet};

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

/// Workload kinds whose pods run until replaced (not Jobs, not bare Pods).
pub const LONG_RUNNING_KINDS: &[&str] =
    &["Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "ReplicationController", "Rollout"];

/// Kinds with `spec.replicas` that a HorizontalPodAutoscaler or a
/// PodDisruptionBudget can relate to.
pub const SCALABLE_KINDS: &[&str] = &["Deployment", "StatefulSet", "ReplicaSet", "ReplicationController", "Rollout"];

/// Every kind with a pod template.
pub const WORKLOAD_KINDS: &[&str] = &[
    "Pod",
    "Deployment",
    "StatefulSet",
    "DaemonSet",
    "ReplicaSet",
    "ReplicationController",
    "Job",
    "CronJob",
    "Rollout",
];

/// The workloads of the scan that may share `object`'s namespace.
pub fn workloads_near<'a>(set: &'a ObjectSet, object: &'a K8sObject) -> impl Iterator<Item = &'a K8sObject> + 'a {
    WORKLOAD_KINDS.iter().flat_map(move |kind| set.same_namespace_of_kind(object, kind))
}

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
    /// The span of the `spec:` key of the pod spec, to report pod-level
    /// findings at.
    pub spec_key: Span,
    /// False for a partial object (a kustomize patch or overlay fragment):
    /// its explicit values are judged, but a field it lacks may come from
    /// the base, so rules do not report missing fields on it.
    pub complete: bool,
}

impl<'a> PodTemplate<'a> {
    pub fn labels(&self) -> Vec<(&'a str, &'a str)> {
        labels_of(self.metadata.and_then(|m| m.get("labels")))
    }

    /// A pod annotation.
    pub fn annotation(&self, key: &str) -> Option<&'a str> {
        self.metadata.and_then(|m| m.get("annotations")).and_then(|a| a.get(key)).and_then(Node::as_str)
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

    /// Regular and init containers: the ones a pod template defines and
    /// security and resource settings apply to (not ephemeral debug ones).
    pub fn app_containers(&self) -> Vec<Container<'a>> {
        self.containers().into_iter().filter(|c| c.kind != ContainerKind::Ephemeral).collect()
    }

    /// Long-running containers: regular ones and restartable init ones.
    pub fn serving_containers(&self) -> Vec<Container<'a>> {
        self.containers().into_iter().filter(|c| c.kind == ContainerKind::Regular || c.is_sidecar()).collect()
    }

    /// A Windows pod (`spec.os.name: windows` or Windows host-process
    /// settings): Linux security settings do not apply to it.
    pub fn is_windows(&self) -> bool {
        self.spec.str_at(&["os", "name"]) == Some("windows")
            || self.spec.path(&["securityContext", "windowsOptions"]).is_some()
            || self.spec.path(&["nodeSelector", "kubernetes.io/os"]).and_then(Node::as_str) == Some("windows")
    }

    /// The span of a pod-level key when present, else of the pod `spec:` key.
    pub fn key_span(&self, key: &str) -> Span {
        self.spec.entry(key).map_or(self.spec_key, |e| e.key.span)
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

    /// `container`, `init container` or `sidecar`, for messages.
    pub fn noun(&self) -> &'static str {
        match self.kind {
            _ if self.is_sidecar() => "Sidecar",
            ContainerKind::Regular => "Container",
            ContainerKind::Init => "Init container",
            ContainerKind::Ephemeral => "Ephemeral container",
        }
    }

    /// "Container `web` of Deployment/api", for messages.
    pub fn describe(&self, object: &K8sObject) -> String {
        format!("{} `{}` of {}", self.noun(), self.name(), object.display_name())
    }

    /// A field of the container's `securityContext`, falling back to the
    /// pod's `securityContext` for the fields a pod can set.
    pub fn security_setting(&self, key: &str) -> Option<&'a Node> {
        self.node.path(&["securityContext", key]).or_else(|| self.pod_security_setting(key))
    }

    /// The pod-level value of a field a pod `securityContext` can set.
    pub fn pod_security_setting(&self, key: &str) -> Option<&'a Node> {
        const POD_LEVEL: &[&str] =
            &["runAsUser", "runAsGroup", "runAsNonRoot", "seccompProfile", "seLinuxOptions", "appArmorProfile"];
        POD_LEVEL.contains(&key).then(|| self.pod.path(&["securityContext", key])).flatten()
    }

    /// A field of the container's own `securityContext`.
    pub fn own_security_setting(&self, key: &str) -> Option<&'a Node> {
        self.node.path(&["securityContext", key])
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

    /// True when the container declares a port with this name.
    pub fn declares_port_name(&self, name: &str) -> bool {
        self.ports().iter().any(|(n, _)| *n == Some(name))
    }

    /// True when the container declares this port number.
    pub fn declares_port_number(&self, number: i64) -> bool {
        self.ports().iter().any(|(_, p)| *p == Some(number))
    }

    /// `resources.<section>.<resource>` (`requests`/`limits`, `cpu`/`memory`).
    pub fn resource(&self, section: &str, resource: &str) -> Option<&'a Node> {
        self.node.path(&["resources", section, resource]).filter(|n| !n.is_null())
    }

    /// The span to report container-level findings at: its `name` or its start.
    pub fn report_span(&self) -> Span {
        self.node.get("name").map_or(self.node.head_span(), |n| n.span)
    }

    /// The span of a key of the container when present, else `report_span`.
    pub fn key_span(&self, key: &str) -> Span {
        self.node.entry(key).map_or(self.report_span(), |e| e.key.span)
    }
}

/// The pod template of a workload, if it has one inline.
///
/// The template is marked incomplete (see [`PodTemplate::complete`]) when
/// its file is a patch of a kustomization in the scan, or none of its
/// containers names an `image` (a patch whose kustomization is elsewhere).
pub fn pod_template(object: &K8sObject) -> Option<PodTemplate<'_>> {
    let (_, route) = WORKLOADS.iter().find(|(k, _)| *k == object.kind)?;
    if object.kind == "Rollout" && !object.api_version.starts_with("argoproj.io/") {
        return None;
    }
    let spec = object.root.path(route)?;
    if !spec.is_mapping() {
        return None;
    }
    let parent = if route.len() == 1 { Some(&object.root) } else { object.root.path(&route[..route.len() - 1]) };
    let metadata = parent.and_then(|t| t.get("metadata"));
    let spec_key = parent.map_or(spec.span, |p| p.key_span("spec"));
    let mut template = PodTemplate { object, spec, metadata, spec_key, complete: true };
    let has_image = template.main_containers().iter().any(|c| c.image().is_some());
    template.complete = has_image && !object.kustomize.patch;
    Some(template)
}

/// The pod template that runs a workload's pods: its own, or for an Argo
/// Rollout with `workloadRef`, the referenced Deployment's.
pub fn effective_pod_template<'a>(set: &'a ObjectSet, object: &'a K8sObject) -> Option<PodTemplate<'a>> {
    if let Some(template) = pod_template(object) {
        return Some(template);
    }
    let reference = object.root.path(&["spec", "workloadRef"]).filter(|_| object.kind == "Rollout")?;
    let kind = reference.str_at(&["kind"]).unwrap_or("Deployment");
    let name = reference.str_at(&["name"])?;
    set.same_namespace_of_kind(object, kind)
        .filter(|o| o.name.as_deref() == Some(name))
        .find_map(|o| pod_template(o).filter(|t| t.complete))
        .map(|t| PodTemplate { object, ..t })
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

/// Evaluates a `LabelSelector` (`matchLabels` and `matchExpressions`)
/// against labels. `None` when the selector cannot be judged (not a
/// mapping, an unknown operator, templated values). An empty selector
/// matches everything.
pub fn label_selector_matches(selector: &Node, labels: &[(&str, &str)]) -> Option<bool> {
    if !selector.is_mapping() {
        return None;
    }
    let has = |key: &str| labels.iter().find(|(k, _)| *k == key).map(|(_, v)| *v);
    for (key, value) in labels_of(selector.get("matchLabels")) {
        if value.contains(['$', '{']) {
            return None;
        }
        if has(key) != Some(value) {
            return Some(false);
        }
    }
    for expression in selector.get("matchExpressions").map(Node::items).unwrap_or(&[]) {
        let key = expression.str_at(&["key"])?;
        let values: Vec<&str> =
            expression.get("values").map(Node::items).unwrap_or(&[]).iter().filter_map(Node::as_str).collect();
        let label = has(key);
        let ok = match expression.str_at(&["operator"])? {
            "In" => label.is_some_and(|l| values.contains(&l)),
            "NotIn" => !label.is_some_and(|l| values.contains(&l)),
            "Exists" => label.is_some(),
            "DoesNotExist" => label.is_none(),
            _ => return None,
        };
        if !ok {
            return Some(false);
        }
    }
    Some(true)
}

/// True when a `LabelSelector` selects nothing explicitly (no
/// `matchLabels` and no `matchExpressions`).
pub fn selector_is_empty(selector: &Node) -> bool {
    labels_of(selector.get("matchLabels")).is_empty()
        && selector.get("matchExpressions").map(Node::items).unwrap_or(&[]).is_empty()
}

/// `spec.replicas` when written as a number.
pub fn replicas(object: &K8sObject) -> Option<i64> {
    object.root.path(&["spec", "replicas"]).and_then(Node::as_i64)
}

/// The folder of the file an object was read from.
pub fn folder(object: &K8sObject) -> &str {
    object.path.rsplit_once('/').map_or("", |(dir, _)| dir)
}

/// True when a workload lies in the same folder as `object` and could be
/// in its namespace: only then is the scan taken to show the workloads
/// `object` relates to (a lone Service or HPA proves nothing).
pub fn folder_has_workloads(set: &ObjectSet, object: &K8sObject) -> bool {
    let index = set.label_index(label_index);
    let in_folder = index.workload_folders.get(folder(object)).map_or(&[][..], Vec::as_slice);
    in_folder.iter().any(|i| set.near(object, *i).is_some())
}

/// Builds the [`LabelIndex`] of a set.
fn label_index(set: &ObjectSet) -> LabelIndex {
    fn nested(node: &Node, depth: usize, found: &mut HashSet<(String, String)>) {
        if depth > LABEL_DEPTH {
            return;
        }
        match &node.kind {
            shipshape_yaml::NodeKind::Mapping(_) => {
                for e in node.entries() {
                    if e.key.as_str() == Some("labels") {
                        found
                            .extend(labels_of(Some(&e.value)).into_iter().map(|(k, v)| (k.to_string(), v.to_string())));
                    }
                    nested(&e.value, depth + 1, found);
                }
            }
            shipshape_yaml::NodeKind::Sequence(items) => items.iter().for_each(|i| nested(i, depth + 1, found)),
            shipshape_yaml::NodeKind::Scalar(_) => {}
        }
    }
    let mut index = LabelIndex::default();
    for (i, object) in set.objects.iter().enumerate() {
        let mut found = HashSet::new();
        nested(&object.root, 0, &mut found);
        for pair in found {
            index.nested.entry(pair).or_default().push(i);
        }
        if let Some((_, path)) = POLICY_SELECTORS.iter().find(|(kind, _)| *kind == object.kind) {
            let match_labels = object.root.path(path).and_then(|s| s.get("matchLabels"));
            let pairs = labels_of(match_labels);
            if pairs.is_empty() || pairs.iter().any(|(_, v)| v.contains(['$', '{'])) {
                index.unindexed_policies.entry(object.kind.clone()).or_default().push(i);
            } else {
                for (k, v) in pairs.into_iter().collect::<HashSet<_>>() {
                    index.policies.entry((object.kind.clone(), k.to_string(), v.to_string())).or_default().push(i);
                }
            }
        }
        if object.kind == "HorizontalPodAutoscaler" {
            let target = |key: &str| object.root.str_at(&["spec", "scaleTargetRef", key]).map(str::to_string);
            if let (Some(kind), Some(name)) = (target("kind"), target("name")) {
                index.autoscalers.entry((kind, name)).or_default().push(i);
            }
        }
        if object.kind == "Service" {
            let selector: HashSet<(&str, &str)> =
                labels_of(object.root.path(&["spec", "selector"])).into_iter().collect();
            for (k, v) in selector {
                index.service_selectors.entry((k.to_string(), v.to_string())).or_default().push(i);
            }
        }
        if !WORKLOAD_KINDS.contains(&object.kind.as_str()) {
            continue;
        }
        if pod_template(object).is_some_and(|t| t.complete) {
            index.workload_folders.entry(folder(object).to_string()).or_default().push(i);
        }
        let labels = effective_pod_template(set, object).map(|t| t.labels()).unwrap_or_default();
        let unique: HashSet<(&str, &str)> = labels.into_iter().collect();
        for (k, v) in unique {
            index.templates.entry((k.to_string(), v.to_string())).or_default().push(i);
        }
    }
    index
}

/// True when a Service that may share `object`'s namespace selects pods
/// with these `labels`. Only Services whose selector names one of the
/// labels are looked at.
pub fn selected_by_a_service(set: &ObjectSet, object: &K8sObject, labels: &[(&str, &str)]) -> bool {
    let index = set.label_index(label_index);
    labels
        .iter()
        .filter_map(|(k, v)| index.service_selectors.get(&(k.to_string(), v.to_string())))
        .flatten()
        .filter_map(|i| set.near(object, *i))
        .any(|service| selector_matches(&labels_of(service.root.path(&["spec", "selector"])), labels))
}

/// The objects listed for the `selector` pair listed least often: a
/// superset of those that carry every pair.
fn rarest<'i>(postings: &'i HashMap<(String, String), Vec<usize>>, selector: &[(&str, &str)]) -> &'i [usize] {
    selector
        .iter()
        .map(|(k, v)| postings.get(&(k.to_string(), v.to_string())).map_or(&[][..], Vec::as_slice))
        .min_by_key(|p| p.len())
        .unwrap_or(&[])
}

/// How deep [`labels_defined_elsewhere`] looks for `labels` mappings.
const LABEL_DEPTH: usize = 24;

/// The pod templates of the scan, in `object`'s namespace, whose labels a
/// Service-style selector (plain `key: value` pairs) matches. Labels that
/// controllers add to pods themselves are left out of the comparison.
pub fn templates_selected_by<'a>(
    set: &'a ObjectSet,
    object: &'a K8sObject,
    selector: &[(&str, &str)],
) -> Vec<PodTemplate<'a>> {
    let selector: Vec<(&str, &str)> = selector.iter().copied().filter(|(k, _)| !is_controller_label(k)).collect();
    let found = workloads_carrying_rarest(set, object, &selector)
        .filter_map(|(rank, i, o)| Some((rank, i, effective_pod_template(set, o)?)))
        .filter(|(_, _, t)| selector_matches(&selector, &t.labels()))
        .collect();
    in_workload_order(found)
}

/// The workloads near `object` whose pod template carries the rarest of
/// the `pairs`, each with its kind's rank in [`WORKLOAD_KINDS`] and its
/// index in the scan.
fn workloads_carrying_rarest<'a>(
    set: &'a ObjectSet,
    object: &'a K8sObject,
    pairs: &[(&str, &str)],
) -> impl Iterator<Item = (usize, usize, &'a K8sObject)> + 'a {
    rarest(&set.label_index(label_index).templates, pairs)
        .iter()
        .filter_map(move |i| Some((*i, set.near(object, *i)?)))
        .filter_map(|(i, o)| Some((WORKLOAD_KINDS.iter().position(|k| *k == o.kind)?, i, o)))
}

/// The items in the order of [`workloads_near`]: by kind, then scan order.
fn in_workload_order<T>(mut found: Vec<(usize, usize, T)>) -> Vec<T> {
    found.sort_by_key(|(rank, i, _)| (*rank, *i));
    found.into_iter().map(|(_, _, item)| item).collect()
}

/// The workloads near `object`, in the order of [`workloads_near`], whose
/// pod template may be picked by the `LabelSelector` `selector`: those
/// carrying the rarest of its plain `matchLabels` pairs (every workload
/// near when it has none). A superset: callers still evaluate it.
pub fn workload_candidates<'a>(set: &'a ObjectSet, object: &'a K8sObject, selector: &Node) -> Vec<&'a K8sObject> {
    let pairs = labels_of(selector.get("matchLabels"));
    if pairs.is_empty() || pairs.iter().any(|(_, v)| v.contains(['$', '{'])) {
        return workloads_near(set, object).collect();
    }
    in_workload_order(workloads_carrying_rarest(set, object, &pairs).collect())
}

/// Kinds whose label selector picks pods, and where it is.
const POLICY_SELECTORS: &[(&str, &[&str])] =
    &[("PodDisruptionBudget", &["spec", "selector"]), ("NetworkPolicy", &["spec", "podSelector"])];

/// The objects of `kind` (PodDisruptionBudget or NetworkPolicy) near
/// `object` whose selector may pick pods labelled `labels`: those whose
/// plain `matchLabels` name one of the labels, and those without plain
/// `matchLabels`. A superset, in scan order: callers still evaluate the
/// selector.
pub fn policies_for<'a>(
    set: &'a ObjectSet,
    object: &'a K8sObject,
    kind: &str,
    labels: &[(&str, &str)],
) -> Vec<&'a K8sObject> {
    let index = set.label_index(label_index);
    let mut found: Vec<usize> = index.unindexed_policies.get(kind).cloned().unwrap_or_default();
    for (k, v) in labels {
        if let Some(listed) = index.policies.get(&(kind.to_string(), k.to_string(), v.to_string())) {
            found.extend(listed);
        }
    }
    found.sort_unstable();
    found.dedup();
    found.into_iter().filter_map(|i| set.near(object, i)).collect()
}

/// True when some pod template [`templates_selected_by`] would return
/// exists; stops at the first.
pub fn selects_any_template(set: &ObjectSet, object: &K8sObject, selector: &[(&str, &str)]) -> bool {
    let selector: Vec<(&str, &str)> = selector.iter().copied().filter(|(k, _)| !is_controller_label(k)).collect();
    workloads_carrying_rarest(set, object, &selector)
        .filter_map(|(_, _, o)| effective_pod_template(set, o))
        .any(|t| selector_matches(&selector, &t.labels()))
}

/// True when some object of the scan other than a Service-like consumer
/// of labels carries all the `selector` labels in any `labels` mapping:
/// a custom resource (a `Prometheus`, an Argo Rollouts experiment, a
/// database cluster) whose controller creates pods with those labels.
pub fn labels_defined_elsewhere(set: &ObjectSet, object: &K8sObject, selector: &[(&str, &str)]) -> bool {
    const CONSUMERS: &[&str] = &[
        "Service",
        "Ingress",
        "NetworkPolicy",
        "PodDisruptionBudget",
        "HorizontalPodAutoscaler",
        "ServiceMonitor",
        "PodMonitor",
    ];
    fn walk(node: &Node, selector: &[(&str, &str)], depth: usize) -> bool {
        if depth > LABEL_DEPTH {
            return false;
        }
        match &node.kind {
            shipshape_yaml::NodeKind::Mapping(_) => node.entries().iter().any(|e| {
                (e.key.as_str() == Some("labels") && selector_matches(selector, &labels_of(Some(&e.value))))
                    || walk(&e.value, selector, depth + 1)
            }),
            shipshape_yaml::NodeKind::Sequence(items) => items.iter().any(|i| walk(i, selector, depth + 1)),
            shipshape_yaml::NodeKind::Scalar(_) => false,
        }
    }
    rarest(&set.label_index(label_index).nested, selector)
        .iter()
        .filter_map(|i| set.near(object, *i))
        .any(|o| !CONSUMERS.contains(&o.kind.as_str()) && walk(&o.root, selector, 0))
}

/// Label keys that controllers add to pods themselves
/// (`statefulset.kubernetes.io/pod-name`, `pod-template-hash`, …): a
/// selector may name them although no template carries them.
pub fn is_controller_label(key: &str) -> bool {
    matches!(
        key,
        "statefulset.kubernetes.io/pod-name"
            | "apps.kubernetes.io/pod-index"
            | "pod-template-hash"
            | "controller-revision-hash"
            | "pod-template-generation"
            | "rollouts-pod-template-hash"
            | "controller-uid"
            | "job-name"
    ) || key.starts_with("batch.kubernetes.io/")
}

/// True when two objects are confidently part of one application: read
/// from the same folder, or placed in the same explicit namespace. Rules
/// that report an inconsistency between two objects pair them only then,
/// so that two unrelated apps of a monorepo that share a name are not
/// compared.
pub fn related(a: &K8sObject, b: &K8sObject) -> bool {
    folder(a) == folder(b) || (a.namespace.is_some() && a.namespace == b.namespace)
}

/// True when two objects are applied together, so that a reference by
/// name from one reaches the other: both rendered by one kustomize build,
/// or, when neither is rendered, read from one folder.
pub fn applied_together(a: &K8sObject, b: &K8sObject) -> bool {
    match (a.kustomize.build, b.kustomize.build) {
        (None, None) => folder(a) == folder(b),
        (x, y) => x == y,
    }
}

/// The HorizontalPodAutoscalers of the scan that target `object`.
pub fn autoscalers_of<'a>(set: &'a ObjectSet, object: &'a K8sObject) -> impl Iterator<Item = &'a K8sObject> + 'a {
    let index = set.label_index(label_index);
    let found = object
        .name
        .as_ref()
        .and_then(|name| index.autoscalers.get(&(object.kind.clone(), name.clone())))
        .map_or(&[][..], Vec::as_slice);
    found.iter().filter_map(move |i| set.near(object, *i))
}

/// The number of pods a workload runs at least: its `spec.replicas`, or
/// the `minReplicas` of an autoscaler that targets it (default 1).
pub fn minimum_replicas(set: &ObjectSet, object: &K8sObject) -> Option<i64> {
    if let Some(hpa) = autoscalers_of(set, object).next() {
        return Some(hpa.root.path(&["spec", "minReplicas"]).and_then(Node::as_i64).unwrap_or(1));
    }
    replicas(object)
}

/// True when a LimitRange that could apply to `object`'s namespace gives
/// containers a default for `resource` in `section` (`requests` or
/// `limits`). A default limit is also the default request.
pub fn limit_range_default(set: &ObjectSet, object: &K8sObject, section: &str, resource: &str) -> bool {
    set.same_namespace_of_kind(object, "LimitRange").any(|range| {
        range.root.path(&["spec", "limits"]).map(Node::items).unwrap_or(&[]).iter().any(|limit| {
            let kind = limit.str_at(&["type"]).unwrap_or("Container");
            let has = |key: &str| limit.path(&[key, resource]).is_some();
            kind == "Container" && (has("default") || (section == "requests" && has("defaultRequest")))
        })
    })
}

/// An `IntOrString` count: a number or a percentage.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum IntOrPercent {
    Int(i64),
    Percent(f64),
}

impl IntOrPercent {
    pub fn parse(node: &Node) -> Option<Self> {
        if let Some(n) = node.as_i64() {
            return Some(Self::Int(n));
        }
        let text = node.as_str()?.trim();
        if let Some(p) = text.strip_suffix('%') {
            return p.trim().parse::<f64>().ok().map(Self::Percent);
        }
        text.parse::<i64>().ok().map(Self::Int)
    }

    /// The count out of `total`, rounding a percentage up or down.
    pub fn resolve(self, total: i64, round_up: bool) -> i64 {
        match self {
            Self::Int(n) => n,
            Self::Percent(p) => {
                let exact = p * total as f64 / 100.0;
                (if round_up { exact.ceil() } else { exact.floor() }) as i64
            }
        }
    }
}

/// A resource quantity (`500m`, `1.5`, `256Mi`, `1G`, `1e3`) as a number of
/// cores or bytes.
pub fn parse_quantity(text: &str) -> Option<f64> {
    let text = text.trim();
    const SUFFIXES: &[(&str, f64)] = &[
        ("Ki", 1024.0),
        ("Mi", 1024.0 * 1024.0),
        ("Gi", 1024.0 * 1024.0 * 1024.0),
        ("Ti", 1024.0 * 1024.0 * 1024.0 * 1024.0),
        ("Pi", 1024.0 * 1024.0 * 1024.0 * 1024.0 * 1024.0),
        ("Ei", 1024.0 * 1024.0 * 1024.0 * 1024.0 * 1024.0 * 1024.0),
        ("n", 1e-9),
        ("u", 1e-6),
        ("m", 1e-3),
        ("k", 1e3),
        ("M", 1e6),
        ("G", 1e9),
        ("T", 1e12),
        ("P", 1e15),
        ("E", 1e18),
    ];
    for (suffix, factor) in SUFFIXES {
        if let Some(number) = text.strip_suffix(suffix) {
            let value = number.parse::<f64>().ok()?;
            return value.is_finite().then_some(value * factor);
        }
    }
    text.parse::<f64>().ok().filter(|v| v.is_finite())
}

/// What the kustomizations of a scan make of a file.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct KustomizeRole {
    /// The file is a patch (`patches[].path`, `patchesStrategicMerge`,
    /// `patchesJson6902[].path`): its objects are partial.
    pub patch: bool,
    /// A kustomization that builds the file adds labels to selectors
    /// (`commonLabels`, or `labels` with `includeSelectors: true`), so a
    /// workload without a selector gets one at build time.
    pub selector_labels_added: bool,
    /// The file is a resource or a patch of a kustomization of the scan:
    /// its objects are checked as rendered, not as written.
    pub consumed: bool,
    /// On objects a kustomization rendered: the build (root
    /// kustomization) they belong to.
    pub build: Option<u32>,
}

impl KustomizeRole {
    /// True when two objects may be deployed together: both of one
    /// kustomize build, or neither rendered. A build is a unit: its
    /// objects relate to one another, not to other builds or to loose
    /// manifests.
    pub fn same_build(&self, other: &KustomizeRole) -> bool {
        self.build == other.build
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantities() {
        assert_eq!(parse_quantity("500m"), Some(0.5));
        assert_eq!(parse_quantity("2"), Some(2.0));
        assert_eq!(parse_quantity("1Gi"), Some(1024.0 * 1024.0 * 1024.0));
        assert_eq!(parse_quantity("1G"), Some(1e9));
        assert_eq!(parse_quantity("128974848"), Some(128_974_848.0));
        assert_eq!(parse_quantity("1e3"), Some(1000.0));
        assert_eq!(parse_quantity("lots"), None);
        assert_eq!(parse_quantity(""), None);
    }

    #[test]
    fn int_or_percent() {
        let yaml = shipshape_yaml::parse("a: 25%\nb: 2\nc: '3'\n");
        let root = &yaml.documents[0].root;
        assert_eq!(root.get("a").and_then(IntOrPercent::parse), Some(IntOrPercent::Percent(25.0)));
        assert_eq!(root.get("b").and_then(IntOrPercent::parse), Some(IntOrPercent::Int(2)));
        assert_eq!(root.get("c").and_then(IntOrPercent::parse), Some(IntOrPercent::Int(3)));
        assert_eq!(IntOrPercent::Percent(25.0).resolve(3, true), 1);
        assert_eq!(IntOrPercent::Percent(25.0).resolve(3, false), 0);
    }

    #[test]
    fn label_selectors() {
        let yaml = shipshape_yaml::parse(
            "matchLabels: {app: web}\nmatchExpressions:\n  - {key: tier, operator: In, values: [front]}\n  - {key: canary, operator: DoesNotExist}\n",
        );
        let selector = &yaml.documents[0].root;
        assert_eq!(label_selector_matches(selector, &[("app", "web"), ("tier", "front")]), Some(true));
        assert_eq!(label_selector_matches(selector, &[("app", "web"), ("tier", "back")]), Some(false));
        assert_eq!(
            label_selector_matches(selector, &[("app", "web"), ("tier", "front"), ("canary", "1")]),
            Some(false)
        );
    }
}
