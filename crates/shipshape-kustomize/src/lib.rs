//! Native Kustomize rendering, below the linter: it takes the files of a
//! scan (with what the scan already parsed of them), follows their
//! `kustomization.yaml` files, applies transformers and patches, and
//! returns the rendered objects with provenance, notes on what did not
//! apply, and how it used every file it read. It reports no findings:
//! the linter turns objects and notes into findings.
//!
//! Rendered objects are built by cloning the source files' YAML nodes, so
//! a finding lands on the line that wrote the field: the base line, or the
//! patch line when a patch set it. Values a transformer sets (namespace,
//! image, replicas, labels) carry the span of the kustomization entry that
//! set them. A prefixed or suffixed name keeps the span of the name as
//! written, so that findings about different objects do not all point at
//! the one `namePrefix` line.
//!
//! Every *root* kustomization (one no other kustomization of the scan
//! includes) is rendered; each root's objects carry its build number. A
//! patch is never an object of its own: one that matches nothing is a note.
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

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::path::Path;

use build::Builder;
pub use files::{is_remote, join, Files};
use shipshape_diagnostics::Span;
use shipshape_yaml::{Document, Node};

/// Index of a file in the scan.
pub type FileId = usize;

/// One file of the scan, as the renderer reads it: its text and what the
/// scan already parsed of it (never parsed again when it is there).
#[derive(Debug, Clone, Copy)]
pub struct SourceFile<'a> {
    pub file: FileId,
    /// Relative to the scanned root, `/`-separated.
    pub path: &'a str,
    pub text: &'a str,
    /// Global offset of the file's first byte: node spans are global.
    pub base: usize,
    /// The documents the scan parsed and kept (kustomizations, patches,
    /// consumed files without objects); empty when it kept none.
    pub documents: &'a [Document],
    /// True when `documents` are the whole file (it parsed to its end).
    pub parsed_whole: bool,
}

impl<'a> SourceFile<'a> {
    /// A file nothing parsed yet.
    pub fn unparsed(file: FileId, path: &'a str, text: &'a str, base: usize) -> Self {
        Self { file, path, text, base, documents: &[], parsed_whole: false }
    }
}

/// How a render used a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum FileRole {
    /// Its objects went into a build (`resources`, `bases`).
    Resource,
    /// Its documents patched a build.
    Patch,
    /// A folder's kustomization applied as a component.
    Component,
    /// A generator read it into a ConfigMap or Secret.
    GeneratorInput,
}

/// One object a build rendered, with where it came from.
#[derive(Debug, Clone)]
pub struct RenderedObject {
    /// The file the object was read from (its nodes keep their spans
    /// there; patched fields keep the patch's spans).
    pub file: FileId,
    pub path: String,
    pub root: Node,
    /// The build (root kustomization) it belongs to, an index into
    /// [`Rendering::roots`].
    pub build: Option<u32>,
}

impl RenderedObject {
    pub fn kind(&self) -> Option<&str> {
        self.root.str_at(&["kind"])
    }

    pub fn name(&self) -> Option<&str> {
        self.root.str_at(&["metadata", "name"])
    }

    pub fn namespace(&self) -> Option<&str> {
        self.root.str_at(&["metadata", "namespace"])
    }
}

/// What the kustomizations of a scan render to.
#[derive(Debug, Default)]
pub struct Rendering {
    pub objects: Vec<RenderedObject>,
    pub notes: RenderNotes,
    /// The folder of each build's root kustomization, by build number.
    pub roots: Vec<String>,
    /// How the renders used each file they read.
    pub roles: BTreeMap<FileId, BTreeSet<FileRole>>,
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

/// Renders every root kustomization among `files`, reading files the
/// list lacks under `root` on disk for existence only. `objects` are the
/// object roots the scan already parsed, by file, in document order.
pub fn render<'o>(
    files: &[SourceFile<'_>],
    root: Option<&Path>,
    objects: impl Iterator<Item = (FileId, &'o Node)>,
) -> Rendering {
    let files = Files::new(files, root);
    let mut dirs: Vec<String> = files.kustomizations().map(|f| files::parent(f.path).to_string()).collect();
    dirs.sort();
    dirs.dedup();
    if dirs.is_empty() {
        return Rendering::default();
    }
    let mut builder = Builder::new(&files).with_objects(objects);
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
    for usage in builder.patches.values() {
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
    let roles = std::mem::take(&mut builder.roles);
    Rendering { objects, notes, roots, roles }
}

fn render_root(builder: &mut Builder<'_, '_, '_>, dir: &str, roots: &mut Vec<String>, out: &mut Vec<RenderedObject>) {
    let Some(k) = builder.kustomization(dir) else { return };
    let resources =
        if k.is_component() { builder.build_component_alone(dir).resources } else { builder.take_root(dir).resources };
    let build = u32::try_from(roots.len()).unwrap_or(u32::MAX);
    roots.push(dir.to_string());
    for res in resources {
        out.push(RenderedObject { file: res.file, path: res.path, root: res.root, build: Some(build) });
    }
}

/// Renders the kustomization in `dir` from in-memory files (relative
/// path, text), reading files the list lacks under `root` on disk for
/// existence only. For tests and tools that compare with `kustomize build`.
pub fn render_files(files: &[(String, String)], root: Option<&Path>, dir: &str) -> Vec<RenderedObject> {
    let mut sources = Vec::with_capacity(files.len());
    let mut base = 0;
    for (id, (path, text)) in files.iter().enumerate() {
        sources.push(SourceFile::unparsed(id, path, text, base));
        base += text.len() + 1;
    }
    let files = Files::new(&sources, root);
    let mut builder = Builder::new(&files);
    let Some(k) = builder.kustomization(dir) else { return Vec::new() };
    let resources = if k.is_component() {
        builder.build_component_alone(dir).resources
    } else {
        builder.build(dir).resources.clone()
    };
    resources
        .into_iter()
        .map(|res| RenderedObject { file: res.file, path: res.path, root: res.root, build: None })
        .collect()
}

/// What a kustomization entry must name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reference {
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
    pub fn is_file(self) -> bool {
        matches!(self, Reference::Patch | Reference::GeneratorInput | Reference::File)
    }
}

/// The entries of a kustomization that name other files or folders, with
/// the node of the name (generator `key=path` entries give the path part's
/// text but the whole item's node). Inline patches are left out.
pub fn references(root: &Node) -> Vec<(Reference, &Node, String)> {
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
