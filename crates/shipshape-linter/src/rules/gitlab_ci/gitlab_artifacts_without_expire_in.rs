use std::collections::HashSet;

use crate::context::RepositoryContext;
use crate::declare_rule;
use crate::rule::{Reporter, Rule};
use crate::rules::gitlab_ci::support;

declare_rule! {
    /// ## What it does
    /// Flags a GitLab CI job whose `artifacts:` keep files (`paths:` or
    /// `untracked:`) with no `expire_in:` — neither on the job, nor in what
    /// it extends, nor in `default: artifacts:`. Report-only artifacts
    /// (`artifacts: reports:`) are not flagged.
    ///
    /// ## Why is this bad?
    /// Artifacts without `expire_in` live as long as the instance's default
    /// (30 days on GitLab.com, forever on many self-managed instances), for
    /// every pipeline of every branch: storage grows without bound, and
    /// build outputs that may hold secrets (`.env` files, kubeconfigs,
    /// bundles with embedded keys) stay downloadable long after they are
    /// needed. Say how long they are needed.
    ///
    /// ## Example
    /// ```yaml
    /// build:
    ///   script: [make]
    ///   artifacts:
    ///     paths: [dist/]
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// build:
    ///   script: [make]
    ///   artifacts:
    ///     paths: [dist/]
    ///     expire_in: 1 week
    /// ```
    pub struct GitlabArtifactsWithoutExpireIn {
        id: "gitlab-artifacts-without-expire-in",
        severity: Info,
        domains: [GitlabCi],
        summary: "GitLab CI artifacts kept with no `expire_in:`",
    }
}

impl Rule for GitlabArtifactsWithoutExpireIn {
    fn check_repository(&self, repo: &RepositoryContext<'_>, report: &mut Reporter<'_>) {
        let pipelines = support::pipelines(repo);
        let mut seen = HashSet::new();
        for (config, job) in support::reported_jobs(&pipelines) {
            let chain = config.chain(&job);
            let with_artifacts: Vec<_> =
                chain.iter().filter(|d| d.get("artifacts").is_some_and(|a| a.is_mapping())).collect();
            let Some(nearest) = with_artifacts.first() else { continue };
            let keeps_files = with_artifacts.iter().any(|d| {
                d.node.path(&["artifacts", "paths"]).is_some()
                    || d.node.path(&["artifacts", "untracked"]).is_some_and(|u| u.as_bool() == Some(true))
            });
            let expires = with_artifacts.iter().any(|d| d.node.path(&["artifacts", "expire_in"]).is_some())
                || config.lookup_with_default(&job, "artifacts").is_some_and(|a| a.get("expire_in").is_some())
                || config.docs.iter().any(|d| d.root.path(&["default", "artifacts", "expire_in"]).is_some());
            if !keeps_files || expires || !config.chain_is_known(&job) || config.may_be_override(&job) {
                continue;
            }
            let span = nearest.node.key_span("artifacts");
            if seen.insert(span) {
                report.report(
                    span,
                    format!(
                        "Artifacts of `{}` have no `expire_in:`, so they are kept for the instance default (often \
                         forever); say how long they are needed",
                        nearest.name
                    ),
                );
            }
        }
    }
}
