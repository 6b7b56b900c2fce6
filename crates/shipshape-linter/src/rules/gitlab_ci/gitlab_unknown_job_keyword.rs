use crate::context::YamlFileContext;
use crate::declare_rule;
use crate::roles::YamlRole;
use crate::rule::{Reporter, Rule};
use crate::rules::gitlab_ci::support::{self, Config, JOB_KEYWORDS};

declare_rule! {
    /// ## What it does
    /// Flags a key of a GitLab CI job that is not a job keyword: a typo
    /// (`scripts:`, `artifact:`, `enviroment:`, `allow_failures:`) or a
    /// keyword at the wrong level (`expire_in:` directly under the job). Hidden
    /// templates (`.name`) are not checked, since GitLab does not validate
    /// them until they are extended.
    ///
    /// ## Why is this bad?
    /// GitLab refuses the configuration ("config contains unknown keys"), so
    /// no pipeline runs until it is fixed; some linters and local runners
    /// ignore unknown keys instead, so the setting silently does nothing
    /// there.
    ///
    /// ## Example
    /// ```yaml
    /// test:
    ///   script: [make test]
    ///   artifact:
    ///     paths: [report.xml]
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// test:
    ///   script: [make test]
    ///   artifacts:
    ///     paths: [report.xml]
    /// ```
    pub struct GitlabUnknownJobKeyword {
        id: "gitlab-unknown-job-keyword",
        severity: Error,
        domains: [GitlabCi],
        summary: "GitLab CI job has a key that is not a job keyword",
        kind: Defect,
    }
}

fn suggestion(key: &str) -> Option<&'static str> {
    JOB_KEYWORDS.iter().copied().map(|k| (support::distance(key, k), k)).filter(|(d, _)| *d <= 2).min().map(|(_, k)| k)
}

impl Rule for GitlabUnknownJobKeyword {
    fn check_yaml(&self, cx: &YamlFileContext<'_>, report: &mut Reporter<'_>) {
        if cx.role != YamlRole::GitlabCi {
            return;
        }
        for doc in &Config::of_file(cx).docs {
            for job in doc.jobs() {
                for entry in job.node.as_mapping().unwrap_or(&[]) {
                    let Some(key) = entry.key.as_str() else { continue };
                    if key == "<<" || JOB_KEYWORDS.contains(&key) || key.contains("$[[") {
                        continue;
                    }
                    let hint = suggestion(key).map(|k| format!(" (did you mean `{k}`?)")).unwrap_or_default();
                    report.report(
                        entry.key.span,
                        format!(
                            "`{key}` is not a job keyword of job `{}`{hint}; GitLab rejects the pipeline",
                            job.name
                        ),
                    );
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::suggestion;

    #[test]
    fn typos() {
        assert_eq!(suggestion("scripts"), Some("script"));
        assert_eq!(suggestion("artifact"), Some("artifacts"));
        assert_eq!(suggestion("enviroment"), Some("environment"));
        assert_eq!(suggestion("frobnicate"), None);
    }
}
