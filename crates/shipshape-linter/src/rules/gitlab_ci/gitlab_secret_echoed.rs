use shipshape_dockerfile::shell::{Command, Separator};

use crate::context::YamlFileContext;
use crate::declare_rule;
use crate::roles::YamlRole;
use crate::rule::{Reporter, Rule};
use crate::rules::gitlab_ci::support::{self, CiDoc, Config};

declare_rule! {
    /// ## What it does
    /// Flags a script line that prints a secret variable to the job log:
    /// `echo $DB_PASSWORD`, `echo "token: ${API_TOKEN}"`, `printf '%s'
    /// "$CI_REGISTRY_PASSWORD"`, `cat $SSH_PRIVATE_KEY` — a variable whose
    /// name says it is a credential, or one of GitLab's own
    /// (`CI_JOB_TOKEN`, `CI_JOB_JWT`, `CI_REGISTRY_PASSWORD`, …); also
    /// `printenv DB_PASSWORD` and `env | grep -i token`. Output
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
    GITLAB_SECRETS.contains(&name) || (support::is_secret_name(name) && !name.ends_with("_MASKED"))
}

/// True when the command's standard output goes to a file or another
/// command: a pipe, or a `>` outside quotes (also glued to a word, as in
/// `echo "x=$T">.npmrc`).
fn output_captured(doc: &CiDoc<'_>, command: &Command) -> bool {
    command.separator == Some(Separator::Pipe)
        || command.words.iter().any(|w| w.value == "&>" || redirects(doc.source(w.span)))
}

/// A `>` outside quotes in a word's source text (`2>` only redirects errors).
fn redirects(raw: &str) -> bool {
    let mut quote: Option<char> = None;
    let mut previous = ' ';
    for c in raw.chars() {
        match quote {
            Some(q) if c == q => quote = None,
            Some(_) => {}
            None if c == '"' || c == '\'' => quote = Some(c),
            None if c == '>' && previous != '2' => return true,
            None => {}
        }
        previous = c;
    }
    false
}

/// `printenv DB_PASSWORD`, or `env | grep -i token`: a secret printed by name.
fn secret_lookup(doc: &CiDoc<'_>, commands: &[Command], index: usize) -> Option<(shipshape_diagnostics::Span, String)> {
    let command = commands.get(index)?;
    let program = command.program()?;
    let name = program.value.rsplit('/').next().unwrap_or(&program.value);
    let args: Vec<_> = command.words.iter().skip_while(|w| w.span != program.span).skip(1).collect();
    if output_captured(doc, command) && command.separator != Some(Separator::Pipe) {
        return None;
    }
    if name == "printenv" && command.separator != Some(Separator::Pipe) {
        let secret = args.iter().find(|w| is_secret_variable(&w.value))?;
        return Some((
            secret.span,
            format!("`printenv {}` prints a secret to the job log; do not print secrets", secret.value),
        ));
    }
    if matches!(name, "env" | "printenv" | "set") && args.is_empty() && command.separator == Some(Separator::Pipe) {
        let grep = commands.get(index + 1)?;
        let sink = grep.program()?;
        if !matches!(sink.value.rsplit('/').next().unwrap_or(&sink.value), "grep" | "egrep")
            || output_captured(doc, grep)
        {
            return None;
        }
        let pattern = grep.words.iter().skip(1).find(|w| !w.value.starts_with('-'))?;
        let lower = pattern.value.to_ascii_lowercase();
        let names_secret =
            ["token", "password", "passwd", "secret", "key", "credential", "auth"].iter().any(|w| lower.contains(w));
        return names_secret.then(|| {
            (
                command.span().cover(pattern.span),
                format!(
                    "`{name} | grep {}` prints the matching secrets to the job log; do not print secrets",
                    pattern.value
                ),
            )
        });
    }
    None
}

impl Rule for GitlabSecretEchoed {
    fn check_yaml(&self, cx: &YamlFileContext<'_>, report: &mut Reporter<'_>) {
        if cx.role != YamlRole::GitlabCi {
            return;
        }
        for doc in &Config::of_file(cx).docs {
            for line in doc.scripts() {
                let commands = doc.commands(line);
                for (i, command) in commands.iter().enumerate() {
                    if let Some((span, what)) = secret_lookup(doc, &commands, i) {
                        report.report(span, what);
                        continue;
                    }
                    let Some(name) = command.name() else { continue };
                    let stores = name == "printf" && command.args().iter().any(|w| w.value == "-v");
                    if !matches!(name, "echo" | "printf" | "cat") || stores || output_captured(doc, command) {
                        continue;
                    }
                    for word in command.args() {
                        let secret = support::expanded_variables(doc.source(word.span))
                            .into_iter()
                            // `KUBECONFIG` names a file: `cat` prints it, `echo` its path.
                            .find(|v| is_secret_variable(v) && (name == "cat" || *v != "KUBECONFIG"));
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
