use std::collections::HashSet;

use crate::context::RepositoryContext;
use crate::declare_rule;
use crate::rule::{Reporter, Rule};
use crate::rules::gitlab_ci::support;

declare_rule! {
    /// ## What it does
    /// Flags an `extends:` entry of a GitLab CI job or template that names
    /// nothing defined in the pipeline (the root `.gitlab-ci.yml` and every
    /// file it includes locally). A pipeline that also includes remote,
    /// project, template or component files, which may define the name, is
    /// left alone.
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
    }
}

impl Rule for GitlabExtendsUnknownJob {
    fn check_repository(&self, repo: &RepositoryContext<'_>, report: &mut Reporter<'_>) {
        let mut seen = HashSet::new();
        for (config, reported) in &support::pipelines(repo) {
            if !config.closed || !config.entry {
                continue;
            }
            for doc in config.docs.iter().filter(|d| reported.contains(&d.file)) {
                for definition in doc.definitions() {
                    for (name, node) in definition.extends() {
                        if name.contains('$') || config.is_defined(name) || !seen.insert(node.span) {
                            continue;
                        }
                        let hint = if config.is_defined(&format!(".{name}")) {
                            format!(" (did you mean `.{name}`?)")
                        } else {
                            String::new()
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
