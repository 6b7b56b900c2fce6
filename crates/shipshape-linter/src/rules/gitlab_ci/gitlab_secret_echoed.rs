use shipshape_dockerfile::shell::{Command, Separator};

use crate::context::YamlFileContext;
use crate::declare_rule;
use crate::roles::YamlRole;
use crate::rule::{Reporter, Rule};
use crate::rules::gitlab_ci::support::{self, Config};
use crate::secret_values;

declare_rule! {
    /// ## What it does
    /// Flags a script line that prints a secret variable to the job log:
    /// `echo $DB_PASSWORD`, `echo "token: ${API_TOKEN}"`, `printf '%s'
    /// "$CI_REGISTRY_PASSWORD"`, `cat $SSH_PRIVATE_KEY` — a variable whose
    /// name says it is a credential, or one of GitLab's own
    /// (`CI_JOB_TOKEN`, `CI_JOB_JWT`, `CI_REGISTRY_PASSWORD`, …). Output
    /// piped into another command (`echo "$PASSWORD" | docker login
    /// --password-stdin`) or redirected to a file is not flagged, and
    /// neither is `${#TOKEN}` (a length).
    ///
    /// ## Why is this bad?
    /// Job logs are kept for months and readable by everyone who can see the
    /// pipeline — on public projects, by everyone. GitLab masks a variable
    /// only when it is defined as masked and its value is printed exactly as
    /// stored; a variable that is not masked, a file variable, or any
    /// transformation (a base64 encoding, a substring, a JSON document)
    /// prints the secret in clear.
    ///
    /// ## Example
    /// ```yaml
    /// deploy:
    ///   script:
    ///     - echo "Deploying with token $DEPLOY_TOKEN"
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// deploy:
    ///   script:
    ///     - echo "Deploying"
    ///     - ./deploy.sh   # reads DEPLOY_TOKEN from the environment
    /// ```
    pub struct GitlabSecretEchoed {
        id: "gitlab-secret-echoed",
        severity: Warning,
        domains: [GitlabCi],
        summary: "GitLab CI script prints a secret variable to the job log",
    }
}

/// GitLab's predefined variables that hold credentials.
const GITLAB_SECRETS: &[&str] = &[
    "CI_JOB_TOKEN",
    "CI_JOB_JWT",
    "CI_JOB_JWT_V1",
    "CI_JOB_JWT_V2",
    "CI_BUILD_TOKEN",
    "CI_REGISTRY_PASSWORD",
    "CI_DEPLOY_PASSWORD",
    "CI_DEPENDENCY_PROXY_PASSWORD",
    "CI_REPOSITORY_URL",
];

pub(crate) fn is_secret_variable(name: &str) -> bool {
    GITLAB_SECRETS.contains(&name) || (secret_values::is_secret_name(name) && !name.ends_with("_MASKED"))
}

/// True when the command's standard output goes to a file or another command.
pub(crate) fn output_captured(command: &Command) -> bool {
    command.separator == Some(Separator::Pipe)
        || command.words.iter().any(|w| w.value.starts_with('>') || w.value.starts_with("1>") || w.value == "&>")
}

impl Rule for GitlabSecretEchoed {
    fn check_yaml(&self, cx: &YamlFileContext<'_>, report: &mut Reporter<'_>) {
        if cx.role != YamlRole::GitlabCi {
            return;
        }
        for doc in &Config::of_file(cx).docs {
            for line in doc.scripts() {
                for command in doc.commands(line) {
                    let Some(name) = command.name() else { continue };
                    if !matches!(name, "echo" | "printf" | "cat") || output_captured(&command) {
                        continue;
                    }
                    for word in command.args() {
                        let secret = support::expanded_variables(doc.source(word.span))
                            .into_iter()
                            .find(|v| is_secret_variable(v));
                        if let Some(variable) = secret {
                            report.report(
                                word.span,
                                format!(
                                    "`{name}` prints `${variable}` to the job log; do not print secrets (masking \
                                     only hides exact, masked values)"
                                ),
                            );
                            break;
                        }
                    }
                }
            }
        }
    }
}
