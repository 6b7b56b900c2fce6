//! Writers: each reads only the plan and returns the files it produces.
//! The list in [`kit`] is explicit and ordered.

mod actions;
mod dockerfile;
mod docs;
mod github_actions;
mod gitlab_ci;
mod gitops;
mod kustomize;
pub(crate) mod layout;
mod observability;
mod rollouts;

use serde::Serialize;

pub use docs::checklist;

use crate::plan::{CiProvider, Plan, ServicePlan};

/// The first comment of a kit file written for tools to read (a Dockerfile,
/// a `.dockerignore`) says so; detection never takes it for evidence.
pub(crate) const KIT_MARKER: &str = "Written by `shipshape init`";

/// One file of the kit, relative to the repository root.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GeneratedFile {
    pub path: String,
    pub contents: String,
}

/// The folder prefix of a service's own files (`""` at the root).
fn service_prefix(service: &ServicePlan) -> String {
    if service.dir == "." {
        String::new()
    } else {
        format!("{}/", service.dir)
    }
}

/// One YAML document from a typed value.
pub(crate) fn yaml<T: Serialize>(value: &T) -> String {
    serde_saphyr::to_string(value).unwrap_or_else(|e| format!("# shipshape could not write this document: {e}\n"))
}

/// CI files live at the top of the git repository, whatever folder was planned.
fn is_ci_file(path: &str) -> bool {
    path.starts_with(".github/") || path == ".gitlab-ci.yml"
}

/// Every file of the kit, in a stable order, with paths from the top of
/// the git repository (the planned folder's own files under it).
pub fn kit(plan: &Plan) -> Vec<GeneratedFile> {
    let mut files = kit_files(plan);
    for file in &mut files {
        if !is_ci_file(&file.path) {
            file.path = layout::in_repo(plan, &file.path);
        }
    }
    files
}

fn kit_files(plan: &Plan) -> Vec<GeneratedFile> {
    let mut files = Vec::new();
    for service in &plan.services {
        files.extend(dockerfile::files(plan, service, &service_prefix(service)));
        files.extend(kustomize::files(plan, service));
        files.extend(observability::files(plan, service));
    }
    files.extend(gitops::files(plan));
    if plan.delivery.ci.contains(&CiProvider::Github) {
        files.extend(github_actions::files(plan));
    }
    if plan.delivery.ci.contains(&CiProvider::Gitlab) {
        files.extend(gitlab_ci::files(plan));
    }
    files.extend(docs::files(plan));
    files
}
