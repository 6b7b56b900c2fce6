use crate::context::YamlFileContext;
use crate::declare_rule;
use crate::images::ImageRef;
use crate::roles::YamlRole;
use crate::rule::{Reporter, Rule};
use crate::rules::gitlab_ci::support::{self, Config};

declare_rule! {
    /// ## What it does
    /// Flags a GitLab CI `image:` or `services:` entry (of a job, a hidden
    /// template, `default:` or the top level) that has no tag and no digest,
    /// or uses a floating tag that follows the newest release: `latest`,
    /// and for Docker's own image `dind` and `git`. An image named by a
    /// variable (`$BUILD_IMAGE`) is resolved from the job's and the
    /// pipeline's `variables:` when it can be; references built from
    /// variables (`$CI_REGISTRY_IMAGE:$CI_COMMIT_SHA`, `node:$NODE_VERSION`)
    /// are left alone.
    ///
    /// ## Why is this bad?
    /// The job runs whatever the tag points to on the day it runs: a new
    /// major version breaks the pipeline without a commit to blame, two runs
    /// of the same commit use different tools, and a compromised or
    /// typo-squatted upload is picked up at once. Pin a version tag, or a
    /// digest for images that handle credentials or produce releases.
    ///
    /// ## Example
    /// ```yaml
    /// build:
    ///   image: node
    ///   services:
    ///     - docker:dind
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// build:
    ///   image: node:20.11-alpine3.19
    ///   services:
    ///     - docker:26.1.4-dind
    /// ```
    pub struct GitlabLatestImageTag {
        id: "gitlab-latest-image-tag",
        severity: Warning,
        domains: [GitlabCi],
        summary: "GitLab CI image or service has no tag or a floating `latest` tag",
    }
}

/// Docker's floating tags, which follow the newest release like `latest`.
const DOCKER_FLOATING: &[&str] = &["dind", "git", "cli", "dind-rootless"];

/// The variable a whole reference names (`$IMAGE`, `${IMAGE}`).
fn whole_variable(reference: &str) -> Option<&str> {
    let name = reference.strip_prefix('$')?;
    let name = name.strip_prefix('{').and_then(|n| n.strip_suffix('}')).unwrap_or(name);
    name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_').then_some(name)
}

/// What is wrong with a reference, if anything.
fn problem(reference: &str) -> Option<String> {
    let image = ImageRef::parse(reference);
    if image.digest.is_some() {
        return None;
    }
    match image.tag {
        Some("latest") => Some(format!("`{reference}` uses the floating `latest` tag")),
        Some(tag) if DOCKER_FLOATING.contains(&tag) && image.repository() == "library/docker" => {
            Some(format!("`{reference}` uses the floating `{tag}` tag, which follows the newest Docker release"))
        }
        Some(_) => None,
        None if reference.contains('$') || reference.is_empty() => None,
        None => Some(format!("`{reference}` has no tag, so it means `latest`")),
    }
}

impl Rule for GitlabLatestImageTag {
    fn check_yaml(&self, cx: &YamlFileContext<'_>, report: &mut Reporter<'_>) {
        if cx.role != YamlRole::GitlabCi {
            return;
        }
        let config = Config::of_file(cx);
        for doc in &config.docs {
            let globals = support::variables(doc.root.get("variables"));
            let jobs = doc.definitions();
            for image in doc.images() {
                let Some(written) = image.node.as_str() else { continue };
                let written = written.trim();
                let mut reference = written.to_string();
                if let Some(name) = whole_variable(written) {
                    let job_vars = image
                        .job
                        .and_then(|j| jobs.iter().find(|d| d.name == j))
                        .map(|j| support::variables(j.get("variables")))
                        .unwrap_or_default();
                    let value = job_vars.iter().chain(globals.iter()).find(|v| v.name == name).map(|v| v.text());
                    match value {
                        Some(value) if !value.contains('$') => reference = value.trim().to_string(),
                        _ => continue,
                    }
                }
                if let Some(what) = problem(&reference) {
                    let kind = if image.service { "Service image" } else { "Image" };
                    let via = if reference != written { format!(" (through `{written}`)") } else { String::new() };
                    report.report(image.node.span, format!("{kind} {what}{via}; pin a version tag or a digest"));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::problem;

    #[test]
    fn references() {
        for bad in ["node", "node:latest", "docker:dind", "registry.example.com/a/b", "$REG/x:latest"] {
            assert!(problem(bad).is_some(), "{bad}");
        }
        for good in
            ["node:20", "docker:26.1-dind", "$CI_REGISTRY_IMAGE:$CI_COMMIT_SHA", "$IMG", "a/b@sha256:00", "x:$V"]
        {
            assert!(problem(good).is_none(), "{good}");
        }
    }
}
