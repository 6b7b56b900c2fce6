//! Native Kustomize rendering: follow `kustomization.yaml` files, apply
//! their transformers and patches, and hand the rendered objects to the
//! Kubernetes rules with spans that point where each field was written.
//!
//! Rendered objects are built by cloning the source files' YAML nodes, so
//! a finding lands on the line that wrote the field: the base line, or the
//! patch line when a patch set it. Values a transformer sets (namespace,
//! image, replicas, labels) carry the span of the kustomization entry that
//! set them. A prefixed or suffixed name keeps the span of the name as
//! written, so that findings about different objects do not all point at
//! the one `namePrefix` line.
//!
//! Which objects are checked (see `engine::repository_pass`):
//! - every *root* kustomization (one no other kustomization of the scan
//!   includes) is rendered; each root's objects carry its build number;
//! - objects of files a kustomization consumes (resources and patches) are
//!   not checked as written: they are checked once rendered;
//! - findings of rendered objects are deduplicated by rule and span, so a
//!   base rendered through three overlays reports a defect of the base once;
//! - a build is a unit: its objects relate only to one another
//!   (`ObjectSet::same_namespace`), so overlays do not satisfy each other
//!   and loose manifests elsewhere do not stand in for what a build lacks.
//!
//! Generated ConfigMaps and Secrets get no hash suffix (it depends on file
//! contents the scan may not have); references to them stay consistent.
//! Remote resources, Helm charts and plugins are skipped: a render that
//! lacks them is incomplete, and rules do not report what it cannot see.

mod build;
mod files;
mod patch;
mod resource;
mod transform;
mod tree;

use std::collections::{BTreeSet, HashMap, HashSet};
use std::path::Path;

use shipshape_diagnostics::Span;

use crate::context::{FileId, K8sObject, RepositoryContext, ScannedFile};
use crate::discovery::FileKind;
use crate::k8s::KustomizeRole;
use crate::rule::Violation;
use build::Builder;
pub(crate) use files::{is_remote, join, Files};
use shipshape_yaml::Node;

/// What the kustomizations of a scan render to.
#[derive(Debug, Default)]
pub struct Rendering {
    pub objects: Vec<K8sObject>,
    pub notes: RenderNotes,
    /// The folder of each build's root kustomization, by build number.
    pub roots: Vec<String>,
}

/// What the render found wrong, for the Kustomize rules.
#[derive(Debug, Default, Clone)]
pub struct RenderNotes {
    /// Patches that matched no object in any complete render.
    pub unmatched_patches: Vec<Note>,
    /// `images` entries that matched no container in any complete render.
    pub unused_images: Vec<Note>,
    /// Objects added twice to one build.
    pub duplicates: Vec<Note>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Note {
    /// Global span of the kustomization entry at fault.
    pub span: Span,
    pub message: String,
}

/// Renders every root kustomization of the scan.
pub fn render(repo: &RepositoryContext<'_>) -> Rendering {
    let files = Files::new(repo.files, repo.root);
    let mut dirs: Vec<String> = files.kustomizations().map(|f| files::parent(f.path).to_string()).collect();
    dirs.sort();
    dirs.dedup();
    if dirs.is_empty() {
        return Rendering::default();
    }
    let parsed = repo.objects.objects.iter().filter(|o| o.kustomize.consumed).map(|o| (o.file, &o.root));
    let mut builder = Builder::new(&files).with_objects(parsed);
    let mut included = HashSet::new();
    let mut uses: HashMap<String, usize> = HashMap::new();
    for dir in &dirs {
        let Some(k) = builder.kustomization(dir) else { continue };
        for key in ["resources", "bases", "components"] {
            for entry in k.list(key) {
                let Some(reference) = entry.as_str().filter(|r| !is_remote(r)) else { continue };
                if let Some(path) = join(dir, reference).filter(|p| files.kustomization_in(p).is_some()) {
                    if key != "components" {
                        *uses.entry(path.clone()).or_default() += 1;
                    }
                    included.insert(path);
                }
            }
        }
    }
    builder = builder.with_uses(uses);
    let mut objects = Vec::new();
    let mut roots = Vec::new();
    for dir in dirs.iter().filter(|d| !included.contains(*d)) {
        render_root(&mut builder, dir, &mut roots, &mut objects);
    }
    // Kustomizations only reachable through a cycle.
    for dir in &dirs {
        if !builder.visited.contains(dir) {
            render_root(&mut builder, dir, &mut roots, &mut objects);
        }
    }
    let mut notes = RenderNotes::default();
    let mut patch_files = HashSet::new();
    for usage in builder.patches.values() {
        if let Some((_, file, _)) = &usage.document {
            patch_files.insert(*file);
        }
        // A patch is audited through the render only: one that never
        // applied is a note, not an object checked as written.
        if !usage.matched && usage.judged {
            notes.unmatched_patches.push(Note { span: usage.report, message: usage.message.clone() });
        }
    }
    for usage in builder.images.values().filter(|u| u.judged && !u.matched) {
        notes.unused_images.push(Note {
            span: usage.report,
            message: format!(
                "Image override `{}` matches no container image of this kustomization's resources; `name` must be \
                 the image as written, without its tag",
                usage.name
            ),
        });
    }
    for (span, message) in &builder.duplicates {
        notes.duplicates.push(Note { span: *span, message: message.clone() });
    }
    notes.unmatched_patches.dedup();
    // Objects of consumed files that no render reached are checked as written.
    for object in &repo.objects.objects {
        let role = object.kustomize;
        if role.consumed && !builder.rendered_files.contains(&object.file) && !patch_files.contains(&object.file) {
            let mut object = object.clone();
            object.kustomize.consumed = false;
            objects.push(object);
        }
    }
    Rendering { objects, notes, roots }
}

fn render_root(builder: &mut Builder<'_, '_, '_>, dir: &str, roots: &mut Vec<String>, out: &mut Vec<K8sObject>) {
    let Some(k) = builder.kustomization(dir) else { return };
    let resources =
        if k.is_component() { builder.build_component_alone(dir).resources } else { builder.take_root(dir).resources };
    let build = u32::try_from(roots.len()).unwrap_or(u32::MAX);
    roots.push(dir.to_string());
    for res in resources {
        if let Some(mut object) = K8sObject::from_node(res.file, &res.path, res.root) {
            object.kustomize = KustomizeRole { build: Some(build), ..KustomizeRole::default() };
            out.push(object);
        }
    }
}

/// Merges the findings of rendered objects: one per rule and span (a base
/// rendered by several overlays reports once), and when only some of the
/// builds that render the finding's file have it (an overlay removed a
/// setting), the message says which. `builds[i]` is the build of the
/// object `found[i]` came from; `file_of` maps a global offset to its file.
pub fn merge_findings(
    rendering: &Rendering,
    found: Vec<Violation>,
    builds: &[Option<u32>],
    file_of: impl Fn(usize) -> FileId,
    out: &mut Vec<Violation>,
) {
    let mut file_builds: HashMap<FileId, BTreeSet<u32>> = HashMap::new();
    for object in &rendering.objects {
        if let Some(build) = object.kustomize.build {
            file_builds.entry(object.file).or_default().insert(build);
        }
    }
    let mut merged: Vec<(Violation, BTreeSet<u32>)> = Vec::new();
    let mut index: HashMap<(&'static str, Span), usize> = HashMap::new();
    for (violation, build) in found.into_iter().zip(builds.iter().chain(std::iter::repeat(&None))) {
        let slot = *index.entry((violation.rule.id, violation.span)).or_insert_with(|| {
            merged.push((violation, BTreeSet::new()));
            merged.len() - 1
        });
        if let (Some(build), Some((_, set))) = (build, merged.get_mut(slot)) {
            set.insert(*build);
        }
    }
    for (mut violation, producing) in merged {
        let all = file_builds.get(&file_of(violation.span.start)).map_or(0, BTreeSet::len);
        if !producing.is_empty() && producing.len() < all {
            let names: Vec<String> = producing
                .iter()
                .filter_map(|b| rendering.roots.get(*b as usize))
                .map(|d| format!("`{}`", if d.is_empty() { "." } else { d }))
                .collect();
            let shown = names.iter().take(3).cloned().collect::<Vec<_>>().join(", ");
            let more = names.len().saturating_sub(3);
            let noun = if names.len() == 1 { "build" } else { "builds" };
            violation.message = if more > 0 {
                format!("{} (only in the kustomize {noun} of {shown} and {more} more)", violation.message)
            } else {
                format!("{} (only in the kustomize {noun} of {shown})", violation.message)
            };
            lower_for_builds(&mut violation, producing.iter().filter_map(|b| rendering.roots.get(*b as usize)));
        }
        out.push(violation);
    }
}

/// A finding that only builds for tests, docs, examples or local
/// development produce is reported as its rule reports there (see
/// [`crate::rule::RuleKind`]), naming the first such build.
fn lower_for_builds<'r>(violation: &mut Violation, roots: impl Iterator<Item = &'r String>) {
    let mut contexts = roots.map(|dir| crate::file_context::context_of_path(&format!("{dir}/kustomization.yaml")));
    let Some(first) = contexts.next() else {
        return;
    };
    let lowered = |c: &crate::file_context::ContextEvidence| violation.rule.kind.lowered_in(c.context);
    if lowered(&first) && contexts.all(|c| lowered(&c)) {
        violation.severity_cap = Some(shipshape_diagnostics::Severity::Info);
        violation.message =
            format!("{} (info here: {}, by {})", violation.message, first.context.described(), first.reason);
    }
}

/// Renders the kustomization in `dir` from in-memory files (relative
/// path, text), reading files the list lacks under `root` on disk for
/// existence only. For tests and tools that compare with `kustomize build`.
pub fn render_files(files: &[(String, String)], root: Option<&Path>, dir: &str) -> Vec<K8sObject> {
    let class = crate::classify::FileClass::default();
    let mut scanned = Vec::with_capacity(files.len());
    let mut base = 0;
    for (id, (path, text)) in files.iter().enumerate() {
        let yaml = crate::roles::is_yaml_name(path.rsplit('/').next().unwrap_or(path));
        scanned.push(ScannedFile {
            file: id,
            path,
            text,
            base,
            kind: if yaml { FileKind::Yaml } else { FileKind::Text },
            role: yaml.then(|| crate::roles::role_of_path(path)),
            dockerfile: None,
            documents: &[],
            parsed_whole: false,
            class: &class,
        });
        base += text.len() + 1;
    }
    let files = Files::new(&scanned, root);
    let mut builder = Builder::new(&files);
    let Some(k) = builder.kustomization(dir) else { return Vec::new() };
    let resources = if k.is_component() {
        builder.build_component_alone(dir).resources
    } else {
        builder.build(dir).resources.clone()
    };
    resources.into_iter().filter_map(|res| K8sObject::from_node(res.file, &res.path, res.root)).collect()
}

/// What a kustomization entry must name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Reference {
    /// A file, or a folder holding a kustomization (`resources`, `bases`).
    Resource,
    /// A folder holding a kustomization (`components`).
    Component,
    /// A patch file (`patches`, `patchesStrategicMerge`, `patchesJson6902`).
    Patch,
    /// A file a ConfigMap or Secret generator reads.
    GeneratorInput,
    /// Another file (configurations, CRD schemas, replacements, OpenAPI).
    File,
}

impl Reference {
    /// True when the entry must name a file, not a folder.
    pub(crate) fn is_file(self) -> bool {
        matches!(self, Reference::Patch | Reference::GeneratorInput | Reference::File)
    }
}

/// The entries of a kustomization that name other files or folders, with
/// the node of the name (generator `key=path` entries give the path part's
/// text but the whole item's node). Inline patches are left out.
pub(crate) fn references(root: &Node) -> Vec<(Reference, &Node, String)> {
    let mut out = Vec::new();
    let list = |key: &str| root.get(key).map(Node::items).unwrap_or(&[]);
    let text = |node: &Node| node.as_str().map(|s| s.trim().to_string());
    for key in ["resources", "bases"] {
        out.extend(list(key).iter().filter_map(|n| Some((Reference::Resource, n, text(n)?))));
    }
    out.extend(list("components").iter().filter_map(|n| Some((Reference::Component, n, text(n)?))));
    for item in list("patchesStrategicMerge") {
        if let Some(path) = text(item).filter(|t| is_patch_path(t)) {
            out.push((Reference::Patch, item, path));
        }
    }
    for (key, reference) in
        [("patches", Reference::Patch), ("patchesJson6902", Reference::Patch), ("replacements", Reference::File)]
    {
        for item in list(key) {
            if let Some(path) = item.get("path") {
                out.extend(text(path).map(|t| (reference, path, t)));
            } else if let Some(path) = text(item).filter(|t| reference == Reference::Patch && is_patch_path(t)) {
                // A bare path in `patches` (an older spelling).
                out.push((reference, item, path));
            }
        }
    }
    for key in ["configMapGenerator", "secretGenerator"] {
        for item in list(key) {
            for source in item.get("files").map(Node::items).unwrap_or(&[]) {
                let Some(entry) = text(source) else { continue };
                let path = entry.split_once('=').map_or(entry.as_str(), |(_, p)| p).to_string();
                out.push((Reference::GeneratorInput, source, path));
            }
            let envs = item.get("envs").map(Node::items).unwrap_or(&[]).iter().chain(item.get("env"));
            out.extend(envs.filter_map(|n| Some((Reference::GeneratorInput, n, text(n)?))));
        }
    }
    for key in ["crds", "configurations"] {
        out.extend(list(key).iter().filter_map(|n| Some((Reference::File, n, text(n)?))));
    }
    if let Some(path) = root.path(&["openapi", "path"]) {
        out.extend(text(path).map(|t| (Reference::File, path, t)));
    }
    out
}

/// A patch entry that names a file rather than holding the patch inline.
fn is_patch_path(text: &str) -> bool {
    !text.contains('\n') && !text.contains(": ")
}

#[cfg(test)]
mod tests;
