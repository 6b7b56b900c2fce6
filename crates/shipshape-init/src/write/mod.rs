//! Writers: each reads only the plan and returns the files it produces.
//! The list in [`kit`] is explicit and ordered.

mod actions;
mod dockerfile;
mod docs;
mod github_actions;
mod gitlab_ci;
mod gitops;
mod kustomize;
mod layout;
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

/// Every file of the kit, in a stable order.
pub fn kit(plan: &Plan) -> Vec<GeneratedFile> {
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
