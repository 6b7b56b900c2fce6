use shipshape_dockerfile::shell::{Command, Separator};

use crate::context::YamlFileContext;
use crate::declare_rule;
use crate::roles::YamlRole;
use crate::rule::{Reporter, Rule};
use crate::rules::gitlab_ci::support::Config;

declare_rule! {
    /// ## What it does
    /// Flags a GitLab CI script line that runs a script straight from the
    /// network: `curl … | sh`, `wget -qO- … | bash`, `… | sudo python3`,
    /// `sh -c "$(curl …)"`, `bash <(curl …)` and `eval "$(wget -O- …)"`.
    ///
    /// ## Why is this bad?
    /// The job runs whatever the server sends on that day, unreviewed: a
    /// compromised host, DNS or proxy, or a changed installer runs arbitrary
    /// code in the job, with the job's token and every variable it can see
    /// (deploy keys, registry and cloud credentials). A download cut off
    /// half-way can run a truncated script.
    ///
    /// ## Example
    /// ```yaml
    /// test:
    ///   script:
    ///     - curl -fsSL https://get.example.com/install.sh | sh
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// test:
    ///   script:
    ///     - curl -fsSLo install.sh https://get.example.com/v1.4.2/install.sh
    ///     - echo "${INSTALL_SHA256}  install.sh" | sha256sum -c -
    ///     - sh install.sh
    /// ```
    /// or use an image that already has the tool.
    pub struct GitlabCurlPipedToShell {
        id: "gitlab-curl-piped-to-shell",
        severity: Warning,
        domains: [GitlabCi],
        summary: "GitLab CI script runs a downloaded script without verifying it",
    }
}

const DOWNLOADERS: &[&str] = &["curl", "wget"];
const INTERPRETERS: &[&str] =
    &["sh", "bash", "ash", "dash", "zsh", "ksh", "python", "python2", "python3", "perl", "ruby", "node", "php"];
const FETCHING: &[&str] = &["$(curl", "$(wget", "`curl", "`wget", "<(curl", "<(wget"];

fn is_interpreter(command: &Command) -> bool {
    command.name().is_some_and(|n| {
        INTERPRETERS.contains(&n)
            || n.strip_prefix("python").is_some_and(|v| v.chars().all(|c| c.is_ascii_digit() || c == '.'))
    })
}

fn check_script(commands: &[Command], report: &mut Reporter<'_>) {
    for (i, command) in commands.iter().enumerate() {
        let Some(name) = command.name() else { continue };
        if DOWNLOADERS.contains(&name) && command.separator == Some(Separator::Pipe) {
            for next in commands.iter().skip(i + 1) {
                if is_interpreter(next) {
                    let end = next.name_word().map_or(next.span(), |w| w.span);
                    let runner = next.name().unwrap_or("a shell");
                    report.report(
                        command.span().cover(end),
                        format!(
                            "`{name}` output is piped into `{runner}` unverified; download to a file, check its \
                             checksum, then run it"
                        ),
                    );
                    break;
                }
                if next.separator != Some(Separator::Pipe) {
                    break;
                }
            }
        }
        if is_interpreter(command) || matches!(name, "eval" | "source" | ".") {
            let fetched = command.args().iter().find(|w| FETCHING.iter().any(|f| w.value.contains(f)));
            if let Some(word) = fetched {
                report.report(
                    word.span,
                    format!(
                        "`{name}` runs a script fetched from the network unverified; download to a file, check its \
                         checksum, then run it"
                    ),
                );
            }
        }
    }
}

impl Rule for GitlabCurlPipedToShell {
    fn check_yaml(&self, cx: &YamlFileContext<'_>, report: &mut Reporter<'_>) {
        if cx.role != YamlRole::GitlabCi {
            return;
        }
        for doc in &Config::of_file(cx).docs {
            for line in doc.scripts() {
                check_script(&doc.commands(line), report);
            }
        }
    }
}
