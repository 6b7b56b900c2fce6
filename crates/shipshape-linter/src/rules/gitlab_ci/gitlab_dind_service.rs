use std::collections::HashSet;

use crate::context::YamlFileContext;
use crate::declare_rule;
use crate::images::ImageRef;
use crate::roles::YamlRole;
use crate::rule::{Reporter, Rule};
use crate::rules::gitlab_ci::support::Config;

declare_rule! {
    /// ## What it does
    /// Points out a Docker-in-Docker service (`services: [docker:…-dind]`),
    /// which only runs on a runner with `privileged = true`. This is advice,
    /// off by default: dind with TLS is GitLab's documented way to build
    /// images (and what `shipshape init` writes), but a rootless builder
    /// avoids the privileged runner altogether. Without TLS, dind is also
    /// flagged by `gitlab-dind-tls-disabled`.
    ///
    /// ## Why is this bad?
    /// A privileged runner hands every job that runs on it root on the
    /// host: any job (from any branch, or any project sharing the runner)
    /// can escape its container, read other jobs' files and credentials and
    /// persist on the machine. Kaniko, Buildah and BuildKit rootless build
    /// images without Docker and without privileges.
    ///
    /// ## Example
    /// ```yaml
    /// build:
    ///   image: docker:26.1.4
    ///   services:
    ///     - docker:26.1.4-dind
    ///   script:
    ///     - docker build -t "$IMAGE" .
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// build:
    ///   image:
    ///     name: gcr.io/kaniko-project/executor:v1.23.2-debug
    ///     entrypoint: [""]
    ///   script:
    ///     - /kaniko/executor --context "$CI_PROJECT_DIR" --destination "$IMAGE"
    /// ```
    pub struct GitlabDindService {
        id: "gitlab-dind-service",
        severity: Info,
        domains: [GitlabCi],
        summary: "Docker-in-Docker service needs a privileged runner",
        enabled_by_default: false,
    }
}

impl Rule for GitlabDindService {
    fn check_yaml(&self, cx: &YamlFileContext<'_>, report: &mut Reporter<'_>) {
        if cx.role != YamlRole::GitlabCi {
            return;
        }
        let mut seen = HashSet::new();
        for doc in &Config::of_file(cx).docs {
            for image in doc.images().into_iter().filter(|i| i.service) {
                let Some(reference) = image.node.as_str() else { continue };
                let parsed = ImageRef::parse(reference.trim());
                let docker = parsed.repository() == "library/docker" || parsed.name.ends_with("/docker");
                if docker && parsed.tag.is_some_and(|t| t.contains("dind")) && seen.insert(image.node.span) {
                    report.report(
                        image.node.span,
                        "Docker-in-Docker runs only on a privileged runner, which gives jobs root on the host; \
                         consider a rootless builder (Kaniko, Buildah, BuildKit rootless)",
                    );
                }
            }
        }
    }
}
