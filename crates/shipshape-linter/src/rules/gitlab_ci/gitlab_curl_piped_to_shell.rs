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

impl Rule for GitlabCurlPipedToShell {
    fn check_yaml(&self, cx: &YamlFileContext<'_>, report: &mut Reporter<'_>) {
        if cx.role != YamlRole::GitlabCi {
            return;
        }
        for doc in &Config::of_file(cx).docs {
            for line in doc.scripts() {
                crate::shell_checks::report_unverified_downloads(&doc.commands(line), report);
            }
        }
    }
}
