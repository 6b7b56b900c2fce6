use super::workflow::{from_matrix, Workflow};
use crate::context::YamlFileContext;
use crate::declare_rule;
use crate::images::{is_placeholder, ImageRef};
use crate::rule::{Reporter, Rule};

declare_rule! {
    /// ## What it does
    /// Flags the image of a job's `container:` or `services:` that has a
    /// version tag but no digest. Images without a tag or with `latest` are
    /// reported by `workflow-image-latest-tag` instead.
    ///
    /// ## Why is this bad?
    /// A tag can be pushed again, so two runs of the same commit can use
    /// different images. A digest (`@sha256:…`) makes the job reproducible
    /// and immune to a hijacked tag. This is advice: version tags of
    /// official images are rarely moved.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   db:
    ///     image: postgres:16.4
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// services:
    ///   db:
    ///     image: postgres:16.4@sha256:3a5b9f3c7e1d2c4b6a8f0e9d7c5b3a1f2e4d6c8b0a9f7e5d3c1b2a4f6e8d0c9b
    /// ```
    ///
    /// ## References
    /// - [zizmor: unpinned-images](https://docs.zizmor.sh/audits/#unpinned-images)
    pub struct WorkflowImageNotPinnedByDigest {
        id: "workflow-image-not-pinned-by-digest",
        severity: Info,
        domains: [GithubActions],
        summary: "Job container or service image is not pinned by digest",
    }
}

impl Rule for WorkflowImageNotPinnedByDigest {
    fn check_yaml(&self, cx: &YamlFileContext<'_>, report: &mut Reporter<'_>) {
        let Some(workflow) = Workflow::of(cx) else { return };
        for job in &workflow.jobs {
            for (node, image) in job.images() {
                if is_placeholder(image) {
                    continue;
                }
                let reference = ImageRef::parse(image);
                if reference.digest.is_none() && reference.tag.is_some_and(|t| !t.eq_ignore_ascii_case("latest")) {
                    report.report(
                        node.span,
                        format!("image `{image}`{} is pinned by tag only; add its digest", from_matrix(node)),
                    );
                }
            }
        }
    }
}
