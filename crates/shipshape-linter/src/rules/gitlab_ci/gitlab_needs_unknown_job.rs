use std::collections::HashSet;

use shipshape_yaml::Node;

use crate::context::RepositoryContext;
use crate::declare_rule;
use crate::rule::{Reporter, Rule};
use crate::rules::gitlab_ci::support;

declare_rule! {
    /// ## What it does
    /// Flags a `needs:` or `dependencies:` entry of a GitLab CI job that
    /// names no job of the pipeline, or names a hidden template (`.name`),
    /// which is never a job. The pipeline is the root `.gitlab-ci.yml` and
    /// every file it includes locally; `extends` is followed. When the
    /// pipeline also includes remote, project, template or component files,
    /// whose jobs cannot be seen, only names that are a typo of a job of
    /// the pipeline (`unit-tests` for `unit-test`) are flagged.
    /// Cross-project and parent-pipeline needs (`project:`, `pipeline:`)
    /// and names built from variables are left alone.
    ///
    /// ## Why is this bad?
    /// GitLab refuses the whole configuration ("undefined need" / "undefined
    /// dependency"): no pipeline runs, for any branch, until it is fixed.
    /// It usually follows a job being renamed or moved to another file.
    ///
    /// ## Example
    /// ```yaml
    /// build-app:
    ///   script: [make]
    ///
    /// test:
    ///   needs: [build]
    ///   script: [make test]
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// build-app:
    ///   script: [make]
    ///
    /// test:
    ///   needs: [build-app]
    ///   script: [make test]
    /// ```
    pub struct GitlabNeedsUnknownJob {
        id: "gitlab-needs-unknown-job",
        severity: Error,
        domains: [GitlabCi],
        summary: "GitLab CI `needs:` or `dependencies:` names a job that does not exist",
        kind: Defect,
    }
}

/// The job a `needs:` entry names, and the node to report.
fn needed(item: &Node) -> Option<(&str, &Node)> {
    if support::is_reference(item) {
        return None;
    }
    if let Some(name) = item.as_str() {
        return Some((name, item));
    }
    if item.get("pipeline").is_some() || item.get("project").is_some() {
        return None;
    }
    let node = item.get("job")?;
    Some((node.as_str()?, node))
}

/// `build: [ruby, 3.2]` names a job of a `parallel: matrix`; the job is `build`.
fn base_name(name: &str) -> &str {
    match name.find(": [") {
        Some(i) => name.get(..i).unwrap_or(name),
        None => name,
    }
    .trim()
}

impl Rule for GitlabNeedsUnknownJob {
    fn check_repository(&self, repo: &RepositoryContext<'_>, report: &mut Reporter<'_>) {
        let pipelines = support::pipelines(repo);
        let mut seen = HashSet::new();
        for (config, job) in support::reported_jobs(&pipelines) {
            if !config.entry {
                continue;
            }
            let jobs: HashSet<&str> = config.jobs().iter().map(|j| j.name).collect();
            for key in ["needs", "dependencies"] {
                let Some(list) = config.lookup(&job, key).filter(|l| !support::is_reference(l)) else { continue };
                for item in list.items() {
                    let Some((name, node)) = needed(item) else { continue };
                    let name = base_name(name);
                    if name.contains('$') || jobs.contains(name) || !seen.insert(node.span) {
                        continue;
                    }
                    // With includes out of sight, only a hidden template or a typo of a job is sure.
                    let typo = support::near_miss(name, jobs.iter().copied());
                    let why = if config.is_defined(name) {
                        format!("`{name}` is a hidden template, not a job")
                    } else if let Some(job) = typo {
                        format!("no job of the pipeline is named `{name}` (did you mean `{job}`?)")
                    } else if config.closed {
                        format!("no job of the pipeline is named `{name}`")
                    } else {
                        continue;
                    };
                    report.report(
                        node.span,
                        format!(
                            "`{key}:` of job `{}` names `{name}`, but {why}; GitLab rejects the whole pipeline",
                            job.name
                        ),
                    );
                }
            }
        }
    }
}
