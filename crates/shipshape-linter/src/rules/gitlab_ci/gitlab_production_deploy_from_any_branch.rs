use std::collections::HashSet;

use shipshape_yaml::Node;

use crate::context::RepositoryContext;
use crate::declare_rule;
use crate::rule::{Reporter, Rule};
use crate::rules::gitlab_ci::support;

declare_rule! {
    /// ## What it does
    /// Flags a GitLab CI job that deploys to a production environment
    /// (`environment:` or `environment: name:` saying `production`, `prod`,
    /// `prd`, as a word: `prod-eu`, `production/us`, not `pre-prod`) and
    /// can run from any branch: neither its `rules:` (or `only:`/`except:`,
    /// its own or through `extends`) nor `workflow: rules:` limit it to the
    /// default branch, tags, protected refs or named branches.
    ///
    /// A `rules:` list limits the job when every entry that can add it
    /// (not `when: never`) has an `if:` comparing the ref —
    /// `$CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH`, `$CI_COMMIT_TAG`,
    /// `$CI_COMMIT_REF_NAME =~ /^release/`, `$CI_COMMIT_REF_PROTECTED ==
    /// "true"` — in each of its `||` alternatives, or when an earlier
    /// `when: never` entry already excludes the other refs
    /// (`if: $CI_COMMIT_BRANCH != $CI_DEFAULT_BRANCH`). `only:` limits it
    /// when it lists only refs (branch names, patterns, `tags`), not
    /// `branches`, `merge_requests`, `web`, `api`, `triggers`… `when: manual`
    /// is not a limit: anyone who can run the pipeline can press the button.
    ///
    /// ## Why is this bad?
    /// Any developer who can push a branch can change the job's script in
    /// that branch and deploy unreviewed code — or code that prints the
    /// production credentials — straight to production. Production
    /// deployments should run only from the reviewed default branch or
    /// release tags; pair that with a protected environment so the
    /// production variables are only given to protected refs.
    ///
    /// ## Example
    /// ```yaml
    /// deploy-production:
    ///   stage: deploy
    ///   environment: production
    ///   script: [./deploy.sh]
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// deploy-production:
    ///   stage: deploy
    ///   environment: production
    ///   rules:
    ///     - if: $CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH
    ///       when: manual
    ///   script: [./deploy.sh]
    /// ```
    ///
    /// ## References
    /// - [GitLab: Protected environments](https://docs.gitlab.com/ci/environments/protected_environments/)
    pub struct GitlabProductionDeployFromAnyBranch {
        id: "gitlab-production-deploy-from-any-branch",
        severity: Warning,
        domains: [GitlabCi],
        summary: "GitLab CI production deployment can run from any branch",
    }
}

const REF_VARIABLES: &[&str] = &[
    "$CI_COMMIT_BRANCH",
    "${CI_COMMIT_BRANCH}",
    "$CI_COMMIT_REF_NAME",
    "${CI_COMMIT_REF_NAME}",
    "$CI_COMMIT_REF_SLUG",
    "${CI_COMMIT_REF_SLUG}",
    "$CI_BUILD_REF_NAME",
    "$CI_COMMIT_TAG",
    "${CI_COMMIT_TAG}",
    "$CI_DEFAULT_BRANCH",
    "${CI_DEFAULT_BRANCH}",
];

fn strip_parens(text: &str) -> &str {
    let mut text = text.trim();
    while let Some(inner) = text.strip_prefix('(').and_then(|t| t.strip_suffix(')')) {
        text = inner.trim();
    }
    text.trim_start_matches('(').trim_end_matches(')').trim()
}

fn is_null(text: &str) -> bool {
    matches!(text.trim(), "null" | "\"\"" | "''")
}

/// One comparison limits the ref: `$CI_COMMIT_TAG`, `$CI_COMMIT_BRANCH ==
/// "main"`, `$CI_COMMIT_REF_NAME =~ /^release/`, `$CI_COMMIT_REF_PROTECTED == "true"`.
fn limits_ref(condition: &str) -> bool {
    let condition = strip_parens(condition);
    if matches!(condition, "$CI_COMMIT_TAG" | "${CI_COMMIT_TAG}") {
        return true;
    }
    for op in ["==", "=~"] {
        if let Some((left, right)) = condition.split_once(op) {
            let (left, right) = (left.trim(), right.trim());
            if left.contains("CI_COMMIT_REF_PROTECTED") || right.contains("CI_COMMIT_REF_PROTECTED") {
                return left.contains("true") || right.contains("true");
            }
            let names_ref = REF_VARIABLES.contains(&left) || REF_VARIABLES.contains(&right);
            return names_ref && !is_null(left) && !is_null(right);
        }
    }
    if let Some((left, right)) = condition.split_once("!=") {
        // `$CI_COMMIT_TAG != null` means "a tag".
        return matches!(left.trim(), "$CI_COMMIT_TAG" | "${CI_COMMIT_TAG}") && is_null(right);
    }
    false
}

/// Every `||` alternative has an `&&` part that limits the ref.
pub(crate) fn expression_limits_ref(expression: &str) -> bool {
    expression.split("||").all(|alternative| alternative.split("&&").any(limits_ref))
}

/// A `when: never` condition that excludes every ref but the allowed ones:
/// `$CI_COMMIT_BRANCH != $CI_DEFAULT_BRANCH`, `$CI_COMMIT_TAG == null`.
fn excludes_other_refs(expression: &str) -> bool {
    if expression.contains("||") || expression.contains("&&") {
        return false;
    }
    let condition = strip_parens(expression);
    for op in ["!=", "!~"] {
        if let Some((left, right)) = condition.split_once(op) {
            let (left, right) = (left.trim(), right.trim());
            return (REF_VARIABLES.contains(&left) || REF_VARIABLES.contains(&right)) && !is_null(right);
        }
    }
    if let Some((left, right)) = condition.split_once("==") {
        return matches!(left.trim(), "$CI_COMMIT_TAG" | "${CI_COMMIT_TAG}") && is_null(right);
    }
    false
}

/// `Some(true)` when a `rules:` list only adds the job on limited refs,
/// `None` when an entry cannot be read.
pub(crate) fn rules_limit_refs(rules: &Node) -> Option<bool> {
    for rule in rules.items() {
        if !rule.is_mapping() {
            return None;
        }
        let condition = rule.str_at(&["if"]);
        if support::when_of(rule) == "never" {
            if condition.is_some_and(excludes_other_refs) {
                return Some(true);
            }
            continue;
        }
        match condition {
            Some(expression) if expression_limits_ref(expression) => {}
            _ => return Some(false),
        }
    }
    Some(true)
}

/// Refs of `only:` that do not name branches or tags.
const ANY_BRANCH: &[&str] = &[
    "branches",
    "merge_requests",
    "pushes",
    "web",
    "api",
    "triggers",
    "schedules",
    "pipelines",
    "external",
    "external_pull_requests",
    "chat",
];

fn only_limits_refs(only: &Node) -> bool {
    let refs: Vec<&str> = if only.is_mapping() {
        if let Some(refs) = only.get("refs") {
            refs.items().iter().filter_map(Node::as_str).chain(refs.as_str()).collect()
        } else {
            let variables = only.get("variables").map(Node::items).unwrap_or(&[]);
            return !variables.is_empty() && variables.iter().all(|v| v.as_str().is_some_and(expression_limits_ref));
        }
    } else {
        only.items().iter().filter_map(Node::as_str).chain(only.as_str()).collect()
    };
    !refs.is_empty() && refs.iter().all(|r| !ANY_BRANCH.contains(r))
}

fn except_limits_refs(except: &Node) -> bool {
    let refs = if except.is_mapping() { except.get("refs") } else { Some(except) };
    refs.is_some_and(|r| r.items().iter().chain(std::iter::once(r)).any(|i| i.as_str() == Some("branches")))
}

impl Rule for GitlabProductionDeployFromAnyBranch {
    fn check_repository(&self, repo: &RepositoryContext<'_>, report: &mut Reporter<'_>) {
        let pipelines = support::pipelines(repo);
        let mut seen = HashSet::new();
        for (config, job) in support::reported_jobs(&pipelines) {
            let Some(environment) = config.lookup(&job, "environment") else { continue };
            let Some((name, node)) = support::deployed_environment(environment) else { continue };
            if !support::names_production(name) || !config.chain_is_known(&job) || config.may_be_override(&job) {
                continue;
            }
            let limited = match (config.lookup(&job, "rules"), config.lookup(&job, "only")) {
                (Some(rules), _) => rules_limit_refs(rules).unwrap_or(true),
                (None, Some(only)) => only_limits_refs(only),
                (None, None) => false,
            } || config.lookup(&job, "except").is_some_and(except_limits_refs);
            let workflow_limits = config
                .global("workflow")
                .and_then(|w| w.get("rules"))
                .is_some_and(|rules| rules_limit_refs(rules).unwrap_or(true));
            if limited || workflow_limits || !seen.insert(node.span) {
                continue;
            }
            // From the `environment:` key to the name, where they were written.
            let key = config
                .chain(&job)
                .iter()
                .find(|d| d.get("environment").is_some_and(|e| e.span == environment.span))
                .map_or(node.span, |d| d.node.key_span("environment"));
            report.report(
                key.cover(node.span),
                format!(
                    "Job `{}` deploys to `{name}` from any branch; limit it with `rules: - if: $CI_COMMIT_BRANCH == \
                     $CI_DEFAULT_BRANCH` (or tags) and protect the environment",
                    job.name
                ),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expressions() {
        for limited in [
            "$CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH",
            "$CI_COMMIT_TAG",
            "$CI_COMMIT_REF_NAME =~ /^release\\//",
            "$CI_COMMIT_BRANCH == \"main\" && $DEPLOY == \"true\"",
            "($CI_COMMIT_TAG != null)",
            "$CI_COMMIT_REF_PROTECTED == \"true\"",
            "$CI_COMMIT_TAG || $CI_COMMIT_BRANCH == \"main\"",
        ] {
            assert!(expression_limits_ref(limited), "{limited}");
        }
        for open in [
            "$CI_PIPELINE_SOURCE == \"push\"",
            "$CI_COMMIT_BRANCH",
            "$CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH || $CI_PIPELINE_SOURCE == \"web\"",
            "$CI_COMMIT_TAG == null",
            "$CI_COMMIT_BRANCH != \"main\"",
        ] {
            assert!(!expression_limits_ref(open), "{open}");
        }
    }
}
