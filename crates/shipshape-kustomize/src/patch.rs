//! Strategic-merge and JSON 6902 patches, and patch target selection.
//!
//! Merged fields keep the node (and so the span) of the side that wrote
//! them: a field a patch sets points at the patch line.

use regex::Regex;
use shipshape_yaml::{Entry, Node, NodeKind};

use super::resource::Res;
use super::tree::{get_mut, remove, scalar, set_entry};

/// Fields kept from the resource when a strategic-merge patch is merged
/// at the top: they identify the object.
const IDENTITY: &[&str] = &["apiVersion", "kind"];

/// The merge key of a list field of a Kubernetes type, if it merges by key.
fn merge_key(field: &str, items: &[Node]) -> Option<&'static str> {
    Some(match field {
        "containers"
        | "initContainers"
        | "ephemeralContainers"
        | "env"
        | "volumes"
        | "imagePullSecrets"
        | "resourceClaims"
        | "secrets" => "name",
        "volumeMounts" => "mountPath",
        "volumeDevices" => "devicePath",
        "hostAliases" => "ip",
        "topologySpreadConstraints" => "topologyKey",
        "conditions" => "type",
        "ownerReferences" => "uid",
        "ports" if items.iter().any(|i| i.get("containerPort").is_some()) => "containerPort",
        "ports" => "port",
        _ => return None,
    })
}

fn directive(node: &Node) -> Option<&str> {
    node.get("$patch").and_then(Node::as_str)
}

fn is_directive_key(key: &str) -> bool {
    key.starts_with('$')
}

/// The patch without its directives (`$patch`, `$setElementOrder/…`,
/// `$retainKeys`, `$deleteFromPrimitiveList/…`).
pub(crate) fn strip(node: &Node) -> Node {
    let mut out = node.clone();
    strip_in_place(&mut out);
    out
}

fn strip_in_place(node: &mut Node) {
    match &mut node.kind {
        NodeKind::Mapping(entries) => {
            entries.retain(|e| !e.key.as_str().is_some_and(is_directive_key));
            for entry in entries {
                strip_in_place(&mut entry.value);
            }
        }
        NodeKind::Sequence(items) => {
            items.retain(|i| directive(i).is_none());
            items.iter_mut().for_each(strip_in_place);
        }
        NodeKind::Scalar(_) => {}
    }
}

/// True when a strategic-merge patch deletes the whole object.
pub(crate) fn deletes_object(patch: &Node) -> bool {
    directive(patch) == Some("delete")
}

/// Merges a strategic-merge patch into a resource. `keyed` says whether
/// lists merge by key (Kubernetes kinds) or are replaced (custom kinds).
pub(crate) fn merge_object(target: &mut Node, patch: &Node, keyed: bool) {
    let Some(entries) = patch.as_mapping() else { return };
    for entry in entries {
        let Some(key) = entry.key.as_str() else { continue };
        if IDENTITY.contains(&key) || is_directive_key(key) {
            continue;
        }
        if key == "metadata" && entry.value.is_mapping() {
            if let Some(metadata) = get_mut(target, "metadata").filter(|m| m.is_mapping()) {
                let mut value = entry.value.clone();
                remove(&mut value, "name");
                remove(&mut value, "namespace");
                merge_map(metadata, &value, keyed);
                continue;
            }
        }
        merge_entry(target, entry, keyed);
    }
}

fn merge_map(target: &mut Node, patch: &Node, keyed: bool) {
    for entry in patch.as_mapping().unwrap_or(&[]) {
        if entry.key.as_str().is_some_and(is_directive_key) {
            continue;
        }
        merge_entry(target, entry, keyed);
    }
}

fn merge_entry(target: &mut Node, entry: &Entry, keyed: bool) {
    let Some(key) = entry.key.as_str() else { return };
    let value = &entry.value;
    if value.is_null() {
        remove(target, key);
        return;
    }
    match directive(value) {
        Some("delete") => {
            remove(target, key);
            return;
        }
        Some("replace") => {
            set_entry(target, entry.key.clone(), strip(value));
            return;
        }
        _ => {}
    }
    let Some(existing) = get_mut(target, key) else {
        set_entry(target, entry.key.clone(), strip(value));
        return;
    };
    match (&mut existing.kind, &value.kind) {
        // The same value: it stays where it was first written.
        (NodeKind::Scalar(a), NodeKind::Scalar(b)) if a.value == b.value => {}
        (NodeKind::Mapping(_), NodeKind::Mapping(_)) => merge_map(existing, value, keyed),
        (NodeKind::Sequence(items), NodeKind::Sequence(patch_items)) => {
            let merge = keyed.then(|| merge_key(key, patch_items)).flatten();
            let replace = patch_items.iter().any(|i| directive(i) == Some("replace"));
            match merge {
                Some(merge_key) if !replace => merge_list(items, patch_items, merge_key, keyed),
                _ => set_entry(target, entry.key.clone(), strip(value)),
            }
        }
        _ => set_entry(target, entry.key.clone(), strip(value)),
    }
}

/// Merges a list by key. As in Kubernetes' strategic merge, the patch's
/// items come first, in its order, then the items it does not name.
fn merge_list(items: &mut Vec<Node>, patch_items: &[Node], merge_key: &str, keyed: bool) {
    let key_of = |node: &Node| node.get(merge_key).and_then(Node::as_str).map(str::to_string);
    let mut rest: Vec<Option<Node>> = std::mem::take(items).into_iter().map(Some).collect();
    let mut merged = Vec::new();
    for patch_item in patch_items {
        let wanted = key_of(patch_item);
        let position =
            wanted.as_ref().and_then(|w| rest.iter().position(|i| i.as_ref().and_then(key_of).as_ref() == Some(w)));
        let existing = position.and_then(|i| rest.get_mut(i)).and_then(Option::take);
        match (directive(patch_item), existing) {
            (Some("delete"), _) => {}
            (_, Some(mut item)) => {
                merge_map(&mut item, patch_item, keyed);
                merged.push(item);
            }
            (_, None) => merged.push(strip(patch_item)),
        }
    }
    merged.extend(rest.into_iter().flatten());
    *items = merged;
}

/// Applies one JSON 6902 operation; false when it could not apply.
pub(crate) fn apply_operation(root: &mut Node, operation: &Node) -> bool {
    let (Some(op), Some(path_node)) = (operation.str_at(&["op"]), operation.get("path")) else { return false };
    let Some(path) = path_node.as_str().map(pointer) else { return false };
    let key_span = path_node.span;
    match op {
        "add" | "replace" => {
            let Some(value) = operation.get("value") else { return false };
            put(root, &path, value.clone(), key_span, op == "add")
        }
        "remove" => take(root, &path).is_some(),
        "move" | "copy" => {
            let Some(from) = operation.str_at(&["from"]).map(pointer) else { return false };
            let value = if op == "move" { take(root, &from) } else { find(root, &from).cloned() };
            value.is_some_and(|v| put(root, &path, v, key_span, true))
        }
        _ => true,
    }
}

/// The tokens of a JSON pointer (`~1` is `/`, `~0` is `~`).
fn pointer(path: &str) -> Vec<String> {
    path.split('/').skip(1).map(|t| t.replace("~1", "/").replace("~0", "~")).collect()
}

fn child_mut<'a>(node: &'a mut Node, token: &str) -> Option<&'a mut Node> {
    match &mut node.kind {
        NodeKind::Mapping(entries) => entries.iter_mut().find(|e| e.key.as_str() == Some(token)).map(|e| &mut e.value),
        NodeKind::Sequence(items) => token.parse::<usize>().ok().and_then(move |i| items.get_mut(i)),
        NodeKind::Scalar(_) => None,
    }
}

fn find<'a>(node: &'a Node, path: &[String]) -> Option<&'a Node> {
    path.iter().try_fold(node, |node, token| match &node.kind {
        NodeKind::Mapping(_) => node.get(token),
        NodeKind::Sequence(items) => token.parse::<usize>().ok().and_then(|i| items.get(i)),
        NodeKind::Scalar(_) => None,
    })
}

fn parent_mut<'a>(root: &'a mut Node, path: &'a [String]) -> Option<(&'a mut Node, &'a str)> {
    let (last, parents) = path.split_last()?;
    let parent = parents.iter().try_fold(root, |node, token| child_mut(node, token))?;
    Some((parent, last.as_str()))
}

fn put(root: &mut Node, path: &[String], value: Node, key_span: shipshape_diagnostics::Span, add: bool) -> bool {
    if path.is_empty() {
        *root = value;
        return true;
    }
    let Some((parent, last)) = parent_mut(root, path) else { return false };
    match &mut parent.kind {
        NodeKind::Mapping(_) => {
            if !add && parent.get(last).is_none() {
                return false;
            }
            set_entry(parent, scalar(last, key_span), value);
            true
        }
        NodeKind::Sequence(items) => {
            if last == "-" {
                items.push(value);
                return true;
            }
            let Ok(index) = last.parse::<usize>() else { return false };
            match (add, index <= items.len(), items.get_mut(index)) {
                (false, _, Some(slot)) => *slot = value,
                (true, true, _) => items.insert(index, value),
                _ => return false,
            }
            true
        }
        NodeKind::Scalar(_) => false,
    }
}

fn take(root: &mut Node, path: &[String]) -> Option<Node> {
    let (parent, last) = parent_mut(root, path)?;
    match &mut parent.kind {
        NodeKind::Mapping(_) => remove(parent, last).map(|e| e.value),
        NodeKind::Sequence(items) => {
            let index = last.parse::<usize>().ok().filter(|i| *i < items.len())?;
            Some(items.remove(index))
        }
        NodeKind::Scalar(_) => None,
    }
}

/// A patch `target`: every field is an anchored regular expression.
pub(crate) struct Selector {
    group: Option<Pattern>,
    version: Option<Pattern>,
    kind: Option<Pattern>,
    name: Option<Pattern>,
    namespace: Option<Pattern>,
    labels: Option<Vec<Requirement>>,
    annotations: Option<Vec<Requirement>>,
}

enum Pattern {
    Exact(String),
    Regex(Regex),
}

impl Pattern {
    fn new(text: &str) -> Self {
        if text.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '/')) {
            return Self::Exact(text.to_string());
        }
        match Regex::new(&format!("^(?:{text})$")) {
            Ok(regex) => Self::Regex(regex),
            Err(_) => Self::Exact(text.to_string()),
        }
    }

    fn matches(&self, value: &str) -> bool {
        match self {
            Self::Exact(text) => text == value,
            Self::Regex(regex) => regex.is_match(value),
        }
    }
}

impl Selector {
    pub(crate) fn from_node(node: &Node) -> Option<Self> {
        if !node.is_mapping() {
            return None;
        }
        let field = |key: &str| node.str_at(&[key]).filter(|v| !v.is_empty()).map(Pattern::new);
        Some(Self {
            group: field("group"),
            version: field("version"),
            kind: field("kind"),
            name: field("name"),
            namespace: field("namespace"),
            labels: node.str_at(&["labelSelector"]).map(parse_requirements),
            annotations: node.str_at(&["annotationSelector"]).map(parse_requirements),
        })
    }

    /// A selector naming exactly one object, as `patchesJson6902` targets do.
    pub(crate) fn matches(&self, res: &Res) -> bool {
        let matches = |pattern: &Option<Pattern>, value: &str| pattern.as_ref().is_none_or(|p| p.matches(value));
        if !matches(&self.group, res.group())
            || !matches(&self.version, res.version())
            || !matches(&self.kind, res.kind())
        {
            return false;
        }
        let ids = res.original_and_current();
        if !ids.iter().any(|(name, _)| matches(&self.name, name)) {
            return false;
        }
        if !ids.iter().any(|(_, namespace)| matches(&self.namespace, namespace)) {
            return false;
        }
        let labels = labels_of(res.root.path(&["metadata", "labels"]));
        let annotations = labels_of(res.root.path(&["metadata", "annotations"]));
        self.labels.as_ref().is_none_or(|r| r.iter().all(|r| r.matches(&labels)))
            && self.annotations.as_ref().is_none_or(|r| r.iter().all(|r| r.matches(&annotations)))
    }

    /// `Kind/name` for messages.
    pub(crate) fn describe(node: &Node) -> String {
        let mut parts = Vec::new();
        if let Some(kind) = node.str_at(&["kind"]) {
            parts.push(kind.to_string());
        }
        if let Some(name) = node.str_at(&["name"]) {
            parts.push(format!("named `{name}`"));
        }
        if let Some(selector) = node.str_at(&["labelSelector"]) {
            parts.push(format!("labelled `{selector}`"));
        }
        if parts.is_empty() {
            "any object".to_string()
        } else {
            parts.join(" ")
        }
    }
}

/// One term of a label selector string (`app=web`, `tier in (a,b)`, `!canary`).
enum Requirement {
    Equals(String, String),
    NotEquals(String, String),
    In(String, Vec<String>),
    NotIn(String, Vec<String>),
    Exists(String),
    Missing(String),
}

impl Requirement {
    fn matches(&self, labels: &[(&str, &str)]) -> bool {
        let value = |key: &str| labels.iter().find(|(k, _)| *k == key).map(|(_, v)| *v);
        match self {
            Self::Equals(k, v) => value(k) == Some(v.as_str()),
            Self::NotEquals(k, v) => value(k) != Some(v.as_str()),
            Self::In(k, values) => value(k).is_some_and(|v| values.iter().any(|w| w == v)),
            Self::NotIn(k, values) => !value(k).is_some_and(|v| values.iter().any(|w| w == v)),
            Self::Exists(k) => value(k).is_some(),
            Self::Missing(k) => value(k).is_none(),
        }
    }
}

fn parse_requirements(text: &str) -> Vec<Requirement> {
    let mut terms = Vec::new();
    let mut depth = 0usize;
    let mut start = 0;
    for (i, c) in text.char_indices() {
        match c {
            '(' => depth += 1,
            ')' => depth = depth.saturating_sub(1),
            ',' if depth == 0 => {
                terms.push(&text[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    terms.push(&text[start..]);
    terms.into_iter().map(str::trim).filter(|t| !t.is_empty()).map(parse_requirement).collect()
}

fn parse_requirement(term: &str) -> Requirement {
    let set = |rest: &str| -> Vec<String> {
        rest.trim().trim_start_matches('(').trim_end_matches(')').split(',').map(|v| v.trim().to_string()).collect()
    };
    if let Some((key, value)) = term.split_once("!=") {
        return Requirement::NotEquals(key.trim().to_string(), value.trim().to_string());
    }
    if let Some((key, value)) = term.split_once("==").or_else(|| term.split_once('=')) {
        return Requirement::Equals(key.trim().to_string(), value.trim().to_string());
    }
    if let Some((key, rest)) = term.split_once(" notin ") {
        return Requirement::NotIn(key.trim().to_string(), set(rest));
    }
    if let Some((key, rest)) = term.split_once(" in ") {
        return Requirement::In(key.trim().to_string(), set(rest));
    }
    match term.strip_prefix('!') {
        Some(key) => Requirement::Missing(key.trim().to_string()),
        None => Requirement::Exists(term.to_string()),
    }
}

/// The id a strategic-merge patch names: (apiVersion, kind, name, namespace).
pub(crate) fn patch_id(patch: &Node) -> Option<(&str, &str, &str, Option<&str>)> {
    Some((
        patch.str_at(&["apiVersion"]).unwrap_or_default(),
        patch.str_at(&["kind"])?,
        patch.str_at(&["metadata", "name"])?,
        patch.str_at(&["metadata", "namespace"]),
    ))
}

/// `Kind/name` of a strategic-merge patch, for messages.
pub(crate) fn describe_patch(patch: &Node) -> String {
    match patch_id(patch) {
        Some((_, kind, name, _)) => format!("{kind}/{name}"),
        None => "an object".to_string(),
    }
}

/// `key: value` pairs of a labels mapping.
fn labels_of(node: Option<&Node>) -> Vec<(&str, &str)> {
    node.map(|n| n.entries())
        .unwrap_or_default()
        .into_iter()
        .filter_map(|e| Some((e.key.as_str()?, e.value.as_str()?)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn yaml(text: &str) -> Node {
        shipshape_yaml::parse(text).documents.remove(0).root
    }

    #[test]
    fn strategic_merge_by_key_and_delete() {
        let mut base = yaml(
            "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n  replicas: 1\n  template:\n    spec:\n      containers:\n        - {name: a, image: x, env: [{name: A, value: '1'}]}\n        - {name: b, image: y}\n",
        );
        let patch = yaml(
            "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web, labels: {x: y}}\nspec:\n  replicas: 3\n  template:\n    spec:\n      containers:\n        - {name: a, env: [{name: B, value: '2'}]}\n        - {name: b, $patch: delete}\n        - {name: c, image: z}\n",
        );
        merge_object(&mut base, &patch, true);
        assert_eq!(base.str_at(&["spec", "replicas"]), Some("3"));
        assert_eq!(base.str_at(&["metadata", "labels", "x"]), Some("y"));
        let containers = base.path(&["spec", "template", "spec", "containers"]).expect("test data").items();
        let names: Vec<_> = containers.iter().filter_map(|c| c.str_at(&["name"])).collect();
        assert_eq!(names, ["a", "c"]);
        assert_eq!(containers[0].str_at(&["image"]), Some("x"));
        assert_eq!(containers[0].get("env").expect("test data").items().len(), 2);
        // Custom kinds replace lists.
        let mut base = yaml("spec: {containers: [{name: a, image: x}, {name: b}]}\n");
        merge_object(&mut base, &yaml("spec: {containers: [{name: a, image: z}]}\n"), false);
        assert_eq!(base.path(&["spec", "containers"]).expect("test data").items().len(), 1);
    }

    #[test]
    fn json_patch_operations() {
        let mut base = yaml("spec:\n  containers:\n    - {name: a, image: x}\n  replicas: 1\n");
        let ops = yaml(
            "- {op: replace, path: /spec/containers/0/image, value: y}\n- {op: add, path: /spec/containers/-, value: {name: b}}\n- {op: remove, path: /spec/replicas}\n- {op: add, path: /metadata~1x, value: 1}\n",
        );
        for op in ops.items() {
            assert!(apply_operation(&mut base, op));
        }
        assert!(base.str_at(&["spec", "containers"]).is_none());
        assert_eq!(base.path(&["spec", "containers"]).expect("test data").items()[0].str_at(&["image"]), Some("y"));
        assert_eq!(base.path(&["spec", "containers"]).expect("test data").items().len(), 2);
        assert!(base.path(&["spec", "replicas"]).is_none());
        assert_eq!(base.str_at(&["metadata/x"]), Some("1"));
        let bad = yaml("{op: replace, path: /nope/deeper, value: 1}\n");
        assert!(!apply_operation(&mut base, &bad));
    }

    #[test]
    fn label_selector_strings() {
        let r = parse_requirements("app=web, tier in (a, b),!canary");
        let labels = [("app", "web"), ("tier", "b")];
        assert!(r.iter().all(|r| r.matches(&labels)));
        assert!(!parse_requirements("app!=web").iter().all(|r| r.matches(&labels)));
    }
}
