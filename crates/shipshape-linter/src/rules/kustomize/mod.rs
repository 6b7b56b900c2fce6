//! Rules for the kustomize domain.

mod deprecated_kustomize_field;
mod duplicate_kustomize_resource;
mod image_override_unused;
mod kustomize_file_outside_folder;
mod kustomize_path_not_found;
mod kustomize_path_outside_scan;
mod patch_target_not_found;
mod remote_base_not_pinned;
mod secret_generator_literal;

pub use deprecated_kustomize_field::DeprecatedKustomizeField;
pub use duplicate_kustomize_resource::DuplicateKustomizeResource;
pub use image_override_unused::ImageOverrideUnused;
pub use kustomize_file_outside_folder::KustomizeFileOutsideFolder;
pub use kustomize_path_not_found::KustomizePathNotFound;
pub use kustomize_path_outside_scan::KustomizePathOutsideScan;
pub use patch_target_not_found::PatchTargetNotFound;
pub use remote_base_not_pinned::RemoteBaseNotPinned;
pub use secret_generator_literal::SecretGeneratorLiteral;

use crate::rule::Rule;

pub static RULES: &[&dyn Rule] = &[
    &KustomizePathNotFound,
    &KustomizePathOutsideScan,
    &KustomizeFileOutsideFolder,
    &RemoteBaseNotPinned,
    &PatchTargetNotFound,
    &ImageOverrideUnused,
    &DuplicateKustomizeResource,
    &SecretGeneratorLiteral,
    &DeprecatedKustomizeField,
];
