use crate::context::YamlFileContext;
use crate::declare_rule;
use crate::roles::YamlRole;
use crate::rule::{Reporter, Rule};
use crate::rules::gitlab_ci::support::{Config, IncludeKind};

declare_rule! {
    /// ## What it does
    /// Flags an `include:` of a remote URL (`include: remote: https://…` or
    /// a bare URL) unless the content is pinned: the URL names a full
    /// commit SHA (`…/-/raw/<40-hex sha>/ci.yml`) or the entry carries an
    /// `integrity:` hash.
    ///
    /// ## Why is this bad?
    /// GitLab fetches the URL each time a pipeline is created and runs what
    /// it gets with the project's variables and job token. Whoever controls
    /// that URL — its owner, a compromised server, a moved domain — controls
    /// the pipeline, and nothing in the repository records what ran. A
    /// `project:` include pinned to a tag or SHA, a CI/CD component with a
    /// version, or a copy in the repository keep the content under review.
    ///
    /// ## Example
    /// ```yaml
    /// include:
    ///   - remote: https://example.com/ci/templates/build.yml
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// include:
    ///   - remote: https://example.com/ci/templates/build.yml
    ///     integrity: sha256-L3/GAoKaw0Arw6hDCKeKQlV1QPEgHYxGBHsH4zG1IY8=
    /// ```
    /// or `project:` with a pinned `ref`, or a copy under `local:`.
    ///
    /// ## References
    /// - [GitLab: `include:integrity`](https://docs.gitlab.com/ci/yaml/#includeintegrity)
    pub struct GitlabRemoteInclude {
        id: "gitlab-remote-include",
        severity: Warning,
        domains: [GitlabCi],
        summary: "GitLab CI includes a remote URL whose content is not pinned",
    }
}

/// True when a path segment of the URL is a full commit SHA.
fn names_commit(url: &str) -> bool {
    url.split(['/', '?', '=', '&', '@']).any(|s| s.len() == 40 && s.chars().all(|c| c.is_ascii_hexdigit()))
}

impl Rule for GitlabRemoteInclude {
    fn check_yaml(&self, cx: &YamlFileContext<'_>, report: &mut Reporter<'_>) {
        if cx.role != YamlRole::GitlabCi {
            return;
        }
        for doc in &Config::of_file(cx).docs {
            for include in doc.includes() {
                let url = include.target_str();
                if include.kind != IncludeKind::Remote || include.node.get("integrity").is_some() || names_commit(url) {
                    continue;
                }
                if url.contains("$[[") {
                    continue;
                }
                report.report(
                    include.target.span,
                    format!(
                        "`{url}` is fetched and run on every pipeline, whatever it holds that day; add \
                         `integrity:`, pin a commit in the URL, or include a pinned `project:` or component"
                    ),
                );
            }
        }
    }
}
