//! The built-in transformers: namespace, name prefix and suffix, labels,
//! annotations, images, replicas, and the name references kustomize
//! updates after a rename. Values a transformer sets carry the span of the
//! kustomization entry that set them.

use std::collections::HashMap;

use shipshape_diagnostics::Span;
use shipshape_yaml::{Node, NodeKind};

use super::resource::Res;
use super::tree::{ensure_mapping, get_mut, path_mut, scalar, set_entry, set_value, string, with_value};

/// Kinds whose name kustomize never prefixes or suffixes.
const NOT_RENAMED: &[&str] = &["CustomResourceDefinition", "APIService", "Namespace"];

/// Kinds with a pod template at `spec/template` (labels and annotations
/// reach it).
const TEMPLATED: &[&str] = &["Deployment", "ReplicaSet", "DaemonSet", "StatefulSet", "Job", "ReplicationController"];

pub(crate) fn namespace(ra: &mut [Res], key: &Node, value: &Node) {
    let Some(namespace) = value.as_str() else { return };
    for res in ra.iter_mut() {
        if res.kind() == "Namespace" && res.builtin() {
            if let Some(name) = path_mut(&mut res.root, &["metadata", "name"]) {
                *name = with_value(value, namespace);
            }
        } else if !res.cluster_scoped() {
            if let Some(metadata) = ensure_mapping(&mut res.root, "metadata", key.span) {
                set_entry(metadata, key.clone(), value.clone());
            }
        }
        // Subjects named `default` get the namespace (kustomize's default mode).
        if matches!(res.kind(), "RoleBinding" | "ClusterRoleBinding") {
            if let Some(subjects) = get_mut(&mut res.root, "subjects") {
                for subject in subjects.items_mut().iter_mut().filter(|s| s.str_at(&["name"]) == Some("default")) {
                    set_entry(subject, key.clone(), value.clone());
                }
            }
        }
        res.record_id();
    }
}

pub(crate) fn prefix_suffix(ra: &mut [Res], prefix: Option<&str>, suffix: Option<&str>) {
    for res in ra.iter_mut() {
        if NOT_RENAMED.contains(&res.kind()) {
            continue;
        }
        let Some(name) = path_mut(&mut res.root, &["metadata", "name"]) else { continue };
        let Some(current) = name.as_str() else { continue };
        let renamed = format!("{}{current}{}", prefix.unwrap_or_default(), suffix.unwrap_or_default());
        *name = with_value(name, &renamed);
        res.record_id();
    }
}

/// Where labels go: (kinds, group or any, route, create when missing).
type FieldSpec = (&'static [&'static str], Option<&'static str>, &'static [&'static str], bool);

const TEMPLATE_LABELS: &[FieldSpec] = &[
    (TEMPLATED, None, &["spec", "template", "metadata", "labels"], true),
    (&["CronJob"], None, &["spec", "jobTemplate", "metadata", "labels"], true),
    (&["CronJob"], None, &["spec", "jobTemplate", "spec", "template", "metadata", "labels"], true),
];

const SELECTOR_LABELS: &[FieldSpec] = &[
    (&["Service"], Some(""), &["spec", "selector"], true),
    (&["ReplicationController"], None, &["spec", "selector"], true),
    (&["Deployment", "ReplicaSet", "DaemonSet", "StatefulSet"], None, &["spec", "selector", "matchLabels"], true),
    (&["StatefulSet"], Some("apps"), &["spec", "volumeClaimTemplates", "metadata", "labels"], true),
    (&["Job"], Some("batch"), &["spec", "selector", "matchLabels"], false),
    (&["CronJob"], Some("batch"), &["spec", "jobTemplate", "spec", "selector", "matchLabels"], false),
    (&["PodDisruptionBudget"], Some("policy"), &["spec", "selector", "matchLabels"], false),
    (&["NetworkPolicy"], Some("networking.k8s.io"), &["spec", "podSelector", "matchLabels"], false),
    (&["NetworkPolicy"], Some("networking.k8s.io"), &["spec", "ingress", "from", "podSelector", "matchLabels"], false),
    (&["NetworkPolicy"], Some("networking.k8s.io"), &["spec", "egress", "to", "podSelector", "matchLabels"], false),
    (
        &["Deployment", "StatefulSet"],
        Some("apps"),
        &["spec", "template", "spec", "topologySpreadConstraints", "labelSelector", "matchLabels"],
        false,
    ),
];

const TEMPLATE_ANNOTATIONS: &[FieldSpec] = &[
    (TEMPLATED, None, &["spec", "template", "metadata", "annotations"], true),
    (&["CronJob"], None, &["spec", "jobTemplate", "metadata", "annotations"], true),
    (&["CronJob"], None, &["spec", "jobTemplate", "spec", "template", "metadata", "annotations"], true),
];

/// Adds `pairs` to the mapping at `route`, going through lists on the way.
fn add_at(node: &mut Node, route: &[&str], create: bool, span: Span, pairs: &[(Node, Node)]) {
    let Some((first, rest)) = route.split_first() else {
        for (key, value) in pairs {
            set_entry(node, key.clone(), value.clone());
        }
        return;
    };
    match &mut node.kind {
        NodeKind::Sequence(items) => items.iter_mut().for_each(|i| add_at(i, route, create, span, pairs)),
        NodeKind::Mapping(_) => {
            let child = if create { ensure_mapping(node, first, span) } else { get_mut(node, first) };
            if let Some(child) = child {
                add_at(child, rest, create, span, pairs);
            }
        }
        NodeKind::Scalar(_) => {}
    }
}

fn apply_specs(res: &mut Res, specs: &[FieldSpec], span: Span, pairs: &[(Node, Node)]) {
    let (kind, group) = (res.kind().to_string(), res.group().to_string());
    for (kinds, wanted_group, route, create) in specs {
        if kinds.contains(&kind.as_str()) && wanted_group.is_none_or(|g| g == group) {
            add_at(&mut res.root, route, *create, span, pairs);
        }
    }
}

/// A field spec from a kustomization's `configurations` file.
#[derive(Debug, Clone, Default)]
pub(crate) struct CustomSpec {
    kind: Option<String>,
    group: Option<String>,
    route: Vec<String>,
    create: bool,
}

/// Field specs of `configurations` files, per transformer.
#[derive(Debug, Clone, Default)]
pub(crate) struct CustomSpecs {
    pub(crate) labels: Vec<CustomSpec>,
    pub(crate) annotations: Vec<CustomSpec>,
}

impl CustomSpecs {
    /// Reads the `commonLabels` and `commonAnnotations` lists of a
    /// transformer configuration document.
    pub(crate) fn read(&mut self, config: &Node) {
        for (key, out) in [("commonLabels", &mut self.labels), ("commonAnnotations", &mut self.annotations)] {
            for spec in config.get(key).map(Node::items).unwrap_or(&[]) {
                let Some(path) = spec.str_at(&["path"]) else { continue };
                out.push(CustomSpec {
                    kind: spec.str_at(&["kind"]).map(str::to_string),
                    group: spec.str_at(&["group"]).map(str::to_string),
                    route: path.split('/').map(|p| p.trim_end_matches("[]").to_string()).collect(),
                    create: spec.get("create").and_then(Node::as_bool) == Some(true),
                });
            }
        }
    }
}

fn apply_custom(res: &mut Res, specs: &[CustomSpec], span: Span, pairs: &[(Node, Node)]) {
    for spec in specs {
        let kind_ok = spec.kind.as_deref().is_none_or(|k| k == res.kind());
        let group_ok = spec.group.as_deref().is_none_or(|g| g == res.group());
        if kind_ok && group_ok {
            let route: Vec<&str> = spec.route.iter().map(String::as_str).collect();
            add_at(&mut res.root, &route, spec.create, span, pairs);
        }
    }
}

/// `key: value` pairs of a mapping node, cloned (values as strings).
pub(crate) fn pairs_of(node: &Node) -> Vec<(Node, Node)> {
    node.entries()
        .into_iter()
        .filter_map(|e| {
            let value = e.value.as_str().unwrap_or_default();
            e.key.as_str().map(|_| (e.key.clone(), string(value, e.value.span)))
        })
        .collect()
}

/// Labels on metadata, and optionally on pod templates and selectors
/// (with the custom field specs of `configurations`).
pub(crate) fn labels(ra: &mut [Res], node: &Node, templates: bool, selectors: bool, custom: &CustomSpecs) {
    let pairs = pairs_of(node);
    if pairs.is_empty() {
        return;
    }
    for res in ra.iter_mut() {
        if let Some(metadata) = ensure_mapping(&mut res.root, "metadata", node.span) {
            add_at(metadata, &["labels"], true, node.span, &pairs);
        }
        if templates || selectors {
            apply_specs(res, TEMPLATE_LABELS, node.span, &pairs);
        }
        if selectors {
            apply_specs(res, SELECTOR_LABELS, node.span, &pairs);
            apply_custom(res, &custom.labels, node.span, &pairs);
        }
    }
}

pub(crate) fn annotations(ra: &mut [Res], node: &Node, custom: &CustomSpecs) {
    let pairs = pairs_of(node);
    if pairs.is_empty() {
        return;
    }
    for res in ra.iter_mut() {
        if let Some(metadata) = ensure_mapping(&mut res.root, "metadata", node.span) {
            add_at(metadata, &["annotations"], true, node.span, &pairs);
        }
        apply_specs(res, TEMPLATE_ANNOTATIONS, node.span, &pairs);
        apply_custom(res, &custom.annotations, node.span, &pairs);
    }
}

/// The name of an image reference, without tag or digest.
pub(crate) fn image_name(image: &str) -> &str {
    let without_digest = image.split('@').next().unwrap_or(image);
    match without_digest.rfind(':') {
        Some(colon) if !without_digest[colon..].contains('/') => &without_digest[..colon],
        _ => without_digest,
    }
}

/// Applies one `images` entry; returns true when it matched a container.
pub(crate) fn image(ra: &mut [Res], entry: &Node) -> bool {
    let Some(name) = entry.str_at(&["name"]) else { return false };
    let mut matched = false;
    for res in ra.iter_mut() {
        rewrite_images(&mut res.root, name, entry, &mut matched, 0);
    }
    matched
}

fn rewrite_images(node: &mut Node, name: &str, entry: &Node, matched: &mut bool, depth: usize) {
    if depth > 64 {
        return;
    }
    match &mut node.kind {
        NodeKind::Mapping(entries) => {
            for e in entries.iter_mut() {
                let is_containers = matches!(e.key.as_str(), Some("containers" | "initContainers"));
                if is_containers {
                    for container in e.value.items_mut() {
                        if let Some(image) = get_mut(container, "image") {
                            if let Some(new) = image.as_str().and_then(|i| retag(i, name, entry)) {
                                *image = new;
                                *matched = true;
                            }
                        }
                    }
                }
                rewrite_images(&mut e.value, name, entry, matched, depth + 1);
            }
        }
        NodeKind::Sequence(items) => items.iter_mut().for_each(|i| rewrite_images(i, name, entry, matched, depth + 1)),
        NodeKind::Scalar(_) => {}
    }
}

trait ItemsMut {
    fn items_mut(&mut self) -> &mut [Node];
}

impl ItemsMut for Node {
    fn items_mut(&mut self) -> &mut [Node] {
        match &mut self.kind {
            NodeKind::Sequence(items) => items,
            _ => &mut [],
        }
    }
}

/// The new image node when `image` is the entry's image, else `None`.
fn retag(image: &str, name: &str, entry: &Node) -> Option<Node> {
    let base = image_name(image);
    if base != name {
        return None;
    }
    let suffix = &image[base.len()..];
    let new_name = entry.get("newName").and_then(|n| n.as_str().map(|s| (s, n.span)));
    let new_tag = entry.get("newTag").and_then(|n| n.as_str().map(|s| (s, n.span)));
    let digest = entry.get("digest").and_then(|n| n.as_str().map(|s| (s, n.span)));
    let stem = new_name.map_or(base, |(n, _)| n);
    let (value, span) = match (digest, new_tag) {
        (Some((digest, span)), _) => (format!("{stem}@{digest}"), span),
        (None, Some((tag, span))) => (format!("{stem}:{tag}"), span),
        (None, None) => (format!("{stem}{suffix}"), new_name.map_or(entry.span, |(_, s)| s)),
    };
    Some(string(&value, span))
}

const REPLICATED: &[&str] = &["Deployment", "ReplicationController", "ReplicaSet", "StatefulSet"];

/// Applies one `replicas` entry; returns true when it matched.
pub(crate) fn replicas(ra: &mut [Res], entry: &Node) -> bool {
    let (Some(name), Some(count)) = (entry.str_at(&["name"]), entry.entry("count")) else { return false };
    let mut matched = false;
    for res in ra.iter_mut() {
        if !REPLICATED.contains(&res.kind()) || !res.ids.iter().any(|(n, _)| n == name) {
            continue;
        }
        if let Some(spec) = ensure_mapping(&mut res.root, "spec", count.key.span) {
            set_entry(spec, scalar("replicas", count.key.span), count.value.clone());
            matched = true;
        }
    }
    matched
}

/// Routes to the pod spec of kinds kustomize updates references in.
fn pod_spec_route(kind: &str) -> Option<&'static [&'static str]> {
    Some(match kind {
        "Pod" => &["spec"],
        "PodTemplate" => &["template", "spec"],
        "Deployment" | "ReplicaSet" | "DaemonSet" | "StatefulSet" | "Job" | "ReplicationController" => {
            &["spec", "template", "spec"]
        }
        "CronJob" => &["spec", "jobTemplate", "spec", "template", "spec"],
        _ => return None,
    })
}

/// References to objects of a kind from a pod spec.
const POD_SPEC_REFERENCES: &[(&str, &[&str])] = &[
    ("ConfigMap", &["volumes", "configMap", "name"]),
    ("ConfigMap", &["volumes", "projected", "sources", "configMap", "name"]),
    ("ConfigMap", &["containers", "env", "valueFrom", "configMapKeyRef", "name"]),
    ("ConfigMap", &["initContainers", "env", "valueFrom", "configMapKeyRef", "name"]),
    ("ConfigMap", &["containers", "envFrom", "configMapRef", "name"]),
    ("ConfigMap", &["initContainers", "envFrom", "configMapRef", "name"]),
    ("Secret", &["volumes", "secret", "secretName"]),
    ("Secret", &["volumes", "projected", "sources", "secret", "name"]),
    ("Secret", &["containers", "env", "valueFrom", "secretKeyRef", "name"]),
    ("Secret", &["initContainers", "env", "valueFrom", "secretKeyRef", "name"]),
    ("Secret", &["containers", "envFrom", "secretRef", "name"]),
    ("Secret", &["initContainers", "envFrom", "secretRef", "name"]),
    ("Secret", &["imagePullSecrets", "name"]),
    ("ServiceAccount", &["serviceAccountName"]),
    ("PersistentVolumeClaim", &["volumes", "persistentVolumeClaim", "claimName"]),
    ("PriorityClass", &["priorityClassName"]),
];

/// Other references: (kind referred to, referring kind, route).
const OBJECT_REFERENCES: &[(&str, &str, &[&str])] = &[
    ("Secret", "Ingress", &["spec", "tls", "secretName"]),
    ("Secret", "ServiceAccount", &["imagePullSecrets", "name"]),
    ("Service", "StatefulSet", &["spec", "serviceName"]),
    ("Service", "Ingress", &["spec", "rules", "http", "paths", "backend", "serviceName"]),
    ("Service", "Ingress", &["spec", "backend", "serviceName"]),
    ("Service", "Ingress", &["spec", "rules", "http", "paths", "backend", "service", "name"]),
    ("Service", "Ingress", &["spec", "defaultBackend", "service", "name"]),
    ("Service", "APIService", &["spec", "service", "name"]),
    ("Service", "ValidatingWebhookConfiguration", &["webhooks", "clientConfig", "service", "name"]),
    ("Service", "MutatingWebhookConfiguration", &["webhooks", "clientConfig", "service", "name"]),
    ("Service", "HTTPRoute", &["spec", "rules", "backendRefs", "name"]),
    ("StorageClass", "PersistentVolumeClaim", &["spec", "storageClassName"]),
    ("StorageClass", "PersistentVolume", &["spec", "storageClassName"]),
    ("StorageClass", "StatefulSet", &["spec", "volumeClaimTemplates", "spec", "storageClassName"]),
    ("PersistentVolume", "PersistentVolumeClaim", &["spec", "volumeName"]),
    ("IngressClass", "Ingress", &["spec", "ingressClassName"]),
];

/// Renamed or moved objects: kind → old name → (new name, namespace).
pub(crate) type Renames = HashMap<String, HashMap<String, (String, Option<String>)>>;

fn rename_at(node: &mut Node, route: &[&str], renames: &HashMap<String, (String, Option<String>)>) {
    let Some((first, rest)) = route.split_first() else {
        let renamed = node.as_str().and_then(|old| renames.get(old)).filter(|(new, _)| node.as_str() != Some(new));
        if let Some((new, _)) = renamed {
            *node = with_value(node, new);
        }
        return;
    };
    match &mut node.kind {
        NodeKind::Sequence(items) => items.iter_mut().for_each(|i| rename_at(i, route, renames)),
        NodeKind::Mapping(_) => {
            if let Some(child) = get_mut(node, first) {
                rename_at(child, rest, renames);
            }
        }
        NodeKind::Scalar(_) => {}
    }
}

/// Points references at the new names of renamed objects.
pub(crate) fn update_references(res: &mut Res, renames: &Renames) {
    let kind = res.kind().to_string();
    if let Some(route) = pod_spec_route(&kind) {
        if let Some(spec) = path_mut(&mut res.root, route) {
            for (target, path) in POD_SPEC_REFERENCES {
                if let Some(map) = renames.get(*target) {
                    rename_at(spec, path, map);
                }
            }
        }
    }
    for (target, referrer, path) in OBJECT_REFERENCES {
        if *referrer == kind {
            if let Some(map) = renames.get(*target) {
                rename_at(&mut res.root, path, map);
            }
        }
    }
    // References that say which kind they name.
    let typed: &[(&[&str], &[&str])] = match kind.as_str() {
        "RoleBinding" | "ClusterRoleBinding" => &[(&["roleRef"], &["Role", "ClusterRole"])],
        "HorizontalPodAutoscaler" => {
            &[(&["spec", "scaleTargetRef"], &["Deployment", "ReplicaSet", "StatefulSet", "ReplicationController"])]
        }
        _ => &[],
    };
    for (route, kinds) in typed {
        let Some(reference) = path_mut(&mut res.root, route) else { continue };
        let Some(target) = reference.str_at(&["kind"]).filter(|k| kinds.contains(k)).map(str::to_string) else {
            continue;
        };
        if let Some(map) = renames.get(&target) {
            rename_at(reference, &["name"], map);
        }
    }
    // A subject that names a service account of the build follows its
    // name and namespace.
    if matches!(kind.as_str(), "RoleBinding" | "ClusterRoleBinding") {
        if let (Some(map), Some(subjects)) = (renames.get("ServiceAccount"), get_mut(&mut res.root, "subjects")) {
            for subject in subjects.items_mut() {
                if subject.str_at(&["kind"]) != Some("ServiceAccount") {
                    continue;
                }
                let Some((_, namespace)) = subject.str_at(&["name"]).and_then(|n| map.get(n)).cloned() else {
                    continue;
                };
                rename_at(subject, &["name"], map);
                if let Some(namespace) = namespace {
                    let span = subject.get("name").map_or(subject.span, |n| n.span);
                    set_value(subject, "namespace", span, string(&namespace, span));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn res(text: &str) -> Res {
        Res::new(shipshape_yaml::parse(text).documents.remove(0).root, 0, "x.yaml")
    }

    #[test]
    fn image_names() {
        assert_eq!(image_name("nginx"), "nginx");
        assert_eq!(image_name("nginx:1.2"), "nginx");
        assert_eq!(image_name("reg:5000/team/app:1"), "reg:5000/team/app");
        assert_eq!(image_name("reg:5000/team/app"), "reg:5000/team/app");
        assert_eq!(image_name("app@sha256:abc"), "app");
        assert_eq!(image_name("app:1@sha256:abc"), "app");
    }

    #[test]
    fn images_and_replicas() {
        let mut ra = vec![res(
            "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n  template:\n    spec:\n      containers: [{name: a, image: 'nginx:1'}]\n      initContainers: [{name: b, image: busybox}]\n",
        )];
        let entry = shipshape_yaml::parse("{name: nginx, newName: reg/nginx, newTag: '2'}").documents.remove(0).root;
        assert!(image(&mut ra, &entry));
        let missing = shipshape_yaml::parse("{name: redis, newTag: '2'}").documents.remove(0).root;
        assert!(!image(&mut ra, &missing));
        let containers = ra[0].root.path(&["spec", "template", "spec", "containers"]).expect("test data").items();
        assert_eq!(containers[0].str_at(&["image"]), Some("reg/nginx:2"));
        let entry = shipshape_yaml::parse("{name: web, count: 3}").documents.remove(0).root;
        assert!(replicas(&mut ra, &entry));
        assert_eq!(ra[0].root.str_at(&["spec", "replicas"]), Some("3"));
    }

    #[test]
    fn labels_reach_selectors_and_references_follow_renames() {
        let mut ra = vec![
            res("apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n  template:\n    spec:\n      serviceAccountName: runner\n      containers: [{name: a, envFrom: [{configMapRef: {name: cfg}}]}]\n"),
            res("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: cfg}\n"),
        ];
        let node = shipshape_yaml::parse("{team: shop}").documents.remove(0).root;
        labels(&mut ra, &node, false, true, &CustomSpecs::default());
        assert_eq!(ra[0].root.str_at(&["spec", "selector", "matchLabels", "team"]), Some("shop"));
        assert_eq!(ra[0].root.str_at(&["spec", "template", "metadata", "labels", "team"]), Some("shop"));
        prefix_suffix(&mut ra, Some("p-"), None);
        let mut renames = Renames::new();
        renames.entry("ConfigMap".into()).or_default().insert("cfg".into(), ("p-cfg".into(), None));
        let (first, _) = ra.split_at_mut(1);
        update_references(&mut first[0], &renames);
        let container = &ra[0].root.path(&["spec", "template", "spec", "containers"]).expect("test data").items()[0];
        assert_eq!(
            container.path(&["envFrom"]).expect("test data").items()[0].str_at(&["configMapRef", "name"]),
            Some("p-cfg")
        );
        assert_eq!(ra[1].name(), "p-cfg");
    }
}
