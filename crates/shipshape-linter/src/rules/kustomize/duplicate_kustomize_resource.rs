use crate::context::RepositoryContext;
use crate::declare_rule;
use crate::rule::{Reporter, Rule};

declare_rule! {
    /// ## What it does
    /// Flags a `resources` entry (or generator) that adds an object the
    /// same build already holds: the same group, kind, namespace and name,
    /// from a file listed twice, a base included twice (directly and
    /// through another base), or two files that define the same object.
    ///
    /// ## Why is this bad?
    /// kustomize refuses two objects with one id (`may not add resource
    /// with an already registered id`), so the whole build fails. When the
    /// two copies differ, which one was meant is unclear.
    ///
    /// ## Example
    /// ```yaml
    /// resources:
    ///   - ../../base
    ///   - ../../base/service.yaml   # already part of ../../base
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// resources:
    ///   - ../../base
    /// ```
    pub struct DuplicateKustomizeResource {
        id: "duplicate-kustomize-resource",
        severity: Error,
        domains: [Kustomize],
        summary: "Kustomization adds the same object twice",
        kind: Defect,
    }
}

impl Rule for DuplicateKustomizeResource {
    fn check_repository(&self, repo: &RepositoryContext<'_>, report: &mut Reporter<'_>) {
        for note in repo.kustomize.map(|k| k.duplicates.as_slice()).unwrap_or(&[]) {
            report.report(note.span, note.message.clone());
        }
    }
}
