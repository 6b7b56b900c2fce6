use crate::context::YamlFileContext;
use crate::declare_rule;
use crate::roles::YamlRole;
use crate::rule::{Reporter, Rule};
use crate::rules::gitlab_ci::support::Config;
use crate::secret_values;

declare_rule! {
    /// ## What it does
    /// Flags a GitLab CI `variables:` entry (global, of a job or template,
    /// or set by a rule) whose name says it holds a credential
    /// (`DB_PASSWORD`, `API_TOKEN`, `AWS_SECRET_ACCESS_KEY`, …) and whose
    /// value is a literal that looks like one: not a reference
    /// (`$CI_JOB_TOKEN`, `${VAULT_TOKEN}`), not a placeholder, path, URL,
    /// commit SHA or short word. Names that say where a credential is
    /// (`TOKEN_FILE`, `SECRET_NAME`) are not flagged. The value is redacted
    /// in the output.
    ///
    /// ## Why is this bad?
    /// `.gitlab-ci.yml` is in the repository: everyone who can read the
    /// project (and every fork and clone) has the credential, forever, in
    /// its history. Variables written in the file are not masked in job
    /// logs either. Define the value as a masked (and protected) CI/CD
    /// variable in the project or group settings, or fetch it from a secret
    /// manager with `secrets:` and `id_tokens:`; then rotate the credential
    /// that was committed.
    ///
    /// ## Example
    /// ```yaml
    /// variables:
    ///   DEPLOY_TOKEN: "glpat-…"
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// # DEPLOY_TOKEN is a masked, protected variable in Settings > CI/CD > Variables
    /// deploy:
    ///   script:
    ///     - ./deploy.sh
    /// ```
    pub struct GitlabCredentialInVariables {
        id: "gitlab-credential-in-variables",
        severity: Error,
        domains: [GitlabCi],
        summary: "Literal credential in GitLab CI `variables:`",
    }
}

impl Rule for GitlabCredentialInVariables {
    fn check_yaml(&self, cx: &YamlFileContext<'_>, report: &mut Reporter<'_>) {
        if cx.role != YamlRole::GitlabCi {
            return;
        }
        for doc in &Config::of_file(cx).docs {
            for variable in doc.variables() {
                let value = variable.text();
                if !secret_values::is_secret_name(variable.name)
                    || value.contains('$')
                    || !secret_values::looks_like_secret_value(value)
                {
                    continue;
                }
                report.report_secret(
                    cx.file,
                    variable.value.span,
                    variable.value.span,
                    format!(
                        "Variable `{}` holds a literal credential in the pipeline file; make it a masked, \
                         protected CI/CD variable in the project settings and rotate it",
                        variable.name
                    ),
                );
            }
        }
    }
}
