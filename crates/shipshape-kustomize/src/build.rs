//! Accumulating a kustomization: its resources, generators, components,
//! then its transformers and patches, in kustomize's order.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::rc::Rc;

use shipshape_diagnostics::Span;
use shipshape_yaml::{Entry, Node};

use super::files::{is_remote, join, Files};
use super::patch::{self, Selector};
use super::resource::{objects_of, Res};
use super::transform::{self, CustomSpecs, Renames};
use super::tree::{mapping, parse_embedded, scalar, set_entry, string};
use crate::{FileId, FileRole};

/// Fields whose presence means the render cannot know every object or
/// every change (plugins, Helm charts): patches and images that match
/// nothing there are not reported.
const OPAQUE_FIELDS: &[&str] = &["helmCharts", "helmChartInflationGenerator", "generators", "transformers"];

/// Bounds how deep kustomizations may include one another.
const MAX_DEPTH: usize = 32;

/// Where a patch document comes from and how its use is recorded.
struct Site {
    /// (entry span, document index)
    key: (Span, usize),
    report: Span,
    complete: bool,
}

/// A parsed kustomization file.
pub(crate) struct Kustomization {
    pub(crate) dir: String,
    pub(crate) path: String,
    pub(crate) file: FileId,
    pub(crate) root: Node,
}

impl Kustomization {
    pub(crate) fn is_component(&self) -> bool {
        self.root.str_at(&["kind"]) == Some("Component")
    }

    pub(crate) fn list(&self, key: &str) -> &[Node] {
        self.root.get(key).map(Node::items).unwrap_or(&[])
    }
}

/// What rendering one kustomization gave.
#[derive(Clone, Default)]
pub(crate) struct Built {
    pub(crate) resources: Vec<Res>,
    /// False when some input could not be read (remote bases, missing
    /// files, Helm charts, plugins).
    pub(crate) complete: bool,
}

/// How one patch document fared over every render that applied it.
pub(crate) struct PatchUse {
    pub(crate) report: Span,
    pub(crate) message: String,
    pub(crate) matched: bool,
    /// True when some render that applied it saw every object.
    pub(crate) judged: bool,
}

pub(crate) struct ImageUse {
    pub(crate) report: Span,
    pub(crate) name: String,
    pub(crate) matched: bool,
    pub(crate) judged: bool,
}

pub(crate) struct Builder<'f, 's, 'a> {
    files: &'f Files<'s, 'a>,
    /// The objects the scan already parsed, by file, in document order.
    parsed_objects: HashMap<FileId, Vec<&'f Node>>,
    /// How many more kustomizations take a folder's build as a resource:
    /// the last one takes it without a copy.
    uses: HashMap<String, usize>,
    parsed: HashMap<String, Option<Rc<Vec<Node>>>>,
    kustomizations: HashMap<String, Option<Rc<Kustomization>>>,
    built: HashMap<String, Rc<Built>>,
    stack: Vec<String>,
    /// Kustomization folders that were rendered or applied.
    pub(crate) visited: HashSet<String>,
    /// How the renders used each file they read.
    pub(crate) roles: BTreeMap<FileId, BTreeSet<FileRole>>,
    /// Keyed by (entry span, document index).
    pub(crate) patches: BTreeMap<(Span, usize), PatchUse>,
    pub(crate) images: BTreeMap<Span, ImageUse>,
    /// Resources added twice to one build: (span of the entry, message).
    pub(crate) duplicates: BTreeMap<Span, String>,
    /// Nesting of kustomizations that give an OpenAPI schema (custom
    /// kinds then merge lists by key as well).
    openapi: usize,
}

impl<'f, 's, 'a> Builder<'f, 's, 'a> {
    pub(crate) fn new(files: &'f Files<'s, 'a>) -> Self {
        Self {
            files,
            parsed_objects: HashMap::new(),
            uses: HashMap::new(),
            parsed: HashMap::new(),
            kustomizations: HashMap::new(),
            built: HashMap::new(),
            stack: Vec::new(),
            visited: HashSet::new(),
            roles: BTreeMap::new(),
            patches: BTreeMap::new(),
            images: BTreeMap::new(),
            duplicates: BTreeMap::new(),
            openapi: 0,
        }
    }

    /// Uses the objects the scan parsed instead of parsing their files again.
    pub(crate) fn with_objects<'o: 'f>(mut self, objects: impl Iterator<Item = (FileId, &'o Node)>) -> Self {
        for (file, root) in objects {
            self.parsed_objects.entry(file).or_default().push(root);
        }
        self
    }

    /// Says how many kustomizations take each folder as a resource.
    pub(crate) fn with_uses(mut self, uses: HashMap<String, usize>) -> Self {
        self.uses = uses;
        self
    }

    /// The build of a folder, for one more user: moved out of the cache
    /// for its last user, copied for the others.
    fn take_build(&mut self, dir: &str) -> Built {
        let shared = self.build(dir);
        let last = match self.uses.get_mut(dir) {
            Some(count) if *count > 1 => {
                *count -= 1;
                false
            }
            Some(_) => true,
            None => false,
        };
        if last {
            drop(shared);
            if let Some(cached) = self.built.remove(dir) {
                return Rc::try_unwrap(cached).unwrap_or_else(|rc| (*rc).clone());
            }
            return Built::default();
        }
        (*shared).clone()
    }

    /// A root's build, taken out of the cache (nothing else uses a root).
    pub(crate) fn take_root(&mut self, dir: &str) -> Built {
        drop(self.build(dir));
        match self.built.remove(dir) {
            Some(cached) => Rc::try_unwrap(cached).unwrap_or_else(|rc| (*rc).clone()),
            None => Built::default(),
        }
    }

    /// The kustomization of a folder, parsed once.
    pub(crate) fn kustomization(&mut self, dir: &str) -> Option<Rc<Kustomization>> {
        if let Some(known) = self.kustomizations.get(dir) {
            return known.clone();
        }
        let parsed = self.files.kustomization_in(dir).and_then(|file| {
            // The scan parsed it once; a file it did not parse (a template) is read here.
            let root = match file.documents.first() {
                Some(document) => document.root.clone(),
                None => shipshape_yaml::parse_at(file.text, file.base).documents.into_iter().next()?.root,
            };
            root.is_mapping().then(|| {
                Rc::new(Kustomization { dir: dir.to_string(), path: file.path.to_string(), file: file.file, root })
            })
        });
        self.kustomizations.insert(dir.to_string(), parsed.clone());
        parsed
    }

    /// The parsed documents of a file of the scan; `None` for a file that
    /// is not in the scan, is a template, or does not parse to its end.
    fn documents(&mut self, path: &str) -> Option<(Rc<Vec<Node>>, FileId)> {
        let file = self.files.get(path)?;
        if let Some(docs) = self.parsed.get(path) {
            return docs.as_ref().map(|d| (d.clone(), file.file));
        }
        let docs = if !file.documents.is_empty() {
            // Parsed by the scan: no second parse.
            file.parsed_whole.then(|| Rc::new(file.documents.iter().map(|d| d.root.clone()).collect()))
        } else if shipshape_yaml::is_templated(file.text) {
            None
        } else {
            let parsed = shipshape_yaml::parse_at(file.text, file.base);
            parsed.error.is_none().then(|| Rc::new(parsed.documents.into_iter().map(|d| d.root).collect()))
        };
        self.parsed.insert(path.to_string(), docs.clone());
        docs.map(|d| (d, file.file))
    }

    /// Renders the kustomization of a folder (memoized: a base renders
    /// the same wherever it is used).
    pub(crate) fn build(&mut self, dir: &str) -> Rc<Built> {
        if let Some(built) = self.built.get(dir) {
            return built.clone();
        }
        let mut built = Built { resources: Vec::new(), complete: true };
        match self.kustomization(dir) {
            Some(k) if !self.stack.iter().any(|d| d == dir) && self.stack.len() < MAX_DEPTH => {
                self.visited.insert(dir.to_string());
                self.stack.push(dir.to_string());
                self.accumulate(&k, &mut built.resources, &mut built.complete);
                self.stack.pop();
            }
            _ => built.complete = false,
        }
        let built = Rc::new(built);
        self.built.insert(dir.to_string(), built.clone());
        built
    }

    /// Renders a kustomization nothing else includes that is a Component:
    /// its own resources, with misses not judged (it is meant for others).
    pub(crate) fn build_component_alone(&mut self, dir: &str) -> Built {
        let mut built = Built { resources: Vec::new(), complete: false };
        if let Some(k) = self.kustomization(dir) {
            self.visited.insert(dir.to_string());
            self.stack.push(dir.to_string());
            self.accumulate(&k, &mut built.resources, &mut built.complete);
            self.stack.pop();
        }
        built
    }

    fn accumulate(&mut self, k: &Kustomization, ra: &mut Vec<Res>, complete: &mut bool) {
        if OPAQUE_FIELDS.iter().any(|f| k.root.get(f).is_some_and(|v| !v.is_null())) {
            *complete = false;
        }
        let has_openapi = k.root.get("openapi").is_some();
        self.openapi += usize::from(has_openapi);
        let entries: Vec<Node> = k.list("resources").iter().chain(k.list("bases")).cloned().collect();
        for entry in &entries {
            self.add_resource(k, entry, ra, complete);
        }
        self.generate(k, ra);
        for entry in k.list("components").to_vec() {
            let Some(reference) = entry.as_str() else { continue };
            let Some(dir) = (!is_remote(reference)).then(|| join(&k.dir, reference)).flatten() else {
                *complete = false;
                continue;
            };
            match self.kustomization(&dir) {
                Some(component) if !self.stack.contains(&dir) && self.stack.len() < MAX_DEPTH => {
                    self.used(component.file, FileRole::Component);
                    self.visited.insert(dir.clone());
                    self.stack.push(dir);
                    self.accumulate(&component, ra, complete);
                    self.stack.pop();
                }
                _ => *complete = false,
            }
        }
        self.transform(k, ra, *complete);
        self.openapi -= usize::from(has_openapi);
    }

    fn add_resource(&mut self, k: &Kustomization, entry: &Node, ra: &mut Vec<Res>, complete: &mut bool) {
        let Some(reference) = entry.as_str() else { return };
        let Some(path) = (!is_remote(reference)).then(|| join(&k.dir, reference)).flatten() else {
            *complete = false;
            return;
        };
        let is_folder = self.files.kustomization_in(&path).is_some();
        let known = self.files.get(&path).and_then(|f| self.parsed_objects.get(&f.file).map(|o| (o, f.file)));
        let loaded = match known.filter(|_| !is_folder) {
            Some((objects, file)) => Some((objects.iter().map(|o| (*o).clone()).collect(), file)),
            None => self.documents(&path).filter(|_| !is_folder).map(|(docs, file)| {
                let mut objects = Vec::new();
                for doc in docs.iter() {
                    objects_of(doc, &mut objects);
                }
                (objects, file)
            }),
        };
        if let Some((objects, file)) = loaded {
            self.used(file, FileRole::Resource);
            // A file without objects is a placeholder filled in later
            // (`flux bootstrap` writes gotk-components.yaml).
            if objects.is_empty() {
                *complete = false;
            }
            for object in objects {
                self.push(ra, Res::new(object, file, &path), entry.span);
            }
        } else if is_folder {
            let built = self.take_build(&path);
            if !built.complete {
                *complete = false;
            }
            for res in built.resources {
                self.push(ra, res, entry.span);
            }
        } else {
            *complete = false;
        }
    }

    /// Adds a resource; kustomize refuses two with one id.
    fn push(&mut self, ra: &mut Vec<Res>, res: Res, span: Span) {
        if ra.iter().any(|r| r.same_id(&res)) {
            self.duplicates.entry(span).or_insert_with(|| {
                format!(
                    "{} is added twice to this build (here and by an earlier entry); kustomize refuses duplicate \
                     objects",
                    res.display()
                )
            });
            return;
        }
        ra.push(res);
    }

    /// `configMapGenerator` and `secretGenerator`. Names get no hash
    /// suffix: references are kept consistent and findings do not depend
    /// on file contents.
    /// Records how a render used a file.
    fn used(&mut self, file: FileId, role: FileRole) {
        self.roles.entry(file).or_default().insert(role);
    }

    fn generate(&mut self, k: &Kustomization, ra: &mut Vec<Res>) {
        for (reference, _, path) in crate::references(&k.root) {
            let found = (reference == crate::Reference::GeneratorInput)
                .then(|| join(&k.dir, &path))
                .flatten()
                .and_then(|p| self.files.get(&p).map(|f| f.file));
            if let Some(file) = found {
                self.used(file, FileRole::GeneratorInput);
            }
        }
        let options = k.root.get("generatorOptions");
        for (key, kind) in [("configMapGenerator", "ConfigMap"), ("secretGenerator", "Secret")] {
            for entry in k.list(key).to_vec() {
                let Some(name) = entry.get("name").filter(|n| n.as_str().is_some()) else { continue };
                let name_value = name.as_str().unwrap_or_default();
                let data = generated_data(&entry);
                let behavior = entry.str_at(&["behavior"]).unwrap_or("create");
                if behavior == "merge" || behavior == "replace" {
                    let existing =
                        ra.iter_mut().find(|r| r.kind() == kind && r.ids.iter().any(|(n, _)| n == name_value));
                    if let Some(existing) = existing {
                        if kind == "ConfigMap" {
                            if behavior == "replace" {
                                super::tree::remove(&mut existing.root, "data");
                            }
                            if let Some(map) = super::tree::ensure_mapping(&mut existing.root, "data", entry.span) {
                                for (k, v) in &data {
                                    set_entry(map, k.clone(), v.clone());
                                }
                            }
                        }
                        continue;
                    }
                }
                let span = name.span;
                let mut metadata = vec![Entry { key: scalar("name", span), value: name.clone() }];
                if let Some(namespace) = entry.get("namespace") {
                    metadata.push(Entry { key: scalar("namespace", namespace.span), value: namespace.clone() });
                }
                for section in ["labels", "annotations"] {
                    let mut pairs = Vec::new();
                    for source in [options, entry.get("options")].into_iter().flatten() {
                        pairs.extend(source.get(section).map(transform::pairs_of).unwrap_or_default());
                    }
                    if !pairs.is_empty() {
                        let entries = pairs.into_iter().map(|(key, value)| Entry { key, value }).collect();
                        metadata.push(Entry { key: scalar(section, span), value: mapping(entries, span) });
                    }
                }
                let mut root = vec![
                    Entry { key: scalar("apiVersion", span), value: scalar("v1", span) },
                    Entry { key: scalar("kind", span), value: scalar(kind, span) },
                    Entry { key: scalar("metadata", span), value: mapping(metadata, span) },
                ];
                if kind == "Secret" {
                    let kind_type = entry.get("type").cloned().unwrap_or_else(|| scalar("Opaque", span));
                    root.push(Entry { key: scalar("type", span), value: kind_type });
                } else if !data.is_empty() {
                    let entries = data.into_iter().map(|(key, value)| Entry { key, value }).collect();
                    root.push(Entry { key: scalar("data", span), value: mapping(entries, span) });
                }
                let res = Res::new(mapping(root, entry.span), k.file, &k.path);
                self.push(ra, res, span);
            }
        }
    }

    fn transform(&mut self, k: &Kustomization, ra: &mut Vec<Res>, complete: bool) {
        for res in ra.iter_mut() {
            res.level_name = res.name().to_string();
            res.level_namespace = res.namespace().map(str::to_string);
        }
        // Strategic-merge patches: `patchesStrategicMerge`, then `patches`.
        for entry in k.list("patchesStrategicMerge").to_vec() {
            let docs = self.patch_documents(k, &entry, None);
            for (index, doc) in docs.iter().enumerate() {
                let site = Site { key: (entry.span, index), report: entry.span, complete };
                self.strategic_merge(ra, doc, None, &site);
            }
        }
        for entry in k.list("patches").to_vec() {
            let target = entry.get("target").and_then(Selector::from_node);
            let report = report_span(&entry);
            let docs = self.entry_patch_documents(k, &entry);
            if let Some(operations) = docs.first().filter(|d| d.as_sequence().is_some()) {
                let operations = operations.clone();
                self.json_patch(ra, &entry, target.as_ref(), &operations, report, complete);
                continue;
            }
            for (index, doc) in docs.iter().enumerate() {
                let site = Site { key: (entry.span, index), report, complete };
                let selector = target.as_ref().zip(entry.get("target"));
                self.strategic_merge(ra, doc, selector, &site);
            }
        }
        if let Some(namespace) = k.root.entry("namespace").filter(|e| e.value.as_str().is_some_and(|s| !s.is_empty())) {
            transform::namespace(ra, &namespace.key, &namespace.value);
        }
        let prefix = k.root.str_at(&["namePrefix"]).filter(|p| !p.is_empty());
        let suffix = k.root.str_at(&["nameSuffix"]).filter(|p| !p.is_empty());
        if prefix.is_some() || suffix.is_some() {
            transform::prefix_suffix(ra, prefix, suffix);
        }
        let mut custom = CustomSpecs::default();
        for entry in k.list("configurations").to_vec() {
            let Some(path) = entry.as_str().and_then(|p| join(&k.dir, p)) else { continue };
            for doc in self.documents(&path).map(|(docs, _)| docs).iter().flat_map(|d| d.iter()) {
                custom.read(doc);
            }
        }
        if let Some(common) = k.root.get("commonLabels") {
            transform::labels(ra, common, true, true, &custom);
        }
        for entry in k.list("labels") {
            if let Some(pairs) = entry.get("pairs") {
                let selectors = entry.get("includeSelectors").and_then(Node::as_bool) == Some(true);
                let templates = entry.get("includeTemplates").and_then(Node::as_bool) == Some(true);
                transform::labels(ra, pairs, templates, selectors, &custom);
            }
        }
        if let Some(annotations) = k.root.get("commonAnnotations") {
            transform::annotations(ra, annotations, &custom);
        }
        for entry in k.list("patchesJson6902").to_vec() {
            let target = entry.get("target").and_then(Selector::from_node);
            let report = report_span(&entry);
            let docs = self.entry_patch_documents(k, &entry);
            if let Some(operations) = docs.first().filter(|d| d.as_sequence().is_some()).cloned() {
                self.json_patch(ra, &entry, target.as_ref(), &operations, report, complete);
            }
        }
        for entry in k.list("replicas") {
            transform::replicas(ra, entry);
        }
        for entry in k.list("images") {
            let matched = transform::image(ra, entry);
            let name = entry.str_at(&["name"]).unwrap_or_default().to_string();
            let report = entry.get("name").map_or(entry.span, |n| n.span);
            let usage =
                self.images.entry(entry.span).or_insert(ImageUse { report, name, matched: false, judged: false });
            usage.matched |= matched;
            usage.judged |= complete && k.root.get("configurations").is_none();
        }
        let mut renames = Renames::new();
        for res in ra.iter() {
            let moved = res.namespace() != res.level_namespace.as_deref();
            if (res.name() != res.level_name || moved) && !res.level_name.is_empty() {
                let new = (res.name().to_string(), res.namespace().map(str::to_string));
                renames.entry(res.kind().to_string()).or_default().insert(res.level_name.clone(), new);
            }
        }
        if !renames.is_empty() {
            for res in ra.iter_mut() {
                transform::update_references(res, &renames);
            }
        }
    }

    /// The documents of a `patches` / `patchesJson6902` entry: its `path`
    /// file or its inline `patch`.
    fn entry_patch_documents(&mut self, k: &Kustomization, entry: &Node) -> Vec<Node> {
        match (entry.get("path"), entry.get("patch")) {
            (Some(path), _) => self.patch_documents(k, path, Some(true)),
            (None, Some(inline)) => self.patch_documents(k, inline, Some(false)),
            _ => Vec::new(),
        }
    }

    /// The documents of a patch given as a path or inline. `is_path`:
    /// `Some(true)` a file, `Some(false)` inline, `None` either (as in
    /// `patchesStrategicMerge`, whose strings may be either).
    fn patch_documents(&mut self, k: &Kustomization, node: &Node, is_path: Option<bool>) -> Vec<Node> {
        let Some(value) = node.as_str() else { return Vec::new() };
        let inline = is_path.map_or(value.contains('\n') || value.contains(": "), |p| !p);
        if inline {
            let Some(file) = self.files.get(&k.path) else { return Vec::new() };
            return parse_embedded(node, file.text, file.base);
        }
        let Some(path) = join(&k.dir, value) else { return Vec::new() };
        match self.documents(&path) {
            Some((docs, file)) => {
                self.used(file, FileRole::Patch);
                docs.iter().cloned().collect()
            }
            None => Vec::new(),
        }
    }

    fn strategic_merge(&mut self, ra: &mut Vec<Res>, doc: &Node, target: Option<(&Selector, &Node)>, site: &Site) {
        if !doc.is_mapping() {
            return;
        }
        let selected: Vec<usize> = match target {
            Some((selector, _)) => ra.iter().enumerate().filter(|(_, r)| selector.matches(r)).map(|(i, _)| i).collect(),
            None => match patch::patch_id(doc) {
                Some((api_version, kind, name, namespace)) => ra
                    .iter()
                    .enumerate()
                    .filter(|(_, r)| r.matches_any_id(api_version, kind, name, namespace))
                    .map(|(i, _)| i)
                    .take(1)
                    .collect(),
                None => Vec::new(),
            },
        };
        let matched = !selected.is_empty();
        if patch::deletes_object(doc) {
            let mut index = 0;
            ra.retain(|_| {
                index += 1;
                !selected.contains(&(index - 1))
            });
        } else {
            for index in &selected {
                if let Some(res) = ra.get_mut(*index) {
                    let keyed = res.builtin() || self.openapi > 0;
                    patch::merge_object(&mut res.root, doc, keyed);
                    res.record_id();
                }
            }
        }
        let message = match target {
            Some((_, node)) => format!(
                "Patch targets {}, which matches no object of this kustomization's resources; fix the target or \
                 remove the patch",
                Selector::describe(node)
            ),
            None => format!(
                "Patch for {} matches no object of this kustomization's resources; fix its kind, name or \
                 namespace, or remove it",
                patch::describe_patch(doc)
            ),
        };
        let usage = self.patches.entry(site.key).or_insert(PatchUse {
            report: site.report,
            message,
            matched: false,
            judged: false,
        });
        usage.matched |= matched;
        usage.judged |= site.complete;
    }

    fn json_patch(
        &mut self,
        ra: &mut [Res],
        entry: &Node,
        target: Option<&Selector>,
        operations: &Node,
        report: Span,
        complete: bool,
    ) {
        let mut matched = false;
        if let Some(selector) = target {
            for res in ra.iter_mut().filter(|r| selector.matches(r)) {
                matched = true;
                for operation in operations.items() {
                    patch::apply_operation(&mut res.root, operation);
                }
                res.record_id();
            }
        }
        let description = entry.get("target").map_or("no target".to_string(), Selector::describe);
        let usage = self.patches.entry((entry.span, 0)).or_insert(PatchUse {
            report,
            message: format!(
                "JSON patch targets {description}, which matches no object of this kustomization's resources; fix \
                 the target or remove the patch"
            ),
            matched: false,
            judged: false,
        });
        usage.matched |= matched;
        usage.judged |= complete && target.is_some();
    }
}

/// Where a patch entry that matches nothing is reported: its `target`
/// key, else its `path`, else its `patch` key.
fn report_span(entry: &Node) -> Span {
    if let Some(target) = entry.entry("target") {
        return target.key.span;
    }
    match (entry.get("path"), entry.entry("patch")) {
        (Some(path), _) => path.span,
        (None, Some(patch)) => patch.key.span,
        _ => entry.head_span(),
    }
}

/// The `data` a generator entry gives: literal keys and values, and the
/// keys of `files` (contents are not read).
fn generated_data(entry: &Node) -> Vec<(Node, Node)> {
    let mut out = Vec::new();
    for literal in entry.get("literals").map(Node::items).unwrap_or(&[]) {
        if let Some((key, value)) = literal.as_str().and_then(|l| l.split_once('=')) {
            out.push((scalar(key.trim(), literal.span), string(value, literal.span)));
        }
    }
    for file in entry.get("files").map(Node::items).unwrap_or(&[]) {
        if let Some(text) = file.as_str() {
            let key = match text.split_once('=') {
                Some((key, _)) => key,
                None => text.rsplit('/').next().unwrap_or(text),
            };
            out.push((scalar(key.trim(), file.span), string("", file.span)));
        }
    }
    out
}
