use crate::context::RepositoryContext;
use crate::declare_rule;
use crate::rule::{Reporter, Rule};
use crate::rules::gitlab_ci::support::{self, DEFAULT_STAGES};

declare_rule! {
    /// ## What it does
    /// Flags a GitLab CI job whose `stage:` (its own or the one it gets
    /// through `extends`) is not declared in `stages:`, and a job with no
    /// stage at all (it goes to `test`) when `stages:` leaves `test` out.
    /// The pipeline is the root `.gitlab-ci.yml` together with every file it
    /// includes locally. When no file declares `stages:`, GitLab's defaults
    /// apply (`.pre`, `build`, `test`, `deploy`, `.post`); a pipeline that
    /// also includes remote, project, template or component files (which
    /// may declare the stages) is then left alone. `.pre` and `.post`
    /// always exist.
    ///
    /// ## Why is this bad?
    /// GitLab refuses the whole configuration ("chosen stage does not
    /// exist"): no pipeline runs at all, for any branch, until the file is
    /// fixed. The mistake is usually a typo or a stage renamed in one file
    /// but not in an included one.
    ///
    /// ## Example
    /// ```yaml
    /// stages: [build, test, deploy]
    ///
    /// publish:
    ///   stage: release
    ///   script: [./publish.sh]
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// stages: [build, test, release, deploy]
    ///
    /// publish:
    ///   stage: release
    ///   script: [./publish.sh]
    /// ```
    pub struct GitlabStageNotDeclared {
        id: "gitlab-stage-not-declared",
        severity: Error,
        domains: [GitlabCi],
        summary: "GitLab CI job uses a stage that `stages:` does not declare",
        kind: Defect,
    }
}

impl Rule for GitlabStageNotDeclared {
    fn check_repository(&self, repo: &RepositoryContext<'_>, report: &mut Reporter<'_>) {
        let pipelines = support::pipelines(repo);
        let mut seen = std::collections::HashSet::new();
        for (config, job) in support::reported_jobs(&pipelines) {
            let declared = config.declared_stages();
            let explicit = declared.is_some();
            let stages = match declared {
                Some(stages) => stages,
                None if config.closed && config.entry => DEFAULT_STAGES.to_vec(),
                None => continue,
            };
            let known = |stage: &str| stage == ".pre" || stage == ".post" || stages.contains(&stage);
            match config.lookup(&job, "stage") {
                Some(node) => {
                    let Some(stage) = node.as_str() else { continue };
                    if stage.contains('$') || known(stage) || !seen.insert(node.span) {
                        continue;
                    }
                    let declared = if explicit {
                        "`stages:` does not declare it"
                    } else {
                        "the pipeline declares no `stages:`, so only the default stages exist"
                    };
                    report.report(
                        node.span,
                        format!(
                            "Stage `{stage}` of job `{}` does not exist: {declared}; GitLab rejects the whole pipeline",
                            job.name
                        ),
                    );
                }
                None => {
                    // Without every include, the job may be an override of an included job that has a stage.
                    if known("test") || !config.closed || !config.chain_is_known(&job) {
                        continue;
                    }
                    report.report(
                        job.key.span,
                        format!(
                            "Job `{}` has no `stage:`, so it runs in `test`, which `stages:` does not declare; \
                             GitLab rejects the whole pipeline",
                            job.name
                        ),
                    );
                }
            }
        }
    }
}
