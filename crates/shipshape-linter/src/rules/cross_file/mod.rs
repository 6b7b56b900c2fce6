//! Rules that compare files with one another: Dockerfiles with the
//! workloads that run their images, CI with the manifests it deploys.

mod container_port_not_exposed_by_image;
mod deployed_image_differs_from_pushed_image;
mod probe_path_differs_from_healthcheck;
mod run_as_root_overrides_image_user;
pub(crate) mod support;

pub use container_port_not_exposed_by_image::ContainerPortNotExposedByImage;
pub use deployed_image_differs_from_pushed_image::DeployedImageDiffersFromPushedImage;
pub use probe_path_differs_from_healthcheck::ProbePathDiffersFromHealthcheck;
pub use run_as_root_overrides_image_user::RunAsRootOverridesImageUser;

use crate::rule::Rule;

pub static RULES: &[&dyn Rule] = &[
    &ContainerPortNotExposedByImage,
    &RunAsRootOverridesImageUser,
    &ProbePathDiffersFromHealthcheck,
    &DeployedImageDiffersFromPushedImage,
];
