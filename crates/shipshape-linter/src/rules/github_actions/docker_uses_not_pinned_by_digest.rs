use super::workflow::{Uses, UsesKind, Workflow};
use crate::context::YamlFileContext;
use crate::declare_rule;
use crate::images::ImageRef;
use crate::rule::{Reporter, Rule};

declare_rule! {
    /// ## What it does
    /// Flags a step that runs a container image directly
    /// (`uses: docker://image:tag`), or a Docker action whose metadata runs
    /// one (`runs.image: docker://…`), without pinning it by digest
    /// (`@sha256:…`).
    ///
    /// ## Why is this bad?
    /// The step runs whatever the tag points to on the day of the run, with
    /// the job's token and secrets in its environment. Tags can be pushed
    /// again by the image's owner or by whoever took over the registry
    /// account. A digest names exactly one image.
    ///
    /// ## Example
    /// ```yaml
    /// - uses: docker://ghcr.io/acme/linter:1.4
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// - uses: docker://ghcr.io/acme/linter:1.4@sha256:3f1c0e7d8a9b2c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5
    /// ```
    ///
    /// ## References
    /// - [zizmor: unpinned-images](https://docs.zizmor.sh/audits/#unpinned-images)
    pub struct DockerUsesNotPinnedByDigest {
        id: "docker-uses-not-pinned-by-digest",
        severity: Warning,
        domains: [GithubActions],
        summary: "`docker://` image run by a step is not pinned by digest",
    }
}

impl Rule for DockerUsesNotPinnedByDigest {
    fn check_yaml(&self, cx: &YamlFileContext<'_>, report: &mut Reporter<'_>) {
        let Some(workflow) = Workflow::of(cx) else { return };
        let mut nodes = workflow.all_uses();
        if workflow.is_action() {
            nodes.extend(workflow.root.path(&["runs", "image"]).map(|n| (n, n.span)));
        }
        for (node, span) in nodes {
            let Some(uses) = Uses::parse(node) else { continue };
            let UsesKind::Docker { image } = uses.kind else { continue };
            if ImageRef::parse(image).digest.is_none() {
                report.report(
                    span,
                    format!("`{image}` is not pinned by digest; the tag can be pushed again with other code"),
                );
            }
        }
    }
}
