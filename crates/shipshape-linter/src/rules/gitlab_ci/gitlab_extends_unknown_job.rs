use std::collections::HashSet;

use crate::context::RepositoryContext;
use crate::declare_rule;
use crate::rule::{Reporter, Rule};
use crate::rules::gitlab_ci::support;

declare_rule! {
    /// ## What it does
    /// Flags an `extends:` entry of a GitLab CI job or template that names
    /// nothing defined in the pipeline (the root `.gitlab-ci.yml` and every
    /// file it includes locally). When the pipeline also includes remote,
    /// project, template or component files, which may define the name,
    /// only names that are a typo of a defined one (`deploy-template` for
    /// `.deploy-template`) are flagged.
    ///
    /// ## Why is this bad?
    /// GitLab refuses the whole configuration ("unknown keys in `extends`"):
    /// no pipeline runs until it is fixed. It usually follows a template
    /// being renamed, or a typo in its name (a missing leading `.`).
    ///
    /// ## Example
    /// ```yaml
    /// .deploy-template:
    ///   image: alpine:3.20
    ///
    /// deploy:
    ///   extends: deploy-template
    ///   script: [./deploy.sh]
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// .deploy-template:
    ///   image: alpine:3.20
    ///
    /// deploy:
    ///   extends: .deploy-template
    ///   script: [./deploy.sh]
    /// ```
    pub struct GitlabExtendsUnknownJob {
        id: "gitlab-extends-unknown-job",
        severity: Error,
        domains: [GitlabCi],
        summary: "GitLab CI `extends:` names a job or template that does not exist",
        kind: Defect,
    }
}

impl Rule for GitlabExtendsUnknownJob {
    fn check_repository(&self, repo: &RepositoryContext<'_>, report: &mut Reporter<'_>) {
        let mut seen = HashSet::new();
        for (config, reported) in &support::pipelines(repo) {
            if !config.entry {
                continue;
            }
            let defined: Vec<&str> = config.docs.iter().flat_map(|d| d.definitions()).map(|j| j.name).collect();
            for doc in config.docs.iter().filter(|d| reported.contains(&d.file)) {
                for definition in doc.definitions() {
                    for (name, node) in definition.extends() {
                        if name.contains('$') || config.is_defined(name) || !seen.insert(node.span) {
                            continue;
                        }
                        let typo = if config.is_defined(&format!(".{name}")) {
                            defined.iter().copied().find(|d| d.strip_prefix('.') == Some(name))
                        } else {
                            support::near_miss(name, defined.iter().copied())
                        };
                        // With includes out of sight, only a typo is sure.
                        let hint = match typo {
                            Some(t) => format!(" (did you mean `{t}`?)"),
                            None if config.closed => String::new(),
                            None => continue,
                        };
                        report.report(
                            node.span,
                            format!(
                                "`{}` extends `{name}`, which the pipeline does not define{hint}; GitLab rejects \
                                 the whole pipeline",
                                definition.name
                            ),
                        );
                    }
                }
            }
        }
    }
}
