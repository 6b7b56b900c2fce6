use crate::context::DockerfileContext;
use crate::declare_rule;
use crate::images::{self, ImageRef};
use crate::rule::{Reporter, Rule};
use crate::rules::dockerfile::support;

declare_rule! {
    /// ## What it does
    /// Flags a `FROM` whose image is not pinned by digest (`@sha256:…`),
    /// after expanding global `ARG` defaults, and the same for an image that
    /// `COPY --from=` or `RUN --mount=…,from=` reads files from. `FROM scratch`
    /// and references to build stages are not flagged.
    ///
    /// ## Why is this bad?
    /// A tag is a movable pointer: `python:3.12-slim` is rebuilt every few
    /// weeks and a registry (or anyone who can push to it) can point it at
    /// different content. Only a digest names exactly the bytes that were
    /// reviewed, so builds are reproducible and a swapped base image is
    /// detected. Keep the tag next to the digest for readers, and let a bot
    /// (Renovate, Dependabot) bump both.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM python:3.12-slim
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM python:3.12-slim@sha256:2f1a…e9c0
    /// ```
    ///
    /// ## References
    /// - [Docker: pin base image versions](https://docs.docker.com/build/building/best-practices/#pin-base-image-versions)
    pub struct BaseImageNotPinnedByDigest {
        id: "base-image-not-pinned-by-digest",
        severity: Info,
        domains: [Dockerfile],
        summary: "Base image is not pinned by digest",
    }
}

impl Rule for BaseImageNotPinnedByDigest {
    fn check_dockerfile(&self, cx: &DockerfileContext<'_>, report: &mut Reporter<'_>) {
        for stage in &cx.dockerfile.stages {
            let Some(reference) = images::resolved_base_image(cx.dockerfile, stage) else { continue };
            if ImageRef::parse(&reference).digest.is_none() {
                report.report(
                    stage.image.span,
                    format!("Base image `{reference}` is not pinned by digest; append `@sha256:…` to the reference"),
                );
            }
        }
        for (span, reference) in support::copied_images(cx.dockerfile) {
            if ImageRef::parse(&reference).digest.is_none() {
                report.report(
                    span,
                    format!(
                        "Image `{reference}` in `--from` is not pinned by digest; append `@sha256:…` to the reference"
                    ),
                );
            }
        }
    }
}
