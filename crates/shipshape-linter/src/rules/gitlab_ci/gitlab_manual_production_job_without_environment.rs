use crate::context::RepositoryContext;
use crate::declare_rule;
use crate::rule::{Reporter, Rule};
use crate::rules::gitlab_ci::support;

declare_rule! {
    /// ## What it does
    /// Flags a manual GitLab CI job (`when: manual`, on the job or in one
    /// of its `rules:`, its own or through `extends`) whose name or stage
    /// says it acts on production (`deploy-prod`, `production`, stage
    /// `prod`…) and that declares no `environment:`.
    ///
    /// ## Why is this bad?
    /// A manual button is not an approval: anyone who can run the pipeline
    /// can press it. GitLab's controls over who may deploy to production —
    /// protected environments, deployment approvals, environment-scoped
    /// variables, deployment history and rollback — all hang on
    /// `environment:`. Without it, the production job is gated by nothing
    /// but a click and leaves no deployment record.
    ///
    /// ## Example
    /// ```yaml
    /// deploy-prod:
    ///   stage: deploy
    ///   when: manual
    ///   script: [./deploy.sh production]
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// deploy-prod:
    ///   stage: deploy
    ///   when: manual
    ///   environment:
    ///     name: production
    ///     url: https://example.com
    ///   script: [./deploy.sh production]
    /// ```
    /// and protect the `production` environment in the project settings.
    pub struct GitlabManualProductionJobWithoutEnvironment {
        id: "gitlab-manual-production-job-without-environment",
        severity: Warning,
        domains: [GitlabCi],
        summary: "Manual GitLab CI production job declares no `environment:`",
    }
}

impl Rule for GitlabManualProductionJobWithoutEnvironment {
    fn check_repository(&self, repo: &RepositoryContext<'_>, report: &mut Reporter<'_>) {
        let pipelines = support::pipelines(repo);
        for (config, job) in support::reported_jobs(&pipelines) {
            let stage = config.lookup(&job, "stage").and_then(|s| s.as_str()).unwrap_or("");
            if !support::names_production(job.name) && !support::names_production(stage) {
                continue;
            }
            let manual = config.lookup(&job, "when").and_then(|w| w.as_str()) == Some("manual")
                || config
                    .lookup(&job, "rules")
                    .is_some_and(|rules| rules.items().iter().any(|r| r.str_at(&["when"]) == Some("manual")));
            if !manual
                || config.lookup(&job, "environment").is_some()
                || config.lookup(&job, "trigger").is_some()
                || !config.chain_is_known(&job)
                || config.may_be_override(&job)
            {
                continue;
            }
            // From the job's name to its own `when: manual`, if it has one.
            let span = job.get("when").map_or(job.key.span, |w| job.key.span.cover(w.span));
            report.report(
                span,
                format!(
                    "Manual job `{}` acts on production but declares no `environment:`; add one and protect it, so \
                     that only allowed people can deploy and each deployment is recorded",
                    job.name
                ),
            );
        }
    }
}
