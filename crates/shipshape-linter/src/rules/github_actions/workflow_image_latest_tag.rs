use super::workflow::{from_matrix, Workflow};
use crate::context::YamlFileContext;
use crate::declare_rule;
use crate::images::{is_placeholder, ImageRef};
use crate::rule::{Reporter, Rule};

declare_rule! {
    /// ## What it does
    /// Flags the image of a job's `container:` or of one of its `services:`
    /// that has no tag or uses `latest` (also when it comes from the matrix
    /// through `${{ matrix.* }}`).
    ///
    /// ## Why is this bad?
    /// The job runs inside whatever image the tag points to on the day of
    /// the run: builds stop being reproducible, break when a new major
    /// version is published, and run code nobody reviewed with the job's
    /// token and secrets. Pin a version (and ideally a digest).
    ///
    /// ## Example
    /// ```yaml
    /// container:
    ///   image: node
    /// services:
    ///   db:
    ///     image: postgres:latest
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// container:
    ///   image: node:22.11-bookworm
    /// services:
    ///   db:
    ///     image: postgres:16.4
    /// ```
    ///
    /// ## References
    /// - [zizmor: unpinned-images](https://docs.zizmor.sh/audits/#unpinned-images)
    pub struct WorkflowImageLatestTag {
        id: "workflow-image-latest-tag",
        severity: Warning,
        domains: [GithubActions],
        summary: "Job container or service image has no tag or uses `latest`",
    }
}

impl Rule for WorkflowImageLatestTag {
    fn check_yaml(&self, cx: &YamlFileContext<'_>, report: &mut Reporter<'_>) {
        let Some(workflow) = Workflow::of(cx) else { return };
        for job in &workflow.jobs {
            for (node, image) in job.images() {
                if is_placeholder(image) {
                    continue;
                }
                let reference = ImageRef::parse(image);
                if reference.digest.is_some() {
                    continue;
                }
                match reference.tag {
                    None => report.report(
                        node.span,
                        format!("image `{image}`{} has no tag, so it runs whatever `latest` is", from_matrix(node)),
                    ),
                    Some(tag) if tag.eq_ignore_ascii_case("latest") => report.report(
                        node.span,
                        format!("image `{image}`{} uses the `latest` tag; pin a version", from_matrix(node)),
                    ),
                    Some(_) => {}
                }
            }
        }
    }
}
