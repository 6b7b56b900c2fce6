use crate::context::{DockerfileContext, K8sObject};
use crate::declare_rule;
use crate::images::{self, ImageRef};
use crate::k8s;
use crate::rule::{Reporter, Rule};
use crate::rules::dockerfile::support;

declare_rule! {
    /// ## What it does
    /// Flags an image reference with no tag or with the `latest` tag: a
    /// Dockerfile `FROM` (after expanding global `ARG` defaults), an image
    /// that `COPY --from=` or `RUN --mount=…,from=` reads files from, and the
    /// `image` of every container of a Kubernetes workload. An image pinned
    /// by digest (`@sha256:…`) is not flagged, nor is `FROM scratch` or a
    /// `FROM` naming an earlier build stage.
    ///
    /// ## Why is this bad?
    /// `latest` is whatever was pushed last. The same Dockerfile builds a
    /// different image tomorrow, two nodes of one cluster can run different
    /// code under the same name, and a rollback to "the previous version"
    /// has no version to go back to.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM python
    /// ```
    /// ```yaml
    /// containers:
    ///   - name: api
    ///     image: ghcr.io/acme/api:latest
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM python:3.12-slim
    /// ```
    /// ```yaml
    /// containers:
    ///   - name: api
    ///     image: ghcr.io/acme/api:1.4.2
    /// ```
    pub struct LatestImageTag {
        id: "latest-image-tag",
        severity: Warning,
        domains: [Dockerfile, Kubernetes],
        summary: "Image has no tag or uses the `latest` tag",
    }
}

fn problem(image: &ImageRef<'_>) -> Option<&'static str> {
    if image.digest.is_some() {
        return None;
    }
    match image.tag {
        None => Some("has no tag, so it means `latest`"),
        Some("latest") => Some("uses the `latest` tag"),
        Some(_) => None,
    }
}

impl Rule for LatestImageTag {
    fn check_dockerfile(&self, cx: &DockerfileContext<'_>, report: &mut Reporter<'_>) {
        for stage in &cx.dockerfile.stages {
            let Some(reference) = images::resolved_base_image(cx.dockerfile, stage) else { continue };
            if let Some(problem) = problem(&ImageRef::parse(&reference)) {
                report.report(stage.image.span, format!("Base image `{reference}` {problem}; pin a version tag"));
            }
        }
        for (span, reference) in support::copied_images(cx.dockerfile) {
            if let Some(problem) = problem(&ImageRef::parse(&reference)) {
                report.report(span, format!("Image `{reference}` in `--from` {problem}; pin a version tag"));
            }
        }
    }

    fn check_object(&self, object: &K8sObject, report: &mut Reporter<'_>) {
        let Some(template) = k8s::pod_template(object) else { return };
        for container in template.containers() {
            let Some(node) = container.image() else { continue };
            let Some(reference) = node.as_str().filter(|r| !images::is_placeholder(r)) else { continue };
            if let Some(problem) = problem(&ImageRef::parse(reference)) {
                report.report(
                    node.span,
                    format!("Container `{}` image `{reference}` {problem}; pin a version tag", container.name()),
                );
            }
        }
    }
}
