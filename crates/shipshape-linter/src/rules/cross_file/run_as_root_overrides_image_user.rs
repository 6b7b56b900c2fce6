use crate::context::RepositoryContext;
use crate::declare_rule;
use crate::rule::{Reporter, Rule};
use crate::rules::cross_file::support;
use crate::rules::dockerfile::support::is_root_user;

declare_rule! {
    /// ## What it does
    /// Flags `runAsUser: 0` on a container (or its pod) whose image's
    /// Dockerfile ends with a non-root `USER`. The Dockerfile is found as
    /// for `container-port-not-exposed-by-image`.
    ///
    /// ## Why is this bad?
    /// The image was built to run unprivileged; forcing root in the manifest
    /// undoes that for every replica, usually to work around a file
    /// permission problem that belongs in the image (`COPY --chown`). A
    /// compromise of the process then owns the whole container filesystem.
    ///
    /// ## Example
    /// ```dockerfile
    /// USER 10001
    /// ```
    /// ```yaml
    /// securityContext:
    ///   runAsUser: 0
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// securityContext:
    ///   runAsNonRoot: true
    ///   runAsUser: 10001
    /// ```
    pub struct RunAsRootOverridesImageUser {
        id: "run-as-root-overrides-image-user",
        severity: Warning,
        domains: [CrossFile],
        summary: "Manifest forces `runAsUser: 0` on an image built to run as a non-root user",
    }
}

impl Rule for RunAsRootOverridesImageUser {
    fn check_repository(&self, repo: &RepositoryContext<'_>, report: &mut Reporter<'_>) {
        if !repo.files.iter().any(|f| f.dockerfile.is_some()) {
            return;
        }
        let sources = support::ImageSources::new(repo);
        for (object, container) in support::containers(repo) {
            let Some(run_as) = container.security_setting("runAsUser") else { continue };
            if run_as.as_i64() != Some(0) {
                continue;
            }
            let Some(image) = container.image().and_then(|i| i.as_str()) else { continue };
            let Some(file) = sources.dockerfile_for(image, &object.path) else { continue };
            let Some(user) = file.dockerfile.and_then(support::image_user) else { continue };
            if is_root_user(&user) {
                continue;
            }
            report.report(
                run_as.span,
                format!(
                    "{} is forced to run as root, but its image (`{}`) runs as `{user}`; drop `runAsUser: 0`",
                    container.describe(object),
                    file.path
                ),
            );
        }
    }
}
