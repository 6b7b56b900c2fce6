use shipshape_diagnostics::Span;
use shipshape_dockerfile::shell::Command;

use crate::context::YamlFileContext;
use crate::declare_rule;
use crate::roles::YamlRole;
use crate::rule::{Reporter, Rule};
use crate::rules::gitlab_ci::support::Config;
use crate::shell_checks::{insecure_tls_prefix, insecure_tls_setting, next_arg_is_false};

declare_rule! {
    /// ## What it does
    /// Flags GitLab CI settings and script lines that turn off TLS
    /// certificate verification:
    /// - variables `GIT_SSL_NO_VERIFY`, `NODE_TLS_REJECT_UNAUTHORIZED: "0"`,
    ///   `PYTHONHTTPSVERIFY: "0"`, `NPM_CONFIG_STRICT_SSL: "false"`,
    ///   `PIP_TRUSTED_HOST`;
    /// - `curl -k`/`--insecure`, `wget --no-check-certificate`,
    ///   `git config http.sslVerify false`, `git -c http.sslVerify=false`,
    ///   `npm`/`yarn` `config set strict-ssl false`, `pip install --trusted-host`,
    ///   `kubectl`/`helm` `--insecure-skip-tls-verify`, and
    ///   `--tls-verify=false` of `podman`, `buildah` and `skopeo`;
    /// - a service (a `docker:dind` daemon) started with `--insecure-registry`.
    ///
    /// ## Why is this bad?
    /// Without verification anything on the network path between the runner
    /// and the server (a proxy, a compromised node of a shared runner fleet)
    /// can read the credentials the job sends and swap what it downloads
    /// or deploys. Trust the right certificate authority instead
    /// (`CI_SERVER_TLS_CA_FILE`, a CA bundle in the image, `--cacert`).
    ///
    /// ## Example
    /// ```yaml
    /// deploy:
    ///   variables:
    ///     GIT_SSL_NO_VERIFY: "true"
    ///   script:
    ///     - curl -k -o chart.tgz https://charts.internal/app.tgz
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// deploy:
    ///   script:
    ///     - curl --cacert "$INTERNAL_CA_FILE" -o chart.tgz https://charts.internal/app.tgz
    /// ```
    pub struct GitlabTlsVerificationDisabled {
        id: "gitlab-tls-verification-disabled",
        severity: Warning,
        domains: [GitlabCi],
        summary: "GitLab CI job turns off TLS certificate verification",
    }
}

/// A setting that turns off TLS verification; a `PIP_TRUSTED_HOST` taken
/// from another variable is left to whoever sets that variable.
fn insecure_setting(name: &str, value: &str) -> bool {
    insecure_tls_setting(name, value) && !(name == "PIP_TRUSTED_HOST" && value.contains('$'))
}

fn check_command(command: &Command) -> Option<(Span, String)> {
    if let Some((word, what)) = insecure_tls_prefix(command, insecure_setting) {
        return Some((word.span, what));
    }
    let name = command.name()?;
    let args = command.args();
    let find = |pred: &dyn Fn(&str) -> bool| args.iter().find(|w| pred(&w.value));
    let hit = match name {
        "curl" => find(&|v| {
            v == "--insecure"
                || (v.starts_with('-')
                    && !v.starts_with("--")
                    && v.contains('k')
                    && v.chars().skip(1).all(|c| c.is_ascii_alphanumeric()))
        }),
        "wget" => find(&|v| v == "--no-check-certificate"),
        "git" => find(&|v| v.to_ascii_lowercase().contains("sslverify"))
            .filter(|w| w.value.to_ascii_lowercase().ends_with("=false") || next_arg_is_false(args, w.span)),
        "npm" | "yarn" | "pnpm" => find(&|v| v == "strict-ssl" || v == "--strict-ssl=false")
            .filter(|w| w.value.ends_with("=false") || next_arg_is_false(args, w.span)),
        "pip" | "pip3" | "pipx" | "python" | "python3" | "poetry" => find(&|v| v.starts_with("--trusted-host")),
        "kubectl" | "helm" | "oc" => {
            find(&|v| v == "--insecure-skip-tls-verify" || v == "--insecure-skip-tls-verify=true")
        }
        "podman" | "buildah" | "skopeo" => find(&|v| {
            v.starts_with("--tls-verify=false")
                || v.starts_with("--src-tls-verify=false")
                || v.starts_with("--dest-tls-verify=false")
        }),
        _ => None,
    }?;
    Some((hit.span, format!("`{name} {}` turns off TLS verification", hit.value)))
}

impl Rule for GitlabTlsVerificationDisabled {
    fn check_yaml(&self, cx: &YamlFileContext<'_>, report: &mut Reporter<'_>) {
        if cx.role != YamlRole::GitlabCi {
            return;
        }
        for doc in &Config::of_file(cx).docs {
            for variable in doc.variables() {
                if insecure_setting(variable.name, variable.text()) {
                    report.report(
                        variable.key.span.cover(variable.value.span),
                        format!(
                            "`{}: {}` turns off TLS verification; trust the right CA certificate instead",
                            variable.name,
                            variable.text()
                        ),
                    );
                }
            }
            for image in doc.images().into_iter().filter(|i| i.service) {
                for part in ["command", "entrypoint"] {
                    for arg in image.entry.get(part).map(shipshape_yaml::Node::items).unwrap_or(&[]) {
                        if arg.as_str().is_some_and(|a| a.trim().starts_with("--insecure-registry")) {
                            report.report(
                                arg.span,
                                "The service's Docker daemon trusts a registry over plain HTTP or without \
                                 certificate checks (`--insecure-registry`); give the registry a trusted certificate",
                            );
                        }
                    }
                }
            }
            for line in doc.scripts() {
                for command in doc.commands(line) {
                    if let Some((span, what)) = check_command(&command) {
                        report.report(span, format!("{what}; trust the right CA certificate instead"));
                    }
                }
            }
        }
    }
}
