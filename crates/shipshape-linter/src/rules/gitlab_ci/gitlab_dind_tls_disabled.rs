use crate::context::YamlFileContext;
use crate::declare_rule;
use crate::roles::YamlRole;
use crate::rule::{Reporter, Rule};
use crate::rules::gitlab_ci::support::Config;

declare_rule! {
    /// ## What it does
    /// Flags Docker-in-Docker set up without TLS: `DOCKER_TLS_CERTDIR: ""`
    /// (which makes the `docker:dind` service listen on plain TCP),
    /// `DOCKER_HOST: tcp://…:2375` (the unencrypted, unauthenticated Docker
    /// port), and a `dind` service started with `--tls=false`.
    ///
    /// ## Why is this bad?
    /// Without TLS the Docker daemon of the service accepts any connection on
    /// port 2375 with no authentication. On runners where services share a
    /// network (Kubernetes executor pods, `network_mode: host`, shared
    /// Docker networks), other jobs or containers can drive that daemon —
    /// which runs privileged — read the images and credentials it holds, or
    /// start containers that mount the host. GitLab's docs set up dind with
    /// TLS (`DOCKER_TLS_CERTDIR: "/certs"`, port 2376) for this reason.
    ///
    /// ## Example
    /// ```yaml
    /// build:
    ///   image: docker:26.1.4
    ///   services:
    ///     - docker:26.1.4-dind
    ///   variables:
    ///     DOCKER_HOST: tcp://docker:2375
    ///     DOCKER_TLS_CERTDIR: ""
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// build:
    ///   image: docker:26.1.4
    ///   services:
    ///     - docker:26.1.4-dind
    ///   variables:
    ///     DOCKER_TLS_CERTDIR: "/certs"
    /// ```
    /// or build without a Docker daemon (Kaniko, Buildah, BuildKit rootless).
    ///
    /// ## References
    /// - [GitLab: Use Docker-in-Docker with TLS enabled](https://docs.gitlab.com/ci/docker/using_docker_build/#docker-in-docker-with-tls-enabled-in-the-docker-executor)
    pub struct GitlabDindTlsDisabled {
        id: "gitlab-dind-tls-disabled",
        severity: Warning,
        domains: [GitlabCi],
        summary: "Docker-in-Docker service runs without TLS",
    }
}

fn plain_port(host: &str) -> bool {
    let host = host.trim();
    host.starts_with("tcp://") && host.trim_end_matches('/').ends_with(":2375")
}

impl Rule for GitlabDindTlsDisabled {
    fn check_yaml(&self, cx: &YamlFileContext<'_>, report: &mut Reporter<'_>) {
        if cx.role != YamlRole::GitlabCi {
            return;
        }
        for doc in &Config::of_file(cx).docs {
            for variable in doc.variables() {
                let value = variable.value.as_str().unwrap_or("").trim();
                let span = variable.key.span.cover(variable.value.span);
                if variable.name == "DOCKER_TLS_CERTDIR" && value.is_empty() {
                    report.report(
                        span,
                        "`DOCKER_TLS_CERTDIR` is empty, so the dind service serves Docker without TLS on port 2375; \
                         set it to `/certs`",
                    );
                } else if variable.name == "DOCKER_HOST" && plain_port(value) {
                    report.report(
                        span,
                        format!(
                            "`DOCKER_HOST: {value}` talks to Docker over plain TCP with no authentication; \
                             use TLS (`DOCKER_TLS_CERTDIR: /certs`, port 2376)"
                        ),
                    );
                }
            }
            for image in doc.images().into_iter().filter(|i| i.service) {
                if !image.node.as_str().unwrap_or("").contains("dind") {
                    continue;
                }
                for part in ["command", "entrypoint"] {
                    for arg in image.entry.get(part).map(shipshape_yaml::Node::items).unwrap_or(&[]) {
                        if arg.as_str().is_some_and(|a| a.trim() == "--tls=false") {
                            report.report(
                                arg.span,
                                "The dind service is started with `--tls=false`; serve Docker over TLS instead",
                            );
                        }
                    }
                }
            }
        }
    }
}
