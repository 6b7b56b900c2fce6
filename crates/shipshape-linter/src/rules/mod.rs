//! Rules, one file each, grouped by domain.

pub mod cross_file;
pub mod dockerfile;
pub mod general;
pub mod github_actions;
pub mod gitlab_ci;
pub mod gitops;
pub mod kubernetes;
pub mod kustomize;
pub mod secrets;
