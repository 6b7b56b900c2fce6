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
//! - objects of different builds are never related to one another
//!   (`ObjectSet::same_namespace`), so overlays do not satisfy each other.
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

use std::collections::HashSet;
use std::path::Path;

use shipshape_diagnostics::Span;

use crate::context::{K8sObject, RepositoryContext, ScannedFile};
use crate::discovery::FileKind;
use crate::k8s::KustomizeRole;
use build::Builder;
pub(crate) use files::{is_remote, join, Files};
use shipshape_yaml::Node;

/// What the kustomizations of a scan render to.
#[derive(Debug, Default)]
pub struct Rendering {
    pub objects: Vec<K8sObject>,
    pub notes: RenderNotes,
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
    let mut builder = Builder::new(&files);
    let mut included = HashSet::new();
    for dir in &dirs {
        let Some(k) = builder.kustomization(dir) else { continue };
        for key in ["resources", "bases", "components"] {
            for entry in k.list(key) {
                let Some(reference) = entry.as_str().filter(|r| !is_remote(r)) else { continue };
                if let Some(path) = join(dir, reference).filter(|p| files.kustomization_in(p).is_some()) {
                    included.insert(path);
                }
            }
        }
    }
    let mut objects = Vec::new();
    let mut next_build = 0u32;
    let roots: Vec<&String> = dirs.iter().filter(|d| !included.contains(*d)).collect();
    for dir in roots {
        render_root(&mut builder, dir, &mut next_build, &mut objects);
    }
    // Kustomizations only reachable through a cycle.
    for dir in &dirs {
        if !builder.visited.contains(dir) {
            render_root(&mut builder, dir, &mut next_build, &mut objects);
        }
    }
    let mut notes = RenderNotes::default();
    let mut patch_files = HashSet::new();
    let mut emitted = HashSet::new();
    for usage in builder.patches.values() {
        if let Some((_, file, _)) = &usage.document {
            patch_files.insert(*file);
        }
        if usage.matched {
            continue;
        }
        if usage.judged {
            notes.unmatched_patches.push(Note { span: usage.report, message: usage.message.clone() });
        }
        // A patch that never applied is still checked, as a partial object.
        if let Some((document, file, path)) = &usage.document {
            if emitted.insert(document.span) {
                if let Some(mut object) = K8sObject::from_node(*file, path, document.clone()) {
                    object.kustomize = KustomizeRole { patch: true, ..KustomizeRole::default() };
                    objects.push(object);
                }
            }
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
    Rendering { objects, notes }
}

fn render_root(builder: &mut Builder<'_, '_, '_>, dir: &str, next_build: &mut u32, out: &mut Vec<K8sObject>) {
    let Some(k) = builder.kustomization(dir) else { return };
    let resources = if k.is_component() {
        builder.build_component_alone(dir).resources
    } else {
        builder.build(dir).resources.clone()
    };
    let build = *next_build;
    *next_build += 1;
    for res in resources {
        if let Some(mut object) = K8sObject::from_node(res.file, &res.path, res.root) {
            object.kustomize = KustomizeRole { build: Some(build), ..KustomizeRole::default() };
            out.push(object);
        }
    }
}

/// Renders the kustomization in `dir` from in-memory files (relative
/// path, text), reading files the list lacks under `root` on disk for
/// existence only. For tests and tools that compare with `kustomize build`.
pub fn render_files(files: &[(String, String)], root: Option<&Path>, dir: &str) -> Vec<K8sObject> {
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
    /// A file (patches, generator sources, configurations).
    File,
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
        if let Some(path) = text(item).filter(|t| !t.contains('\n') && !t.contains(": ")) {
            out.push((Reference::File, item, path));
        }
    }
    for key in ["patches", "patchesJson6902", "replacements"] {
        for item in list(key) {
            if let Some(path) = item.get("path") {
                out.extend(text(path).map(|t| (Reference::File, path, t)));
            }
        }
    }
    for key in ["configMapGenerator", "secretGenerator"] {
        for item in list(key) {
            for source in item.get("files").map(Node::items).unwrap_or(&[]) {
                let Some(entry) = text(source) else { continue };
                let path = entry.split_once('=').map_or(entry.as_str(), |(_, p)| p).to_string();
                out.push((Reference::File, source, path));
            }
            let envs = item.get("envs").map(Node::items).unwrap_or(&[]).iter().chain(item.get("env"));
            out.extend(envs.filter_map(|n| Some((Reference::File, n, text(n)?))));
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

#[cfg(test)]
mod tests;
