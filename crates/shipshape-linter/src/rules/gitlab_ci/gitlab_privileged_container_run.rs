use shipshape_diagnostics::Span;
use shipshape_dockerfile::shell::Command;

use crate::context::YamlFileContext;
use crate::declare_rule;
use crate::roles::YamlRole;
use crate::rule::{Reporter, Rule};
use crate::rules::gitlab_ci::support::Config;

declare_rule! {
    /// ## What it does
    /// Flags a GitLab CI script that starts a container with the powers of
    /// the host: `docker run --privileged` (or `podman`, `nerdctl`), a bind
    /// mount of the Docker socket (`-v /var/run/docker.sock:…`),
    /// `--pid=host`, and `--cap-add=SYS_ADMIN` or `ALL`.
    ///
    /// ## Why is this bad?
    /// Such a container can take over the machine it runs on: load kernel
    /// modules, read every other container's files and secrets, or start
    /// new privileged containers through the socket. On a shared or
    /// long-lived runner that is every other project's jobs and
    /// credentials. It also needs the runner itself to be privileged. Build
    /// images with a rootless builder (BuildKit rootless, Kaniko, Buildah)
    /// and run tests without host privileges.
    ///
    /// ## Example
    /// ```yaml
    /// test:
    ///   script:
    ///     - docker run --privileged -v /var/run/docker.sock:/var/run/docker.sock app:test
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// test:
    ///   script:
    ///     - docker run --rm --cap-drop=ALL --read-only app:test
    /// ```
    pub struct GitlabPrivilegedContainerRun {
        id: "gitlab-privileged-container-run",
        severity: Warning,
        domains: [GitlabCi],
        summary: "GitLab CI script runs a container with host privileges",
    }
}

const RUNTIMES: &[&str] = &["docker", "podman", "nerdctl"];

fn host_power(command: &Command) -> Option<(Span, &'static str)> {
    let name = command.name()?;
    let args = command.args();
    let runs =
        args.iter().find(|w| !w.value.starts_with('-')).is_some_and(|w| matches!(w.value.as_str(), "run" | "create"))
            || (args.first().is_some_and(|w| w.value == "container")
                && args.get(1).is_some_and(|w| matches!(w.value.as_str(), "run" | "create")));
    if !RUNTIMES.contains(&name) || !runs {
        return None;
    }
    for (i, word) in args.iter().enumerate() {
        let value = word.value.as_str();
        let next = args.get(i + 1).map(|w| w.value.as_str()).unwrap_or("");
        let (flag, inline) = value.split_once('=').map_or((value, None), |(f, v)| (f, Some(v)));
        let operand = inline.unwrap_or(next);
        let hit = match flag {
            "--privileged" if inline.is_none_or(|v| v != "false") => {
                Some("`--privileged` gives the container the host")
            }
            "-v" | "--volume" | "--mount" if operand.contains("docker.sock") => {
                Some("mounting the Docker socket gives the container the host")
            }
            "--pid" if operand == "host" => Some("`--pid=host` lets the container see and signal every host process"),
            "--cap-add" if matches!(operand.to_ascii_uppercase().as_str(), "SYS_ADMIN" | "ALL" | "CAP_SYS_ADMIN") => {
                Some("adding `SYS_ADMIN` (or `ALL`) is nearly `--privileged`")
            }
            _ => None,
        };
        if let Some(what) = hit {
            let span = if inline.is_none() && flag != "--privileged" {
                args.get(i + 1).map_or(word.span, |n| word.span.cover(n.span))
            } else {
                word.span
            };
            return Some((span, what));
        }
    }
    None
}

impl Rule for GitlabPrivilegedContainerRun {
    fn check_yaml(&self, cx: &YamlFileContext<'_>, report: &mut Reporter<'_>) {
        if cx.role != YamlRole::GitlabCi {
            return;
        }
        for doc in &Config::of_file(cx).docs {
            for line in doc.scripts() {
                for command in doc.commands(line) {
                    if let Some((span, what)) = host_power(&command) {
                        report.report(span, format!("{what}; run it without host privileges"));
                    }
                }
            }
        }
    }
}
