use shipshape_diagnostics::Span;
use shipshape_dockerfile::shell::Command;

use crate::context::YamlFileContext;
use crate::declare_rule;
use crate::roles::YamlRole;
use crate::rule::{Reporter, Rule};
use crate::rules::gitlab_ci::support::Config;

declare_rule! {
    /// ## What it does
    /// Flags a script command that takes a password on its command line:
    /// `docker login -p …` / `--password …` (and `podman`, `buildah`,
    /// `skopeo`, `nerdctl`, `helm registry login`, `oras`, `crane auth
    /// login`, `az login`, `oc login`), `sshpass -p …`, `twine upload -p …`,
    /// `mysql -p…` (attached), `--creds user:pass` of `skopeo`/`buildah`,
    /// and any other command given `--password …`, `--password=…` or
    /// `--client-secret …`. The value may be a variable: `-p
    /// $CI_REGISTRY_PASSWORD` is flagged too.
    ///
    /// ## Why is this bad?
    /// Command lines are not secret: every process on the runner can read
    /// them (`ps`, `/proc/*/cmdline`), shell tracing (`set -x`, `CI_DEBUG_TRACE`)
    /// prints them with variables expanded, and Docker itself warns "Using
    /// --password via the CLI is insecure". Feed the password on standard
    /// input instead.
    ///
    /// ## Example
    /// ```yaml
    /// build:
    ///   script:
    ///     - docker login -u "$CI_REGISTRY_USER" -p "$CI_REGISTRY_PASSWORD" "$CI_REGISTRY"
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// build:
    ///   script:
    ///     - echo "$CI_REGISTRY_PASSWORD" | docker login -u "$CI_REGISTRY_USER" --password-stdin "$CI_REGISTRY"
    /// ```
    pub struct GitlabPasswordOnCommandLine {
        id: "gitlab-password-on-command-line",
        severity: Warning,
        domains: [GitlabCi],
        summary: "Password passed on a command line in a GitLab CI script",
    }
}

/// Programs whose `login` takes `-p PASSWORD`.
const LOGIN_TOOLS: &[&str] =
    &["docker", "podman", "buildah", "skopeo", "nerdctl", "helm", "oras", "crane", "cf", "az", "oc", "regctl"];
/// Programs whose `-pPASSWORD` (attached) is a password.
const ATTACHED_P: &[&str] = &["mysql", "mysqldump", "mysqladmin", "mariadb", "mariadb-dump", "mysqlimport"];
const LONG_FLAGS: &[&str] = &["--password", "--client-secret", "--secret-key"];

/// The flag word and its value when a command takes a password.
fn password_argument(command: &Command) -> Option<(Span, String)> {
    let program = command.name()?;
    let args = command.args();
    let is_login = LOGIN_TOOLS.contains(&program) && args.iter().any(|w| w.value == "login");
    let name = if is_login { format!("{program} login") } else { program.to_string() };
    // Where `-p VALUE` is a password.
    let short = is_login || matches!(program, "sshpass" | "twine");
    for (i, word) in args.iter().enumerate() {
        let value = word.value.as_str();
        if let Some((flag, rest)) = value.split_once('=') {
            if LONG_FLAGS.contains(&flag) && !rest.is_empty() && rest != "-" {
                return Some((word.span, format!("`{name} {flag}=…`")));
            }
            continue;
        }
        let takes_value = LONG_FLAGS.contains(&value)
            || (short && value == "-p")
            || (matches!(program, "skopeo" | "buildah" | "podman")
                && matches!(value, "--creds" | "--src-creds" | "--dest-creds"));
        if takes_value {
            if let Some(next) = args.get(i + 1).filter(|n| !n.value.starts_with('-')) {
                return Some((word.span.cover(next.span), format!("`{name} {value} …`")));
            }
        }
        let attached = (short || ATTACHED_P.contains(&program)) && !value.starts_with("--");
        if attached && value.starts_with("-p") && value.len() > 2 {
            return Some((word.span, format!("`{name} -p…`")));
        }
    }
    None
}

impl Rule for GitlabPasswordOnCommandLine {
    fn check_yaml(&self, cx: &YamlFileContext<'_>, report: &mut Reporter<'_>) {
        if cx.role != YamlRole::GitlabCi {
            return;
        }
        for doc in &Config::of_file(cx).docs {
            for line in doc.scripts() {
                for command in doc.commands(line) {
                    if let Some((span, what)) = password_argument(&command) {
                        let fix = if command.args().iter().any(|w| w.value == "login") {
                            "pipe it in with `--password-stdin`"
                        } else {
                            "pass it on standard input, in a file or in an environment variable"
                        };
                        report.report(span, format!("{what} puts the password on the command line; {fix}"));
                    }
                }
            }
        }
    }
}
