use crate::context::RepositoryContext;
use crate::declare_rule;
use crate::images::ImageRef;
use crate::rule::{Reporter, Rule};
use crate::rules::cross_file::support;

declare_rule! {
    /// ## What it does
    /// Flags a container image that has the same name as an image a CI job of
    /// the repository pushes, but comes from another registry or owner
    /// (`docker.io/acme/api` deployed, `ghcr.io/acme/api` pushed).
    ///
    /// ## Why is this bad?
    /// The cluster runs something CI never built: an old image left in a
    /// registry the team moved away from, or a public image that merely shares
    /// the name. Every release then silently deploys stale code, and the
    /// supply-chain controls of the pipeline (scans, signatures) do not cover
    /// what runs.
    ///
    /// ## Example
    /// ```yaml
    /// # .github/workflows/release.yml
    /// - uses: docker/build-push-action@v6
    ///   with:
    ///     tags: ghcr.io/acme/api:${{ github.sha }}
    /// ```
    /// ```yaml
    /// # deploy/deployment.yaml
    /// image: docker.io/acme/api:1.4.2
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// image: ghcr.io/acme/api:1.4.2
    /// ```
    pub struct DeployedImageDiffersFromPushedImage {
        id: "deployed-image-differs-from-pushed-image",
        severity: Warning,
        domains: [CrossFile],
        summary: "Manifest deploys an image of the same name as the one CI pushes, from another registry or owner",
    }
}

/// True when an image name starts with a registry host.
fn has_registry(name: &str) -> bool {
    name.split_once('/').is_some_and(|(first, _)| first.contains(['.', ':']) || first == "localhost")
}

/// `docker.io/library/x` and `x` are the same image.
fn canonical(name: &str) -> String {
    let name = name.trim_start_matches("docker.io/").trim_start_matches("index.docker.io/");
    let name = name.strip_prefix("library/").unwrap_or(name);
    name.to_string()
}

impl Rule for DeployedImageDiffersFromPushedImage {
    fn check_repository(&self, repo: &RepositoryContext<'_>, report: &mut Reporter<'_>) {
        let builds: Vec<support::CiBuild> =
            support::ci_builds(repo).into_iter().filter(|b| b.pushed && has_registry(&b.image)).collect();
        if builds.is_empty() {
            return;
        }
        for (object, container) in support::containers(repo) {
            let pushed: Vec<String> =
                builds.iter().filter(|b| b.covers(&object.path)).map(|b| canonical(&b.image)).collect();
            let Some(node) = container.image() else { continue };
            let Some(reference) = node.as_str().filter(|r| !crate::images::is_placeholder(r)) else { continue };
            let lower = reference.to_ascii_lowercase();
            let deployed = canonical(ImageRef::parse(&lower).name);
            if pushed.contains(&deployed) {
                continue;
            }
            let short = deployed.rsplit('/').next().unwrap_or(&deployed);
            let Some(same_name) = pushed.iter().find(|p| p.rsplit('/').next() == Some(short) && p.contains('/')) else {
                continue;
            };
            report.report(
                node.span,
                format!(
                    "{} deploys `{}`, but CI pushes `{same_name}`; deploy the image CI builds",
                    container.describe(object),
                    ImageRef::parse(&lower).name
                ),
            );
        }
    }
}
