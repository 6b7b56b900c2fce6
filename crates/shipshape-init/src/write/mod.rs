//! Writers: each reads only the plan and returns the files it produces.

mod dockerfile;

use crate::plan::{Plan, ServicePlan};

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

/// Every file of the kit, in a stable order.
pub fn kit(plan: &Plan) -> Vec<GeneratedFile> {
    let mut files = Vec::new();
    for service in &plan.services {
        files.extend(dockerfile::files(plan, service, &service_prefix(service)));
    }
    files
}
