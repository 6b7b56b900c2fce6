use std::collections::HashSet;

use crate::context::RepositoryContext;
use crate::declare_rule;
use crate::rule::{Reporter, Rule};
use crate::rules::gitlab_ci::support;

declare_rule! {
    /// ## What it does
    /// Flags a GitLab CI job that ends up with both `rules:` and
    /// `only:`/`except:`, whether written on the job itself or brought in
    /// through `extends` (a template with `only:` extended by a job with
    /// `rules:` is the usual way this happens).
    ///
    /// ## Why is this bad?
    /// GitLab refuses the configuration ("config key may not be used with
    /// `rules`: only"), so no pipeline runs. `rules:` replaces `only:` and
    /// `except:`, which are no longer developed; move the conditions into
    /// `rules:`.
    ///
    /// ## Example
    /// ```yaml
    /// .deploy:
    ///   only: [main]
    ///
    /// deploy:
    ///   extends: .deploy
    ///   rules:
    ///     - if: $CI_COMMIT_TAG
    ///   script: [./deploy.sh]
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// .deploy:
    ///   rules:
    ///     - if: $CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH
    ///
    /// deploy:
    ///   extends: .deploy
    ///   rules:
    ///     - if: $CI_COMMIT_TAG
    ///   script: [./deploy.sh]
    /// ```
    pub struct GitlabRulesMixedWithOnlyExcept {
        id: "gitlab-rules-mixed-with-only-except",
        severity: Error,
        domains: [GitlabCi],
        summary: "GitLab CI job combines `rules:` with `only:` or `except:`",
        kind: Defect,
    }
}

impl Rule for GitlabRulesMixedWithOnlyExcept {
    fn check_repository(&self, repo: &RepositoryContext<'_>, report: &mut Reporter<'_>) {
        let pipelines = support::pipelines(repo);
        let mut seen = HashSet::new();
        for (config, job) in support::reported_jobs(&pipelines) {
            let chain = config.chain(&job);
            let Some(with_rules) = chain.iter().find(|d| d.get("rules").is_some()) else { continue };
            for definition in &chain {
                for key in ["only", "except"] {
                    if definition.get(key).is_none() {
                        continue;
                    }
                    let span = definition.node.key_span(key);
                    if !seen.insert(span) {
                        continue;
                    }
                    let from = |name: &str| {
                        if name == job.name {
                            String::new()
                        } else {
                            format!(" (from `{name}`)")
                        }
                    };
                    let (rules_from, key_from) = (from(with_rules.name), from(definition.name));
                    report.report(
                        span,
                        format!(
                            "Job `{}` has both `rules:`{rules_from} and `{key}:`{key_from}; GitLab rejects the \
                             pipeline — move the condition into `rules:`",
                            job.name
                        ),
                    );
                }
            }
        }
    }
}
