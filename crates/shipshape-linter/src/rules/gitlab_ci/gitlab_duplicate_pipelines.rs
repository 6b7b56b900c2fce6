use std::collections::HashSet;

use shipshape_yaml::Node;

use crate::context::RepositoryContext;
use crate::declare_rule;
use crate::rule::{Reporter, Rule};
use crate::rules::gitlab_ci::gitlab_production_deploy_from_any_branch::expression_limits_ref;
use crate::rules::gitlab_ci::support;

declare_rule! {
    /// ## What it does
    /// Flags a `rules:` list — `workflow: rules:`, or a job's `rules:` when
    /// the pipeline has no `workflow: rules:` — that adds merge request
    /// pipelines (`$CI_PIPELINE_SOURCE == "merge_request_event"`,
    /// `$CI_MERGE_REQUEST_IID`) and also branch pipelines for any branch
    /// (`$CI_PIPELINE_SOURCE == "push"`, `$CI_COMMIT_BRANCH`, or an entry
    /// with no `if:`), with nothing that skips branches that have an open
    /// merge request (`$CI_OPEN_MERGE_REQUESTS`). The finding is on the
    /// branch entry. Checkov's `CKV_GITLABCI_2` looks for the same thing.
    ///
    /// ## Why is this bad?
    /// Every push to a branch with an open merge request then starts two
    /// pipelines for the same commit: twice the runner time, two sets of
    /// deployments to review environments racing each other, and a merge
    /// request that shows only one of the two results.
    ///
    /// ## Example
    /// ```yaml
    /// workflow:
    ///   rules:
    ///     - if: $CI_PIPELINE_SOURCE == "merge_request_event"
    ///     - if: $CI_COMMIT_BRANCH
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// workflow:
    ///   rules:
    ///     - if: $CI_PIPELINE_SOURCE == "merge_request_event"
    ///     - if: $CI_COMMIT_BRANCH && $CI_OPEN_MERGE_REQUESTS
    ///       when: never
    ///     - if: $CI_COMMIT_BRANCH
    /// ```
    ///
    /// ## References
    /// - [GitLab: Avoid duplicate pipelines](https://docs.gitlab.com/ci/jobs/job_rules/#avoid-duplicate-pipelines)
    pub struct GitlabDuplicatePipelines {
        id: "gitlab-duplicate-pipelines",
        severity: Warning,
        domains: [GitlabCi],
        summary: "GitLab CI rules start both a merge request and a branch pipeline for the same push",
    }
}

fn adds_merge_requests(expression: &str) -> bool {
    (expression.contains("merge_request_event") && expression.contains("=="))
        || expression
            .split("&&")
            .any(|c| matches!(c.trim(), "$CI_MERGE_REQUEST_IID" | "$CI_MERGE_REQUEST_ID" | "${CI_MERGE_REQUEST_IID}"))
}

fn adds_any_branch(expression: &str) -> bool {
    let push =
        expression.contains("CI_PIPELINE_SOURCE") && expression.contains("\"push\"") && expression.contains("==");
    let branch = expression.split("||").any(|alternative| {
        alternative
            .split("&&")
            .any(|c| matches!(c.trim().trim_matches(['(', ')']), "$CI_COMMIT_BRANCH" | "${CI_COMMIT_BRANCH}"))
    });
    (push || branch) && !expression_limits_ref(expression) && !expression.contains("merge_request")
}

/// The branch entry of a list that adds both kinds of pipeline.
fn duplicating_entry(rules: &Node) -> Option<&Node> {
    let items = rules.items();
    if items.iter().any(|r| !r.is_mapping()) || rules.as_sequence().is_none() {
        return None;
    }
    if items.iter().any(|r| r.str_at(&["if"]).is_some_and(|e| e.contains("CI_OPEN_MERGE_REQUESTS"))) {
        return None;
    }
    let mut merge_requests = false;
    let mut branch: Option<&Node> = None;
    for rule in items {
        let expression = rule.str_at(&["if"]);
        let never = support::when_of(rule) == "never";
        match expression {
            Some(e) if adds_merge_requests(e) => {
                if never {
                    // Merge request pipelines are excluded before any other entry can add them.
                    if !merge_requests {
                        return None;
                    }
                } else {
                    merge_requests = true;
                }
            }
            Some(e) if !never && adds_any_branch(e) => branch = branch.or(Some(rule)),
            None if !never => {
                branch = branch.or(Some(rule));
                break;
            }
            _ => {}
        }
    }
    if merge_requests {
        branch
    } else {
        None
    }
}

fn report_entry(entry: &Node, report: &mut Reporter<'_>, seen: &mut HashSet<shipshape_diagnostics::Span>, whose: &str) {
    let span = entry.get("if").map_or(entry.head_span(), |n| n.span);
    if seen.insert(span) {
        report.report(
            span,
            format!(
                "{whose} adds merge request pipelines and also branch pipelines here, so a push to a branch with \
                 an open merge request runs twice; skip such branches with `if: $CI_COMMIT_BRANCH && \
                 $CI_OPEN_MERGE_REQUESTS` / `when: never`"
            ),
        );
    }
}

impl Rule for GitlabDuplicatePipelines {
    fn check_repository(&self, repo: &RepositoryContext<'_>, report: &mut Reporter<'_>) {
        let pipelines = support::pipelines(repo);
        let mut seen = HashSet::new();
        for (config, reported) in &pipelines {
            let workflow = config.docs.iter().find_map(|d| d.root.path(&["workflow", "rules"]).map(|r| (d, r)));
            match workflow {
                Some((doc, rules)) if reported.contains(&doc.file) => {
                    if let Some(entry) = duplicating_entry(rules) {
                        report_entry(entry, report, &mut seen, "`workflow: rules:`");
                    }
                }
                Some(_) => {}
                None if config.closed && config.entry => {
                    for job in config.jobs().iter().filter(|j| reported.contains(&j.doc.file)) {
                        if let Some(entry) = config.lookup(job, "rules").and_then(duplicating_entry) {
                            report_entry(entry, report, &mut seen, &format!("`rules:` of job `{}`", job.name));
                        }
                    }
                }
                None => {}
            }
        }
    }
}
