//! The Kustomize render (crate `shipshape-kustomize`) as the engine uses
//! it: scanned files and parsed objects in; Kubernetes objects, notes and
//! merged findings out.

use std::collections::{BTreeSet, HashMap};
use std::path::Path;

use shipshape_diagnostics::Span;
pub use shipshape_kustomize::{is_remote, join, references, FileRole, Files, Note, Reference, RenderNotes, SourceFile};

use crate::context::{FileId, K8sObject, ObjectSet, ScannedFile};
use crate::k8s::KustomizeRole;
use crate::rule::Violation;

/// The renderer's view of scanned files.
pub(crate) fn sources<'a>(files: &[ScannedFile<'a>]) -> Vec<SourceFile<'a>> {
    files
        .iter()
        .map(|f| SourceFile {
            file: f.file,
            path: f.path,
            text: f.text,
            base: f.base,
            documents: f.documents,
            parsed_whole: f.parsed_whole,
        })
        .collect()
}

/// What the render gives the engine.
pub(crate) struct Rendered {
    /// Rendered objects (with their build), and objects of files a
    /// kustomization names that no render reached (checked as written).
    pub objects: Vec<K8sObject>,
    pub notes: RenderNotes,
    /// The folder of each build's root kustomization, by build number.
    pub roots: Vec<String>,
}

/// Renders every root kustomization of the scan. `set` holds the objects
/// the scan parsed; those of consumed files are not parsed again.
pub(crate) fn render(files: &[ScannedFile<'_>], root: Option<&Path>, set: &ObjectSet) -> Rendered {
    let sources = sources(files);
    let consumed = set.objects.iter().filter(|o| o.kustomize.consumed).map(|o| (o.file, &o.root));
    let rendering = shipshape_kustomize::render(&sources, root, consumed);
    let mut objects: Vec<K8sObject> = rendering
        .objects
        .into_iter()
        .filter_map(|rendered| {
            let mut object = K8sObject::from_node(rendered.file, &rendered.path, rendered.root)?;
            object.kustomize = KustomizeRole { build: rendered.build, ..KustomizeRole::default() };
            Some(object)
        })
        .collect();
    // Objects of consumed files that no render reached are checked as written.
    for object in &set.objects {
        let used = rendering.roles.get(&object.file);
        let reached = used.is_some_and(|r| r.contains(&FileRole::Resource) || r.contains(&FileRole::Patch));
        if object.kustomize.consumed && !reached {
            let mut object = object.clone();
            object.kustomize.consumed = false;
            objects.push(object);
        }
    }
    Rendered { objects, notes: rendering.notes, roots: rendering.roots }
}

/// Renders the kustomization in `dir` from in-memory files (relative
/// path, text), reading files the list lacks under `root` on disk for
/// existence only. For tests and tools that compare with `kustomize build`.
pub fn render_files(files: &[(String, String)], root: Option<&Path>, dir: &str) -> Vec<K8sObject> {
    shipshape_kustomize::render_files(files, root, dir)
        .into_iter()
        .filter_map(|rendered| K8sObject::from_node(rendered.file, &rendered.path, rendered.root))
        .collect()
}

/// Merges the findings of rendered objects: one per rule and span (a base
/// rendered by several overlays reports once), and when only some of the
/// builds that render the finding's file have it (an overlay removed a
/// setting), the message says which. `builds[i]` is the build of the
/// object `found[i]` came from; `file_of` maps a global offset to its file.
pub(crate) fn merge_findings(
    rendered: &Rendered,
    found: Vec<Violation>,
    builds: &[Option<u32>],
    file_of: impl Fn(usize) -> FileId,
    out: &mut Vec<Violation>,
) {
    let mut file_builds: HashMap<FileId, BTreeSet<u32>> = HashMap::new();
    for object in &rendered.objects {
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
                .filter_map(|b| rendered.roots.get(*b as usize))
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
            lower_for_builds(&mut violation, producing.iter().filter_map(|b| rendered.roots.get(*b as usize)));
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
        violation.message = format!("{} {}", violation.message, first.lowered_note());
    }
}
